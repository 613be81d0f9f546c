"""What /healthz checks (the load balancer's: the database always, the Celery broker when one is
configured), and what /healthz/workers checks for monitoring (beat's and the workers' heartbeats)."""

import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import Heartbeat


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "not configured"
    from sli_portal.celery import app

    with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1, timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT)
    return "ok"


CHECKS = {"database": check_database, "broker": check_broker}


def run_checks() -> tuple[bool, dict[str, str]]:
    results, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:  # any failure of a dependency is "unhealthy", never a 500
            results[name] = f"error: {error.__class__.__name__}"
            healthy = False
    return healthy, results


def workers_report(*, now: datetime.datetime | None = None) -> tuple[bool, dict]:
    """The age of beat's last heartbeat and of the last one a worker ran; unhealthy when either
    is older than WORKER_SILENCE_SECONDS or was never seen. In the embedded default (tasks run
    in the web process) there is no beat or worker to watch, and it says so."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, {"status": "ok", "mode": "embedded: tasks run in the web process, no beat or worker to watch"}
    now = now or timezone.now()
    limit = settings.WORKER_SILENCE_SECONDS
    seen = {beat.source: beat for beat in Heartbeat.objects.all()}
    report, healthy = {"threshold_seconds": limit}, True
    for source in (Heartbeat.Source.BEAT, Heartbeat.Source.WORKER):
        beat = seen.get(source)
        if beat is None:
            report[source] = {"status": "never seen"}
            healthy = False
            continue
        age = max(int((now - beat.at).total_seconds()), 0)
        silent = age > limit
        healthy = healthy and not silent
        report[source] = {"status": "silent" if silent else "ok", "last_seen": beat.at.isoformat(), "age_seconds": age}
    return healthy, {"status": "ok" if healthy else "error", **report}
