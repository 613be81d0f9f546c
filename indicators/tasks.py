"""Celery tasks of the indicators: each takes ids, and calls one function of refresh.py."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.contrib.auth import get_user_model
from kombu.exceptions import OperationalError

from programmes.models import Region

from . import refresh
from .models import Indicator

logger = logging.getLogger(__name__)


@shared_task(soft_time_limit=60, time_limit=90)
def refresh_linked_indicators() -> list[int]:
    """The weekly refresh (sli_portal/beat.py): one task a linked indicator, so that each has its
    own time limit and one slow or failing indicator holds up none of the others. Answers the
    Fingertips IDs queued. Running it twice is safe: loading the same values changes nothing."""
    queued = []
    for indicator in refresh.indicators_to_refresh():
        refresh_indicator.delay(indicator.pk)
        queued.append(indicator.fingertips_id)
    return queued


@shared_task(acks_late=True, soft_time_limit=540, time_limit=600)
def refresh_indicator(indicator_id: int, user_id: int | None = None, region_id: int | None = None) -> str:
    """One indicator from Fingertips, weekly or on demand from its page.

    - Not retried as a task: the HTTP client already retries each request (timeouts, lost
      connections, 5xx, with backoff); what still fails is recorded on the indicator.
    - Time limits: four attempts of up to ten seconds to connect and a minute to read, then the
      import; nine minutes means something is stuck, recorded as a failure. The hard limit stays
      under the worker's stop timeout (deploy/sli-portal-worker.service).
    - `acks_late`: a worker lost mid-refresh leaves it to the next one.
    """
    run_by = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    region = Region.objects.filter(pk=region_id).first() if region_id else None
    try:
        record = refresh.refresh_indicator(indicator_id=indicator_id, run_by=run_by, region=region)
    except SoftTimeLimitExceeded:
        refresh.record_failure(indicator_id=indicator_id, error="The refresh took too long")
        return "failed"
    return record.summary if record else "failed"


def queue_refresh(*, indicator: Indicator, run_by=None, region: Region | None = None) -> bool:
    """Send the on-demand refresh; False when the broker is unreachable."""
    user_id = run_by.pk if run_by is not None and run_by.is_authenticated else None
    try:
        refresh_indicator.delay(indicator.pk, user_id=user_id, region_id=region.pk if region else None)
    except (OperationalError, OSError) as error:
        logger.warning("Indicator %s: refresh not queued, the broker is unreachable (%s)", indicator.pk, error)
        return False
    return True
