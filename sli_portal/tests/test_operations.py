"""Issue 20's rules for operators: health that tells the truth, one log line per request with its
request id, and production refusing what would lose data or lock people out."""

import datetime
import io
import json
import logging
import os
import stat

import pytest
from django.contrib.auth import get_user_model
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from sli_portal import celery as celery_signals
from sli_portal.core.logging import JsonFormatter, current_request_id, reset_request_id, set_request_id
from sli_portal.models import Heartbeat
from sli_portal.tasks import heartbeat

User = get_user_model()

# --- Health ---------------------------------------------------------------------------------


@override_settings(SECURE_SSL_REDIRECT=True)
@pytest.mark.parametrize("path", ["/healthz", "/healthz/workers"])
def test_the_health_checks_answer_plain_http_and_the_rest_redirects(client, db, path):
    assert client.get(path).status_code == 200
    assert client.get("/accounts/login/").status_code == 301


def test_in_the_embedded_default_the_workers_check_says_there_is_none_to_watch(client, db):
    response = client.get(reverse("healthz_workers"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "mode": "embedded: tasks run in the web process, no beat or worker to watch",
    }


@pytest.fixture
def with_a_broker(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.WORKER_SILENCE_SECONDS = 300


def _beat(source, seconds_ago):
    Heartbeat.objects.update_or_create(
        source=source, defaults={"at": timezone.now() - datetime.timedelta(seconds=seconds_ago)}
    )


def test_the_workers_check_fails_until_beat_and_a_worker_have_been_heard(client, db, with_a_broker):
    response = client.get(reverse("healthz_workers"))
    assert response.status_code == 503
    assert response.json()["beat"] == {"status": "never seen"} and response.json()["worker"] == {"status": "never seen"}

    _beat("beat", 30)
    _beat("worker", 31)
    report = client.get(reverse("healthz_workers")).json()
    assert report["status"] == "ok" and report["beat"]["age_seconds"] == 30 and report["worker"]["status"] == "ok"

    _beat("worker", 301)  # every worker silent for five minutes
    response = client.get(reverse("healthz_workers"))
    assert response.status_code == 503 and response.json()["worker"]["status"] == "silent"


def test_beat_sending_the_heartbeat_and_a_worker_running_it_are_both_recorded(db):
    celery_signals.carry_the_request_id(sender="sli_portal.tasks.heartbeat", headers={})
    assert Heartbeat.objects.get(source="beat").at > timezone.now() - datetime.timedelta(seconds=5)
    heartbeat.apply()
    assert Heartbeat.objects.get(source="worker").at > timezone.now() - datetime.timedelta(seconds=5)
    # Another task leaves beat's time alone.
    Heartbeat.objects.filter(source="beat").update(at=timezone.now() - datetime.timedelta(hours=1))
    celery_signals.carry_the_request_id(sender="snapshots.tasks.sweep_stale_renders", headers={})
    assert Heartbeat.objects.get(source="beat").at < timezone.now() - datetime.timedelta(minutes=59)


def test_check_workers_in_the_embedded_default_says_there_is_no_worker(db):
    out = io.StringIO()
    call_command("check_workers", stdout=out)
    assert "no worker to ask" in out.getvalue()


def test_check_workers_fails_when_the_broker_does_not_answer(db, with_a_broker, settings):
    from sli_portal.celery import app

    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    try:
        with pytest.raises(CommandError, match="broker cannot be reached|No worker answered"):
            call_command("check_workers", "--timeout", "1")
    finally:
        app.conf.broker_url = settings.CELERY_BROKER_URL


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_check_workers_hears_a_real_worker(celery_worker_process):
    out = io.StringIO()
    call_command("check_workers", "--timeout", "5", stdout=out)
    assert "Worker answered: ci-" in out.getvalue()


# --- Logs -----------------------------------------------------------------------------------


def test_every_request_is_one_line_with_its_status_time_user_and_request_id(client, db, caplog, member):
    client.force_login(member)
    with caplog.at_level(logging.INFO, logger="sli_portal.requests"):
        response = client.get("/accounts/login/?next=/", HTTP_X_REQUEST_ID="lb-1234")
    (record,) = [r for r in caplog.records if r.name == "sli_portal.requests"]
    assert response["X-Request-ID"] == "lb-1234"
    assert record.getMessage().startswith(f"GET /accounts/login/ {response.status_code} ")
    assert record.getMessage().endswith(f"user={member.pk}")
    assert (record.status, record.user_id, record.request_id) == (response.status_code, member.pk, "lb-1234")


def test_a_forged_request_id_is_replaced(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="sli_portal.requests"):
        response = client.get("/healthz", HTTP_X_REQUEST_ID="x\nFAKE LOG LINE")
    assert len(response["X-Request-ID"]) == 32 and "FAKE" not in response["X-Request-ID"]
    assert caplog.records[-1].getMessage().endswith("user=-")


def test_the_log_line_costs_no_query(client, db, django_assert_num_queries):
    # /healthz asks the database once; reading the user for the log line would add the session's.
    with django_assert_num_queries(1):
        client.get("/healthz")


def test_a_task_queued_during_a_request_carries_its_id_to_the_worker(db):
    token = set_request_id("req-42")
    try:
        headers = {}
        celery_signals.carry_the_request_id(sender="snapshots.tasks.render_snapshot", headers=headers)
    finally:
        reset_request_id(token)
    assert headers == {"request_id": "req-42"}

    class Task:
        class request:  # noqa: N801 - Celery's own name
            request_id = "req-42"

    celery_signals.adopt_the_request_id(task_id="t1", task=Task)
    assert current_request_id() == "req-42"
    celery_signals.drop_the_request_id(task_id="t1")
    assert current_request_id() == "-"


def test_an_unknown_host_is_one_warning_without_a_traceback(client, db, caplog, settings):
    settings.ALLOWED_HOSTS = ["sli.example.org"]
    with caplog.at_level(logging.WARNING, logger="django.security.DisallowedHost"):
        response = client.get("/healthz", HTTP_HOST="scanner.example.com")
    assert response.status_code == 400
    (record,) = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert record.exc_info is None and "scanner.example.com" in record.getMessage()


def test_the_json_format_keeps_the_traceback_and_the_extra_fields():
    try:
        raise ValueError("broken")
    except ValueError:
        record = logging.getLogger("x").makeRecord("x", logging.ERROR, __file__, 1, "failed %s", ("once",), None)
        import sys

        record.exc_info = sys.exc_info()
    record.region = "south-west"
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "failed once" and line["region"] == "south-west"
    assert "ValueError: broken" in line["exception"]


# --- Refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("backend", "errors"),
    [
        ("django.core.mail.backends.console.EmailBackend", ["sli_portal.E001"]),
        ("django.core.mail.backends.smtp.EmailBackend", []),
    ],
)
def test_production_needs_a_mail_server(settings, backend, errors):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = backend
    found = [m.id for m in run_checks(include_deployment_checks=True) if m.id.startswith("sli_portal.")]
    assert found == errors


def test_createsuperuser_without_prompts_refuses_a_weak_password(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "abc")
    with pytest.raises(CommandError, match="The password is refused: This password is too short"):
        call_command("createsuperuser", "--noinput", "--username", "ops", "--email", "ops@example.org")
    assert not User.objects.filter(username="ops").exists()

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "ops-example-org-1")
    with pytest.raises(CommandError, match="too similar"):
        call_command("createsuperuser", "--noinput", "--username", "ops-example-org", "--email", "ops@example.org")

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long and unusual passphrase")
    call_command(
        "createsuperuser", "--noinput", "--username", "ops", "--email", "ops@example.org", stdout=io.StringIO()
    )
    assert User.objects.get(username="ops").is_superuser


