"""The panels on the key objective page, the priority area page and the meeting pack (page and
PDF), through the indicators' template tags, in a bounded number of queries."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from indicators.models import ENGLAND_CODE, IndicatorValue
from indicators.tests.factories import IndicatorFactory, IndicatorLinkFactory, value_row
from priorities.tests.factories import QuarterlyMeetingFactory
from programmes.tests.factories import LocalAuthorityFactory
from sli_portal.core.quarters import Quarter

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(priority_1):
    return QuarterlyMeetingFactory(
        priority_area=priority_1,
        quarter=Quarter(2024, 1),
        starts_at=datetime.datetime(2024, 7, 10, 9, tzinfo=datetime.UTC),
    )


def objective_page(region, objective):
    return reverse("objective_detail", args=[region.slug, objective.pk])


def area_page(region, area):
    return reverse("priority_area_detail", args=[region.slug, area.pk])


def meeting_page(region, meeting):
    return reverse("meeting_detail", args=[region.slug, meeting.pk])


def test_the_objective_page_shows_region_england_councils_and_trend(
    client, member, region, objective_1, smoking, smoking_values
):
    IndicatorLinkFactory(indicator=smoking, key_objective=objective_1, target="Below England by 2027")
    client.force_login(member)
    html = client.get(objective_page(region, objective_1)).content.decode()
    assert "Outcome indicators" in html and "Smoking prevalence in adults (18+)" in html
    assert "Below England by 2027" in html and "Lower is better" in html
    assert "11.0% (95% CI 9.0 to 13.0), Similar to England" in html  # the region, latest period 2022
    assert '<th scope="row" class="govuk-table__header sli-indicator__council">Somerset</th>' in html
    assert "Worse than England" in html and "no data" in html  # Devon has no 2022 value
    assert 'role="img"' in html and "<title>Line chart of Smoking prevalence" in html
    assert "Trend data" in html  # the table behind the chart, in a details element on screen
    assert "Illustrative values" not in html
    assert "Link an indicator" not in html  # members do not link


def test_the_coordinator_sees_the_actions(client, coordinator, region, objective_1, smoking, smoking_values):
    link = IndicatorLinkFactory(indicator=smoking, key_objective=objective_1)
    client.force_login(coordinator)
    html = client.get(objective_page(region, objective_1)).content.decode()
    assert reverse("indicator_link_objective", args=[region.slug, objective_1.pk]) in html
    assert reverse("indicator_link_delete", args=[region.slug, link.pk]) in html


def test_an_illustrative_indicator_says_so(client, member, region, objective_1, smoking, smoking_values):
    smoking.illustrative = True
    smoking.save()
    IndicatorLinkFactory(indicator=smoking, key_objective=objective_1)
    client.force_login(member)
    assert "Illustrative values, not real data" in client.get(objective_page(region, objective_1)).content.decode()


def test_an_indicator_without_values_says_so(client, member, region, objective_1):
    IndicatorLinkFactory(indicator=IndicatorFactory(name="Not loaded yet"), key_objective=objective_1)
    client.force_login(member)
    html = client.get(objective_page(region, objective_1)).content.decode()
    assert "Not loaded yet" in html and "No values have been loaded for this indicator" in html


def test_the_priority_area_page_shows_its_own_links(
    client, coordinator, region, priority_1, objective_1, smoking, smoking_values
):
    IndicatorLinkFactory(indicator=smoking, priority_area=priority_1, target="Halve the gap")
    client.force_login(coordinator)
    html = client.get(area_page(region, priority_1)).content.decode()
    assert "Halve the gap" in html and "Somerset" in html
    assert reverse("indicator_link_priority_area", args=[region.slug, priority_1.pk]) in html


def test_the_meeting_pack_shows_the_area_and_objective_indicators(
    client, member, region, meeting, priority_1, objective_1, smoking, smoking_values
):
    suicide = IndicatorFactory(fingertips_id=41001, name="Suicide rate", unit="per 100,000")
    IndicatorLinkFactory(indicator=suicide, priority_area=priority_1)
    IndicatorLinkFactory(indicator=smoking, key_objective=objective_1)
    client.force_login(member)
    html = client.get(meeting_page(region, meeting)).content.decode()
    body = html[html.index('id="pack-indicators"') :]
    assert body.index("Priority 1") < body.index("Suicide rate") < body.index("Key Objective 1")
    assert body.index("Key Objective 1") < body.index("Smoking prevalence")


def test_the_meeting_pack_pdf_keeps_the_tables_and_the_trend_data(
    client, member, region, meeting, objective_1, smoking, smoking_values
):
    smoking.illustrative = True
    smoking.save()
    IndicatorLinkFactory(indicator=smoking, key_objective=objective_1)
    client.force_login(member)
    response = client.get(reverse("meeting_pack_pdf", args=[region.slug, meeting.pk]))
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Smoking prevalence in adults (18+)" in text and "Somerset" in text
    assert "Trend data: Smoking prevalence" in text  # in full, no details to open in a PDF
    assert "Illustrative values, not real data" in text
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def add_indicators(region, councils, objective, area, count: int) -> None:
    """`count` indicators linked to the objective and to the area, each with 2×`count` years of
    values for England, the region and every council."""
    rows = []
    for number in range(count):
        indicator = IndicatorFactory()
        IndicatorLinkFactory(indicator=indicator, key_objective=objective)
        IndicatorLinkFactory(indicator=indicator, priority_area=area)
        for year in range(2000, 2000 + 2 * count):
            for code in (ENGLAND_CODE, region.gss_code, *(c.gss_code for c in councils)):
                rows.append(value_row(indicator, code, year, 10.0 + number))
    IndicatorValue.objects.bulk_create(rows)


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["objective", "priority_area", "meeting"])
def test_pages_take_as_many_queries_for_10x_the_indicators_and_values(
    client, coordinator, region, priority_1, objective_1, meeting, page
):
    councils = [LocalAuthorityFactory(region=region) for _ in range(3)]
    url = {
        "objective": objective_page(region, objective_1),
        "priority_area": area_page(region, priority_1),
        "meeting": meeting_page(region, meeting),
    }[page]
    client.force_login(coordinator)
    without = queries(client, url)
    add_indicators(region, councils, objective_1, priority_1, 1)
    once = queries(client, url)
    add_indicators(region, councils, objective_1, priority_1, 9)
    # The links with their indicators are read even when there are none; linked indicators add
    # two queries (the region's councils, their values), whatever their number.
    assert once == without + 2 and queries(client, url) == once
