"""Celery tasks of the snapshots: each takes an id, loads nothing itself and calls one service."""

from __future__ import annotations

from celery import shared_task

from sli_portal.core.tasks import RENDER_TASK_OPTIONS, retry_or_record

from . import services

MAX_RENDER_RETRIES = RENDER_TASK_OPTIONS["max_retries"]


@shared_task(**RENDER_TASK_OPTIONS)
def render_snapshot(self, snapshot_id: int) -> str:
    """Render one snapshot to its HTML and tagged PDF.

    - `acks_late` and `reject_on_worker_lost`: the message is acknowledged only after the render,
      so a worker killed mid-render (deploy, out of memory) leaves it for the next worker rather
      than the snapshot stuck in `rendering`; the periodic sweep covers what the broker loses.
    - Time limits: a typical snapshot renders in about a second; two minutes means a layout gone
      wrong (a runaway table), and the hard limit frees the worker if the soft one is ignored.
    - Retries with exponential backoff: a failure may be passing (database restart, storage
      hiccup). After the last one the snapshot is marked `failed` with the error, which the
      coordinator sees and can retry. Eagerly (no broker, `make run`) there is no waiting: the
      first failure is recorded at once rather than blocking the web request.
    """
    try:
        return services.render_snapshot(snapshot_id=snapshot_id)
    except Exception as error:  # noqa: BLE001 - every failure is either retried or recorded
        return retry_or_record(
            self, error, lambda message: services.record_render_failure(snapshot_id=snapshot_id, error=message)
        )


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def create_monthly_snapshots() -> list[int]:
    """The beat job of the 1st of the month, 07:00: each region's draft, queued to render.

    Safe to run twice (a missed beat re-run, two schedulers by mistake): the one-per-month
    constraint refuses the second draft.
    """
    return [snapshot.pk for snapshot in services.create_monthly_snapshots()]


@shared_task(soft_time_limit=60, time_limit=90)
def sweep_stale_renders() -> list[int]:
    """Every ten minutes: requeue renders a dead worker left or that never reached the broker,
    and e-bulletins that could not be queued when their snapshot was published."""
    services.sweep_unsent_publication_emails()
    return services.sweep_stale_renders()


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660, autoretry_for=(OSError,), retry_backoff=True)
def send_publication_emails(snapshot_id: int, base_url: str | None = None) -> int:
    """The e-bulletin of a newly published snapshot.

    Retried on mail-server errors; `send_once` makes the retry skip the addresses already sent.
    Its links come from PORTAL_BASE_URL; `base_url` is accepted, and ignored, for the messages a
    previous version queued before an upgrade.
    """
    return services.send_publication_emails(snapshot_id=snapshot_id)
