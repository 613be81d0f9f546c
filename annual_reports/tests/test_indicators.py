"""The outcome indicators in the annual report: compiled as plain values with the rest of the
content (so submission freezes them), shown on the page and in the tagged PDF."""

import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from annual_reports.compile import report_content
from annual_reports.services import build_pdf_html
from indicators.models import ENGLAND_CODE, IndicatorValue
from indicators.tests.factories import IndicatorFactory, IndicatorLinkFactory, value_row
from sli_portal.core.pdf import render_pdf
from sli_portal.tests.plan_data import TODAY

from .factories import AnnualReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def smoking(region):
    indicator = IndicatorFactory(fingertips_id=92443, name="Smoking prevalence in adults (18+)", illustrative=True)
    IndicatorValue.objects.bulk_create(
        [
            value_row(indicator, ENGLAND_CODE, 2022, 12.7),
            value_row(indicator, ENGLAND_CODE, 2023, 11.9),
            value_row(indicator, region.gss_code, 2023, 10.6, area_name="South West"),
        ]
    )
    return indicator


def test_each_priority_carries_its_own_and_its_signed_off_objectives_indicators(
    region, plan, priority_1, objective_1, proposed_objective, smoking
):
    IndicatorLinkFactory(indicator=smoking, priority_area=priority_1, target="Below England")
    IndicatorLinkFactory(indicator=smoking, key_objective=objective_1)
    IndicatorLinkFactory(indicator=IndicatorFactory(name="Draft only"), key_objective=proposed_objective)
    content = json.loads(json.dumps(report_content(region, 2024, today=TODAY)))  # plain JSON values
    panels = next(p for p in content["priorities"] if p["number"] == 1)["indicators"]
    assert [(p["name"], p["key_objective_number"], p["target"]) for p in panels] == [
        ("Smoking prevalence in adults (18+)", None, "Below England"),
        ("Smoking prevalence in adults (18+)", 1, ""),
    ]
    assert panels[0]["latest_period"] == "2023" and panels[0]["region"]["value"] == 10.6
    assert "Draft only" not in json.dumps(content)


def test_the_frozen_report_shows_the_indicators_in_its_pdf(region, plan, priority_1, objective_1, smoking):
    IndicatorLinkFactory(indicator=smoking, key_objective=objective_1)
    report = AnnualReportFactory(region=region, year=2024)
    report.content = json.loads(json.dumps(report_content(region, 2024, today=TODAY)))
    report.state = "submitted"
    report.submitted_at = timezone.now()
    report.save()
    IndicatorValue.objects.all().delete()  # what was sent stays as it was sent
    html = build_pdf_html(report)
    assert "Tracked for Key Objective 1" in html and "10.6%" in html
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(html))).pages)
    assert "Smoking prevalence in adults (18+)" in text and "Illustrative values, not real data" in text
    assert "Trend data: Smoking prevalence" in text


def test_compiling_takes_as_many_queries_for_10x_the_indicators(region, plan, priority_1, objective_1):
    def count(extra):
        for _ in range(extra):
            indicator = IndicatorFactory()
            IndicatorLinkFactory(indicator=indicator, key_objective=objective_1)
            IndicatorLinkFactory(indicator=indicator, priority_area=priority_1)
            IndicatorValue.objects.bulk_create(
                [
                    value_row(indicator, code, year, 1.0)
                    for code in (ENGLAND_CODE, region.gss_code)
                    for year in range(2000, 2020)
                ]
            )
        with CaptureQueriesContext(connection) as queries:
            report_content(region, 2024, today=TODAY)
        return len(queries)

    assert count(1) == count(9)
