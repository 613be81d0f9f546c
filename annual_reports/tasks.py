"""Celery task of the annual reports: rendering a submitted report's PDF, as snapshots do."""

from __future__ import annotations

from celery import shared_task

from sli_portal.core.tasks import RENDER_TASK_OPTIONS, retry_or_record

from . import services

MAX_RENDER_RETRIES = RENDER_TASK_OPTIONS["max_retries"]


@shared_task(**RENDER_TASK_OPTIONS)
def render_annual_report(self, report_id: int) -> str:
    """Render one submitted report to its tagged PDF: retried with backoff, the last failure
    recorded where the SLI lead sees it and can render again (eagerly, at once)."""
    try:
        return services.render_report(report_id=report_id)
    except Exception as error:  # noqa: BLE001 - every failure is either retried or recorded
        return retry_or_record(
            self, error, lambda message: services.record_render_failure(report_id=report_id, error=message)
        )
