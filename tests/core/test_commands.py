"""The `motcua` console command and the demo, as a new user runs them."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from motcua.env import secret_key
from tests.conftest import subprocess_env
from tests.identity.accounts.helpers import staff_login


def test_motcua_console_command_wraps_django_management(tmp_path):
    env = {**os.environ, "MOTCUA_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "motcua", "help"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    for command in ("audit", "load_units", "seed_agencies", "demo", "db_worker", "migrate"):
        assert command in result.stdout


def test_secret_key_is_generated_once_into_var_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("MOTCUA_SECRET_KEY", raising=False)
    first = secret_key(tmp_path)
    assert len(first) >= 50
    assert secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_no_secret_key_or_database_is_tracked_by_git():
    root = Path(__file__).resolve().parents[2]
    if not (root / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.split()
    assert not [path for path in tracked if path.startswith("var/") or "secret_key" in path]


@pytest.mark.django_db(transaction=True)
def test_audit_verify_from_the_console_reports_ok(province):
    result = subprocess.run(
        [sys.executable, "-m", "motcua", "audit", "verify"],
        env=subprocess_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK:")


@pytest.mark.django_db
def test_demo_prints_logins_that_work(client, capsys):
    call_command("demo", "--no-serve", "--people", "300", "--dossiers", "40")
    output = capsys.readouterr().out
    assert "http://127.0.0.1:8000/" in output
    logins = dict(re.findall(r"^  (\S+)\s+(\S+)\s+", output, flags=re.MULTILINE))
    assert {"tiepnhan", "antoan", "quantri", "admin"} <= logins.keys()
    for kind in ("citizen, level 1", "citizen, level 2", "organisation representative"):
        assert kind in output
    # Password, then the authenticator enrolled on first login (staff need a second factor).
    staff_login(client, "tiepnhan", logins["tiepnhan"])
    assert "Trung tâm Phục vụ hành chính công tỉnh" in client.get("/backoffice/").content.decode()
