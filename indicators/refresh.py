"""Refreshing indicators from the Fingertips API: weekly for the linked ones, and on demand
(indicators/tasks.py queues one task an indicator).

Each indicator is fetched and loaded on its own (its own transaction, through the one importer):
a failure — Fingertips slow, down or answering an error, a file the importer refuses — is
recorded on that indicator (`last_refresh_failed_at`, `last_refresh_error`) and leaves its
values as they were, and the next indicator is still refreshed. A success records when it
happened and clears the last failure.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.utils import timezone

from programmes.models import Region

from .fingertips import FingertipsClient, FingertipsError
from .importer import import_values
from .models import Indicator, IndicatorImport

logger = logging.getLogger(__name__)


def indicators_to_refresh():
    """The indicators some region links to a priority area or key objective."""
    return Indicator.objects.filter(links__isnull=False).distinct().order_by("fingertips_id")


def refresh_indicator(
    *, indicator_id: int, client: FingertipsClient | None = None, run_by=None, region: Region | None = None
) -> IndicatorImport | None:
    """Fetch one indicator's values and load them; None when the refresh failed (recorded)."""
    indicator = Indicator.objects.get(pk=indicator_id)
    client = client or FingertipsClient()
    try:
        with client.all_data_csv(indicator.fingertips_id, child_area_type_id=indicator.area_type_id) as stream:
            record = import_values(
                file=stream,
                source=IndicatorImport.Source.API,
                file_name=f"Fingertips API, indicator {indicator.fingertips_id}",
                run_by=run_by,
                region=region,
                # Fingertips answers for every council in England; the portal keeps its own.
                skip_unknown_areas=True,
            )
    except (FingertipsError, ValidationError) as error:
        record_failure(indicator_id=indicator.pk, error=" ".join(getattr(error, "messages", [str(error)])))
        return None
    Indicator.objects.filter(pk=indicator.pk).update(
        last_refreshed_at=timezone.now(), last_refresh_failed_at=None, last_refresh_error=""
    )
    return record


def record_failure(*, indicator_id: int, error: str) -> None:
    """The last refresh failed: say when and why; the values and the last success stay."""
    logger.warning("Indicator %s: refresh from Fingertips failed: %s", indicator_id, error)
    Indicator.objects.filter(pk=indicator_id).update(
        last_refresh_failed_at=timezone.now(), last_refresh_error=error[:1000]
    )
