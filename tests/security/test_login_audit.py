import pytest

from motcua.security.models import AuditAction, AuditRecord
from tests.identity.accounts.helpers import staff_login

pytestmark = pytest.mark.django_db


def test_login_failed_login_and_logout_are_recorded_without_the_password(client, superuser):
    client.post("/backoffice/login/", {"username": "root", "password": "wrong-password"})
    failed = AuditRecord.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.data == {"username": "root"}
    assert "wrong-password" not in str(failed.data) + failed.object_repr
    assert failed.source_ip == "127.0.0.1"

    staff_login(client, "root", "pw-Quang-Ninh-22")
    assert AuditRecord.objects.get(action=AuditAction.LOGIN).actor == superuser

    client.post("/backoffice/logout/")
    assert AuditRecord.objects.filter(action=AuditAction.LOGOUT, actor=superuser).exists()


def test_wrong_password_shows_a_clear_message(client, superuser):
    response = client.post("/backoffice/login/", {"username": "root", "password": "nope"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_forwarded_address_is_trusted_only_behind_a_configured_proxy(client, settings, superuser):
    headers = {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    client.post("/backoffice/login/", {"username": "x", "password": "y"}, **headers)
    settings.MOTCUA_PROXY_COUNT = 1
    client.post("/backoffice/login/", {"username": "x", "password": "y"}, **headers)
    first, second = AuditRecord.objects.filter(action=AuditAction.LOGIN_FAILED).order_by("sequence")
    assert first.source_ip == "127.0.0.1"
    assert second.source_ip == "203.0.113.9"
