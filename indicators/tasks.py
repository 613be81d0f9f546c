"""Celery tasks of the indicators: each takes ids, and calls one function of refresh.py."""

from __future__ import annotations

import logging

from celery import shared_task
from django.contrib.auth import get_user_model
from kombu.exceptions import OperationalError

from programmes.models import Region

from . import refresh
from .models import Indicator

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, soft_time_limit=1800, time_limit=1860)
def refresh_linked_indicators() -> dict[int, str]:
    """The weekly refresh of every linked indicator from Fingertips (sli_portal/beat.py).

    - The HTTP client retries each request itself (timeouts, lost connections, 5xx, with
      backoff), so the task is not retried: one indicator's failure is recorded on it and the
      others go on.
    - Time limits: each request may take up to four attempts of a minute; half an hour covers a
      few dozen indicators on a slow day, and stays under the broker's visibility timeout.
    - `acks_late`: a worker lost mid-run leaves the job to the next; running it twice is safe
      (loading the same values again changes nothing).
    """
    return refresh.refresh_linked_indicators()


@shared_task(acks_late=True, soft_time_limit=300, time_limit=330)
def refresh_indicator(indicator_id: int, user_id: int | None = None, region_id: int | None = None) -> str:
    """One indicator, on demand from its page: the same refresh as the weekly one."""
    run_by = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    region = Region.objects.filter(pk=region_id).first() if region_id else None
    record = refresh.refresh_indicator(indicator_id=indicator_id, run_by=run_by, region=region)
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
