from celery import shared_task
from django.db import connection

from . import health


@shared_task
def worker_health() -> dict[str, str]:
    """What a worker sees: its database, checked from the worker's side.

    Operators run `celery -A sli_portal call sli_portal.tasks.worker_health` after a deploy to
    prove a worker consumes from the broker and reaches the same database as the web processes;
    CI does the same against a real Redis and a real worker.
    """
    return {"database": health.check_database(), "database_name": str(connection.settings_dict["NAME"])}
