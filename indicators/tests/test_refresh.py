"""The Fingertips API client and the refresh, against a local HTTP server standing in for the API.

The server answers in Fingertips' documented formats (the all-data CSV, the metadata CSV). No
test reaches the internet and none patches the client: the client is pointed at the server by
FINGERTIPS_API_URL, with a short read timeout and no wait between retries.
"""

import datetime
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from indicators import tasks
from indicators.fingertips import FingertipsClient, FingertipsError
from indicators.models import Indicator, IndicatorImport
from sli_portal.beat import BEAT_SCHEDULE

from .conftest import READ_TIMEOUT
from .factories import IndicatorFactory, IndicatorLinkFactory, IndicatorValueFactory
from .fingertips_csv import england_region_and_councils, export, row

pytestmark = pytest.mark.django_db

ALL_DATA = "/api/all_data/csv/by_indicator_id"
METADATA = "/api/indicator_metadata/csv/by_indicator_id"
LAST_WEEK = datetime.datetime(2025, 3, 2, 2, 15, tzinfo=datetime.UTC)


def all_data_for(server: HTTPServer, fingertips_id: int):
    return server.expect_request(
        ALL_DATA,
        method="GET",
        query_string={"indicator_ids": str(fingertips_id), "child_area_type_id": "502", "parent_area_type_id": "6"},
    )


def requests_for(server: HTTPServer, fingertips_id: int) -> int:
    return sum(1 for request, _response in server.log if request.args.get("indicator_ids") == str(fingertips_id))


def too_slow(calls: list):
    """A handler answering after the client's read timeout; counts the requests as they arrive
    (the server's own log has them only once answered)."""

    def handler(request):
        calls.append(request.args["indicator_ids"])
        time.sleep(READ_TIMEOUT * 3)
        return Response("too late", status=200)

    return handler


def linked(fingertips_id: int, name: str, priority_1) -> Indicator:
    indicator = IndicatorFactory(fingertips_id=fingertips_id, name=name, last_refreshed_at=LAST_WEEK)
    IndicatorLinkFactory(indicator=indicator, priority_area=priority_1)
    IndicatorValueFactory(indicator=indicator, area_code="E06000052", area_name="Cornwall", period="2021", value=9.9)
    return indicator


def test_one_indicator_timing_out_and_another_failing_leave_the_third_loaded(fingertips, councils, priority_1):
    slow = linked(90001, "Slow indicator", priority_1)
    broken = linked(90002, "Broken indicator", priority_1)
    good = linked(90003, "Good indicator", priority_1)
    slow_calls = []
    all_data_for(fingertips, 90001).respond_with_handler(too_slow(slow_calls))
    all_data_for(fingertips, 90002).respond_with_data("Internal Server Error", status=500)
    all_data_for(fingertips, 90003).respond_with_data(
        export(england_region_and_councils(indicator_id="90003")), content_type="text/csv"
    )

    queued = tasks.refresh_linked_indicators.delay().get()

    assert queued == [90001, 90002, 90003]
    assert [record.summary for record in IndicatorImport.objects.all()] == [
        "created 4, updated 0, unchanged 0, rejected 0"
    ]
    # The first attempt and two retries each.
    assert (len(slow_calls), requests_for(fingertips, 90002), requests_for(fingertips, 90003)) == (3, 3, 1)
    slow.refresh_from_db()
    broken.refresh_from_db()
    good.refresh_from_db()
    assert slow.last_refresh_error == "Fingertips did not answer in time"
    assert broken.last_refresh_error == "Fingertips answered 500 INTERNAL SERVER ERROR"
    assert slow.last_refresh_failed_at and broken.last_refresh_failed_at
    # The last good data is kept, and so is the time of the last success.
    assert slow.last_refreshed_at == LAST_WEEK and broken.last_refreshed_at == LAST_WEEK
    assert list(slow.values.values_list("period", "value")) == [("2021", 9.9)]
    assert list(broken.values.values_list("period", "value")) == [("2021", 9.9)]
    assert good.values.count() == 5 and good.last_refresh_error == "" and good.last_refresh_failed_at is None
    assert good.last_refreshed_at > LAST_WEEK


