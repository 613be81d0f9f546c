"""Settings are read once at import, so each case runs Django in a fresh process."""

import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings

PRODUCTION = {"DEBUG": "0", "ALLOWED_HOSTS": "sli.example.org", "EMAIL_URL": "smtp://127.0.0.1:1025"}


def _django(code: str, **env_vars: str) -> subprocess.CompletedProcess:
    script = f"import json, django; django.setup(); from django.conf import settings as s; {code}"
    return _run([sys.executable, "-c", script], env_vars)


def _manage(*args: str, **env_vars: str) -> subprocess.CompletedProcess:
    return _run([sys.executable, "manage.py", *args], env_vars)


def _run(command: list[str], env_vars: dict[str, str]) -> subprocess.CompletedProcess:
    # Start from the developer's environment without the variables these tests are about.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG") and not k.startswith("AWS_")
    }
    env.update(DJANGO_SETTINGS_MODULE="sli_portal.settings", **env_vars)
    # Settings create their folders at start-up: keep them out of the checkout's var/.
    with tempfile.TemporaryDirectory(prefix="sli-settings-") as var_dir:
        env.setdefault("VAR_DIR", var_dir)
        return subprocess.run(command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)


def test_the_embedded_default_needs_no_service(tmp_path):
    result = _django(
        "d = s.DATABASES['default']; print(json.dumps([s.DEBUG, d['ENGINE'], str(d['NAME']),"
        " s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, str(s.MEDIA_ROOT)]))",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    debug, engine, name, eager, email, media = json.loads(result.stdout)
    assert debug is True
    assert engine == "django.db.backends.sqlite3"
    assert name == str(tmp_path / "db.sqlite3")
    assert eager is True
    assert email == "django.core.mail.backends.console.EmailBackend"
    assert media == str(tmp_path / "media")


def test_without_var_dir_files_live_in_the_checkouts_var_folder():
    expected = Path(os.environ["VAR_DIR"]) if os.environ.get("VAR_DIR") else Path(settings.BASE_DIR) / "var"
    assert Path(settings.VAR_DIR) == expected


def test_production_refuses_to_start_without_a_secret_key():
    result = _django("print('started')", **PRODUCTION)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_demo_secret_key():
    result = _django("print('started')", SECRET_KEY=settings.DEMO_SECRET_KEY, **PRODUCTION)
    assert result.returncode != 0
    assert "refuses to run in production with the demo key" in result.stderr


def test_deploy_checks_report_no_warning_in_production():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=secrets.token_urlsafe(50), **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_mail_server_fails_the_deploy_checks():
    without_email = {name: value for name, value in PRODUCTION.items() if name != "EMAIL_URL"}
    result = _manage("check", "--deploy", SECRET_KEY=secrets.token_urlsafe(50), **without_email)
    assert result.returncode != 0
    assert "sli_portal.E001" in result.stderr and "Set EMAIL_URL" in result.stderr


def test_log_format_json_writes_one_json_object_a_line():
    code = (
        "import logging; logging.getLogger('sli_portal.test').warning('hello %s', 'operator', extra={'region': 'sw'})"
    )
    result = _django(code, LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["level"] == "WARNING" and line["logger"] == "sli_portal.test"
    assert line["message"] == "hello operator" and line["region"] == "sw" and line["request_id"] == "-"
    assert line["time"].endswith("+00:00")


def test_an_unknown_log_format_is_refused():
    result = _django("print('started')", LOG_FORMAT="xml")
    assert result.returncode != 0 and "LOG_FORMAT must be text or json" in result.stderr


def test_database_url_selects_postgresql_or_an_absolute_sqlite_path(tmp_path):
    show = "d = s.DATABASES['default']; print(json.dumps([d['ENGINE'], str(d['NAME'])]))"
    postgres = _django(show, DATABASE_URL="postgres://sli@db.internal:5432/sli_portal")
    assert json.loads(postgres.stdout) == ["django.db.backends.postgresql", "sli_portal"]
    sqlite = _django(show, DATABASE_URL=f"sqlite:///{tmp_path}/portal.sqlite3")
    assert json.loads(sqlite.stdout) == ["django.db.backends.sqlite3", f"{tmp_path}/portal.sqlite3"]


def test_redis_url_turns_off_eager_tasks():
    result = _django("print(s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL)", REDIS_URL="redis://127.0.0.1:6379/3")
    assert result.stdout.split() == ["False", "redis://127.0.0.1:6379/3"]


def test_email_url_selects_smtp():
    result = _django(
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS)",
        EMAIL_URL="smtp+tls://sli:secret@smtp.example.org:587",
    )
    assert result.stdout.split() == ["django.core.mail.backends.smtp.EmailBackend", "smtp.example.org", "587", "True"]


def test_a_nonsense_boolean_is_refused():
    result = _django("print(s.DEBUG)", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be one of 1/0, true/false, yes/no, on/off; not 'maybe'" in result.stderr


def test_a_nonsense_proxy_count_is_refused():
    result = _django("print(s.NUM_PROXIES)", NUM_PROXIES="-1")
    assert result.returncode != 0
    assert "NUM_PROXIES must be a whole number from 0 to 10; not -1" in result.stderr


def test_two_factor_sign_in_is_required_in_production_unless_turned_off():
    secret = "x" * 50
    assert _django("print(s.REQUIRE_2FA)").stdout.strip() == "False"  # make run: the demo's passwords
    assert _django("print(s.REQUIRE_2FA)", SECRET_KEY=secret, **PRODUCTION).stdout.strip() == "True"
    off = _django("print(s.REQUIRE_2FA)", SECRET_KEY=secret, REQUIRE_2FA="0", **PRODUCTION)
    assert off.stdout.strip() == "False"
    capped = _django("print(s.TWO_FACTOR_REMEMBER_DAYS)", TWO_FACTOR_REMEMBER_DAYS="90")
    assert capped.stdout.strip() == "30"


SHOW_FILE_STORAGE = "print(json.dumps(s.STORAGES['default']))"


def test_files_stay_in_media_root_without_a_bucket():
    result = _django(SHOW_FILE_STORAGE)
    assert json.loads(result.stdout) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_a_bucket_name_puts_the_files_in_a_private_bucket():
    result = _django(
        SHOW_FILE_STORAGE,
        AWS_STORAGE_BUCKET_NAME="sli-files",
        AWS_S3_ENDPOINT_URL="https://minio.example.org:9000",
        AWS_S3_REGION_NAME="eu-west-2",
        AWS_ACCESS_KEY_ID="portal",
        AWS_SECRET_ACCESS_KEY="portal-secret",
        AWS_S3_ADDRESSING_STYLE="path",
        AWS_LOCATION="/sli-portal/",
    )
    assert result.returncode == 0, result.stderr
    storage = json.loads(result.stdout)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "sli-files" and options["endpoint_url"] == "https://minio.example.org:9000"
    assert options["region_name"] == "eu-west-2" and options["addressing_style"] == "path"
    assert options["access_key"] == "portal" and options["secret_key"] == "portal-secret"
    assert options["location"] == "sli-portal"
    # Private: no ACL sent (never public-read), only signed links, and no file replaced by a namesake.
    assert options["default_acl"] is None and options["querystring_auth"] is True
    assert options["file_overwrite"] is False


def test_a_bucket_without_endpoint_or_keys_leaves_boto3_its_defaults():
    result = _django(SHOW_FILE_STORAGE, AWS_STORAGE_BUCKET_NAME="sli-files")
    options = json.loads(result.stdout)["OPTIONS"]
    assert [options[name] for name in ("endpoint_url", "region_name", "access_key", "secret_key")] == [None] * 4


def test_a_nonsense_addressing_style_is_refused():
    result = _django("print('started')", AWS_STORAGE_BUCKET_NAME="sli-files", AWS_S3_ADDRESSING_STYLE="dns")
    assert result.returncode != 0
    assert "AWS_S3_ADDRESSING_STYLE must be path, virtual or auto; not 'dns'" in result.stderr


def test_half_a_key_pair_is_refused():
    result = _django("print('started')", AWS_STORAGE_BUCKET_NAME="sli-files", AWS_ACCESS_KEY_ID="portal")
    assert result.returncode != 0
    assert "Set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither" in result.stderr
