from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG", "SECRET_KEY"))}
    return subprocess.run(
        [sys.executable, "-m", "onemind", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**clean, **env},
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_checks_with_no_warnings(tmp_path: Path) -> None:
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        SECRET_KEY="k" * 30 + "-production-secret-1234567890",
        ONEMIND_HTTPS="true",
        ALLOWED_HOSTS="onemind.example.org",
        ONEMIND_DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_bad_boolean_setting_fails_loudly(tmp_path: Path) -> None:
    result = _run(["check"], DEBUG="maybe", ONEMIND_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_a_short_secret_key_is_refused(tmp_path: Path) -> None:
    result = _run(["check"], SECRET_KEY="short", ONEMIND_DATA_DIR=str(tmp_path))
    assert result.returncode != 0 and "at least 50 characters" in result.stderr


def test_the_demo_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    _run(["check"], ONEMIND_DATA_DIR=str(tmp_path))
    key = (tmp_path / "secret_key").read_text()
    _run(["check"], ONEMIND_DATA_DIR=str(tmp_path))
    assert (tmp_path / "secret_key").read_text() == key and len(key) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


@pytest.mark.django_db
def test_a_server_error_shows_a_generic_page_without_details(client, settings) -> None:  # noqa: ANN001
    from django.urls import path

    def boom(request):  # noqa: ANN001, ANN202
        raise RuntimeError("secret internals")

    settings.DEBUG = False
    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [path("boom/", boom)]})
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert b"secret internals" not in response.content and b"Traceback" not in response.content
    assert b"Something went wrong" in response.content
