import pytest


@pytest.mark.django_db
def test_health_endpoint_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_openapi_docs_are_served(client):
    assert client.get("/api/docs").status_code == 200
    schema = client.get("/api/openapi.json").json()
    assert "/api/core/agencies/{code}" in schema["paths"]


@pytest.mark.django_db
def test_units_api_lists_current_communes_of_a_province(client, province):
    units = client.get("/api/core/units", {"parent": "22"}).json()
    assert len(units) == 54
    assert {"code", "name", "level", "valid_from"} <= units[0].keys()
    old = client.get("/api/core/units", {"level": "district", "on": "2024-01-01"}).json()
    assert {unit["name"] for unit in old} >= {"Thành phố Hạ Long", "Huyện Cô Tô"}


def test_health_endpoint_answers_503_when_the_database_is_down(tmp_path):
    import os
    import subprocess
    import sys

    probe = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client(HTTP_HOST='localhost').get('/healthz');"
        "print(r.status_code, r.json()['database'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "motcua.settings",
        "MOTCUA_VAR_DIR": str(tmp_path),
        # Nothing listens on port 9 of this machine.
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/motcua",
    }
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.stdout.split() == ["503", "unreachable"], result.stderr
