from celery import shared_task
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from . import health
from .models import Heartbeat


@shared_task
def worker_health() -> dict[str, str]:
    """What a worker sees: its database, checked from the worker's side.

    Operators run `celery -A sli_portal call sli_portal.tasks.worker_health` after a deploy to
    prove a worker consumes from the broker and reaches the same database as the web processes;
    CI does the same against a real Redis and a real worker.
    """
    return {"database": health.check_database(), "database_name": str(connection.settings_dict["NAME"])}


@shared_task(bind=True, ignore_result=True, expires=120)
def heartbeat(self) -> None:
    """Beat sends it every minute; the worker that runs it says so (for /healthz/workers).
    Beat's own time is recorded when it sends it (sli_portal.celery)."""
    record_heartbeat(Heartbeat.Source.WORKER, detail=self.request.hostname or "")


def record_heartbeat(source: str, *, detail: str = "") -> None:
    Heartbeat.objects.update_or_create(source=source, defaults={"at": timezone.now(), "detail": detail[:200]})


@shared_task(ignore_result=True, soft_time_limit=600, time_limit=660)
def clear_expired_sessions() -> None:
    """Django's `clearsessions`: the session table keeps only sessions that can still be used."""
    call_command("clearsessions")
