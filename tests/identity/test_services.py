import pytest

from motcua.core.exceptions import DomainError
from motcua.identity.models import Role, RoleAssignment
from motcua.identity.services import create_staff_user, grant_role, revoke_role
from motcua.security.models import AuditAction, AuditRecord

pytestmark = pytest.mark.django_db


def test_granting_the_same_role_twice_keeps_one_assignment_and_one_audit_record(justice):
    user = create_staff_user("hoa", full_name="Nguyễn Thị Hoa", password="x-long-password")
    grant_role(user, Role.SPECIALIST, agency=justice)
    grant_role(user, Role.SPECIALIST, agency=justice)
    assert RoleAssignment.objects.filter(user=user).count() == 1
    grants = AuditRecord.objects.filter(action=AuditAction.ROLE_GRANTED, object_id=str(user.pk))
    assert grants.count() == 1
    assert grants.get().agency == justice


def test_a_role_without_scope_is_refused(justice):
    user = create_staff_user("minh", full_name="Trần Văn Minh", password=None)
    with pytest.raises(DomainError) as refused:
        grant_role(user, Role.LEADER)
    assert refused.value.code == "scope_required"
    assert not user.has_usable_password()


def test_login_names_are_unique_regardless_of_case(justice):
    create_staff_user("Hoa", full_name="A", password=None)
    with pytest.raises(DomainError) as taken:
        create_staff_user("hoa", full_name="B", password=None)
    assert taken.value.code == "username_taken"
    assert "hoa" in taken.value.message


def test_revoking_a_role_is_audited(justice):
    user = create_staff_user("nam", full_name="Đặng Hải Nam", password=None)
    assignment = grant_role(user, Role.LEADER, agency=justice)
    revoke_role(assignment)
    assert not RoleAssignment.objects.filter(user=user).exists()
    assert AuditRecord.objects.filter(action=AuditAction.ROLE_REVOKED).exists()