def test_a_passing_5xx_is_retried_and_the_refresh_succeeds(fingertips, councils, priority_1):
    indicator = linked(90004, "Flaky indicator", priority_1)
    Indicator.objects.filter(pk=indicator.pk).update(last_refresh_failed_at=LAST_WEEK, last_refresh_error="down")
    fingertips.expect_oneshot_request(ALL_DATA).respond_with_data("busy", status=503)
    all_data_for(fingertips, 90004).respond_with_data(
        export(england_region_and_councils(indicator_id="90004")), content_type="text/csv"
    )

    tasks.refresh_linked_indicators.delay()

    assert IndicatorImport.objects.get().summary == "created 4, updated 0, unchanged 0, rejected 0"
    assert requests_for(fingertips, 90004) == 2
    indicator.refresh_from_db()
    assert (indicator.last_refresh_failed_at, indicator.last_refresh_error) == (None, "")


def test_the_councils_outside_the_register_are_skipped_not_rejected(fingertips, councils, priority_1):
    linked(90005, "Indicator", priority_1)
    rows = [*england_region_and_councils(indicator_id="90005"), row("E06000001", "Hartlepool", indicator_id="90005")]
    all_data_for(fingertips, 90005).respond_with_data(export(rows), content_type="text/csv")

    tasks.refresh_linked_indicators.delay()

    record = IndicatorImport.objects.get()
    assert (record.source, record.summary) == ("api", "created 4, updated 0, unchanged 0, rejected 0")


def test_only_linked_indicators_are_refreshed_weekly(fingertips, priority_1):
    IndicatorFactory(fingertips_id=90006)
    all_data_for(fingertips, 90006).respond_with_data(export([]), content_type="text/csv")

    assert tasks.refresh_linked_indicators.delay().get() == []
    assert requests_for(fingertips, 90006) == 0


def test_the_refresh_on_demand_records_who_asked_and_for_which_region(fingertips, councils, coordinator, region):
    indicator = IndicatorFactory(fingertips_id=90007)  # not linked yet
    all_data_for(fingertips, 90007).respond_with_data(
        export(england_region_and_councils(indicator_id="90007")), content_type="text/csv"
    )

    assert tasks.queue_refresh(indicator=indicator, run_by=coordinator, region=region)

    record = IndicatorImport.objects.get()
    assert (record.run_by, record.region, record.created) == (coordinator, region, 4)


def test_an_answer_the_importer_refuses_is_a_failure_of_that_indicator(fingertips, priority_1):
    indicator = linked(90008, "Indicator", priority_1)
    all_data_for(fingertips, 90008).respond_with_data("<html>Maintenance</html>", content_type="text/html")

    tasks.refresh_linked_indicators.delay()

    indicator.refresh_from_db()
    assert "has no column" in indicator.last_refresh_error
    assert indicator.values.count() == 1


def test_an_unreachable_api_is_said_plainly(fingertips, priority_1):
    indicator = linked(90009, "Indicator", priority_1)
    fingertips.stop()

    tasks.refresh_linked_indicators.delay()

    indicator.refresh_from_db()
    assert indicator.last_refresh_error == "Fingertips could not be reached"


def test_the_metadata_gives_the_name_unit_and_polarity(fingertips):
    metadata = (
        "Indicator ID,Indicator,Definition,Unit,Value type,Year type,Polarity,Date updated\r\n"
        '92443,Smoking Prevalence in adults (18+) - current smokers (APS),"Prevalence of smoking, adults",%,'
        "Proportion,Calendar,RAG - Low is good   ,2024-05-01\r\n"
    )
    fingertips.expect_request(METADATA, query_string={"indicator_ids": "92443"}).respond_with_data(
        "\ufeff" + metadata, content_type="text/csv"
    )

    answer = FingertipsClient().indicator_metadata(92443)

    assert (answer.name, answer.unit, answer.polarity) == (
        "Smoking Prevalence in adults (18+) - current smokers (APS)",
        "%",
        Indicator.Polarity.LOWER_IS_BETTER,
    )


def test_metadata_of_an_unknown_indicator_is_an_error(fingertips):
    fingertips.expect_request(METADATA).respond_with_data("Indicator ID,Indicator,Unit,Polarity\r\n")

    with pytest.raises(FingertipsError, match="no indicator 1"):
        FingertipsClient().indicator_metadata(1)


def test_the_refresh_is_on_the_beat_schedule():
    names = {entry["task"] for entry in BEAT_SCHEDULE.values()}

    assert tasks.refresh_linked_indicators.name in names