def test_the_region_archive_is_readable_by_its_owner_only(region, tmp_path):
    target = tmp_path / "sw.json"
    target.write_text("old")
    target.chmod(0o644)
    previous = os.umask(0o022)
    try:
        call_command("export_region", region.slug, "--output", str(target), stderr=io.StringIO())
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text())["region"]["slug"] == region.slug


def test_expired_sessions_are_cleared_by_the_nightly_task(client, member):
    from django.contrib.sessions.models import Session

    from sli_portal.tasks import clear_expired_sessions

    client.force_login(member)
    Session.objects.create(
        session_key="x" * 32, session_data="", expire_date=timezone.now() - datetime.timedelta(days=1)
    )
    clear_expired_sessions.apply()
    assert Session.objects.count() == 1 and Session.objects.get().expire_date > timezone.now()


def test_statistics_are_refreshed_on_postgresql_only(db):
    from django.db import connection

    from sli_portal.data.statistics import refresh_statistics

    assert refresh_statistics() == (connection.vendor == "postgresql")


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_beat_and_worker_make_the_workers_check_healthy(client, celery_worker_process, tmp_path):
    """beat (its database scheduler) sends the heartbeat, the real worker runs it, and
    /healthz/workers turns from 503 to 200; stopping beat is what an operator would see go stale."""
    import subprocess
    import sys
    import time

    from django.conf import settings

    import conftest

    assert client.get(reverse("healthz_workers")).status_code == 503  # nothing heard yet
    env = {**os.environ, "DATABASE_URL": conftest._database_url_for_worker()}
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "sli_portal", "beat", "--loglevel=INFO", "-s", str(tmp_path / "beat")],
        cwd=settings.BASE_DIR,
        env=env,
    )
    try:
        deadline = time.monotonic() + 90
        while Heartbeat.objects.count() < 2:
            if beat.poll() is not None or time.monotonic() > deadline:
                pytest.fail("beat and the worker did not both record a heartbeat within 90 s", pytrace=False)
            time.sleep(1)
    finally:
        beat.terminate()
        beat.wait(timeout=20)
    response = client.get(reverse("healthz_workers"))
    assert response.status_code == 200, response.json()
    assert response.json()["worker"]["age_seconds"] < 90
