"""The outcome indicators in a snapshot's priority sections: compiled with the rest of the
content, public (signed-off objectives only), part of the content hash, in bounded queries."""

import datetime

import pytest
import time_machine

from indicators.models import ENGLAND_CODE, IndicatorValue
from indicators.tests.factories import IndicatorFactory, IndicatorLinkFactory, value_row
from priorities.tests.factories import KeyObjectiveFactory
from programmes.models import LocalAuthority
from snapshots.content import compile_content
from snapshots.services import build_html, content_hash

pytestmark = pytest.mark.django_db

RENDER_DAY = datetime.datetime(2024, 10, 15, 9, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def render_day():
    with time_machine.travel(RENDER_DAY, tick=False):
        yield


@pytest.fixture
def suicide(region):
    indicator = IndicatorFactory(fingertips_id=41001, name="Suicide rate", unit="per 100,000", illustrative=True)
    IndicatorValue.objects.bulk_create(
        [
            value_row(indicator, ENGLAND_CODE, 2021, 10.4),
            value_row(indicator, ENGLAND_CODE, 2022, 10.3),
            value_row(indicator, region.gss_code, 2021, 11.9, area_name="South West"),
            value_row(indicator, region.gss_code, 2022, 12.1, area_name="South West"),
        ]
    )
    return indicator


def test_panels_sit_in_their_priority_and_objective(programme, snapshot, priority_1, suicide):
    ko1 = programme["objectives"][0]
    IndicatorLinkFactory(indicator=suicide, priority_area=priority_1, target="Below England by 2027")
    IndicatorLinkFactory(indicator=suicide, key_objective=ko1)
    content = compile_content(snapshot)
    priority = content.priorities[0]
    assert [p.name for p in priority.indicators] == ["Suicide rate"]
    assert [p.name for p in priority.objectives[0].indicators] == ["Suicide rate"]
    assert priority.indicators[0].region.value == 12.1 and priority.indicators[0].target == "Below England by 2027"


def test_a_proposed_objective_s_indicators_stay_out(programme, snapshot, priority_1, suicide):
    proposed = KeyObjectiveFactory(priority_area=priority_1, number=9, title="Not agreed")
    IndicatorLinkFactory(indicator=suicide, key_objective=proposed)
    assert "Suicide rate" not in build_html(snapshot)


def test_the_html_shows_the_panel_labelled_illustrative_with_its_tables(programme, snapshot, priority_1, suicide):
    IndicatorLinkFactory(indicator=suicide, priority_area=priority_1)
    html = build_html(snapshot)
    assert "Outcome indicators of priority 1" in html
    assert "Illustrative values, not real data" in html
    assert "Trend data: Suicide rate" in html and "<details" not in html  # the PDF shows it all
    assert 'role="img"' in html and "Cornwall" in html  # the region's council, with no data


def test_a_new_value_changes_the_content_hash(programme, snapshot, priority_1, suicide, region):
    IndicatorLinkFactory(indicator=suicide, priority_area=priority_1)
    before = content_hash(build_html(snapshot))
    IndicatorValue.objects.filter(area_code=region.gss_code, period="2022").update(value=9.9)
    assert content_hash(build_html(snapshot)) != before


def add_indicators(region, area, objectives, count: int) -> None:
    codes = [
        ENGLAND_CODE,
        region.gss_code,
        *LocalAuthority.objects.filter(region=region).values_list("gss_code", flat=True),
    ]
    rows = []
    for number in range(count):
        indicator = IndicatorFactory()
        IndicatorLinkFactory(indicator=indicator, priority_area=area)
        for objective in objectives:
            IndicatorLinkFactory(indicator=indicator, key_objective=objective)
        rows += [
            value_row(indicator, code, year, 5.0 + number) for code in codes for year in range(2000, 2000 + 2 * count)
        ]
    IndicatorValue.objects.bulk_create(rows)


def test_compiling_takes_as_many_queries_for_10x_the_indicators(
    programme, snapshot, priority_1, django_assert_num_queries
):
    add_indicators(snapshot.region, priority_1, programme["objectives"], 1)
    # as snapshots/tests/test_content.py, with the region's councils and the indicators' values: 17
    with django_assert_num_queries(17):
        build_html(snapshot)
    add_indicators(snapshot.region, priority_1, programme["objectives"], 9)
    with django_assert_num_queries(17):
        build_html(snapshot)
