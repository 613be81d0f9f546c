"""The annual SLI report: compiled from live data, written by the SLI lead and coordinator,
submitted by the SLI lead (frozen, rendered to a tagged PDF), acknowledged by the board."""

import csv
import datetime
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from annual_reports import services
from annual_reports.compile import report_content
from annual_reports.models import AnnualReport
from case_studies.tests.factories import CaseStudyFactory
from peer_challenges.models import Recommendation
from peer_challenges.tests.factories import PeerChallengeFactory
from priorities.tests.factories import ProjectFactory, QuarterlyUpdateFactory
from programmes.tests.factories import LocalAuthorityFactory
from sli_portal.core.quarters import Quarter
from sli_portal.tests.plan_data import SIGNED, TODAY, grow

from .factories import AnnualReportFactory

pytestmark = pytest.mark.django_db

# 20 January 2025, noon: 2024/25 Q3 is the last due quarter.
NOON = datetime.datetime(2025, 1, 20, 12, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOON, tick=False):
        yield


def _edit(client, region, year=2024, **fields):
    data = {"summary": "", "risks": "", "asks_of_board": "", **fields}
    return client.post(reverse("annual_report_edit", args=[region.slug, year]), data)


# --- What the report says ------------------------------------------------------------------


def test_the_year_is_reported_up_to_its_last_due_quarter_from_submitted_signed_off_updates(
    region, plan, progress, priority_1
):
    content = report_content(region, 2024, today=TODAY)
    assert [q["label"] for q in content["quarters"]] == ["2024/25 Q1", "2024/25 Q2", "2024/25 Q3", "2024/25 Q4"]
    assert [q["due"] for q in content["quarters"]] == [True, True, True, False]
    assert content["reporting_quarter"] == "2024/25 Q3"
    assert [(row["quarter"], row["total"]) for row in content["rag_totals"]] == [
        ("2024/25 Q1", 2),
        ("2024/25 Q2", 1),
        ("2024/25 Q3", 1),
    ]
    objectives = {o["number"]: o for p in content["priorities"] for o in p["objectives"]}
    # The proposed objective 3 never leaves the region; objective 2's Q3 update is a draft.
    assert set(objectives) == {1, 2}
    assert objectives[1]["rags"] == ["Red", "Amber", "Green", None]
    assert objectives[2]["rags"] == ["Amber", "", "", None]
    assert objectives[2]["latest_progress"] == "Started"
    assert "SECRET DRAFT NARRATIVE" not in str(content)


def test_completed_objectives_projects_and_peer_challenge_learning_are_compiled(region, plan, objective_1):
    QuarterlyUpdateFactory(
        key_objective=objective_1, quarter=Quarter(2024, 2), rag_status="complete", submitted_at=SIGNED
    )
    ProjectFactory(region=region, title="Smoke-free homes", badged_on=datetime.date(2024, 6, 1))
    ProjectFactory(region=region, title="Badged next year", badged_on=datetime.date(2025, 6, 1))
    council = LocalAuthorityFactory(region=region, name="Somerset Council")
    challenge = PeerChallengeFactory(
        local_authority=council, onsite_start=datetime.date(2024, 11, 4), onsite_end=datetime.date(2024, 11, 7)
    )
    Recommendation.objects.create(challenge=challenge, text="Join up prevention", themes=["public_health", "data"])
    Recommendation.objects.create(challenge=challenge, text="Share the data", themes=["data"], status="done")
    PeerChallengeFactory(  # another year's
        local_authority=council, onsite_start=datetime.date(2022, 11, 4), onsite_end=datetime.date(2022, 11, 7)
    )

    content = report_content(region, 2024, today=TODAY)
    assert content["completed_objectives"] == [
        {"number": 1, "title": objective_1.public_title, "priority": 1, "quarter": "2024/25 Q2"}
    ]
    # Complete in Q2, it owes nothing after and stays complete, as in every headline.
    assert content["priorities"][0]["objectives"][0]["rags"] == ["", "Complete", "Complete", None]
    assert [p["title"] for p in content["projects"]] == ["Smoke-free homes"]
    (row,) = content["peer_challenges"]
    assert row["council"] == "Somerset Council" and (row["recommendations"], row["recommendations_done"]) == (2, 1)
    assert content["learning_themes"] == [
        {"label": "Data, insight and performance", "count": 2},
        {"label": "Public health and prevention", "count": 1},
    ]


def test_the_year_s_published_case_studies_are_listed_and_linked(client, coordinator, region, plan, other_region):
    in_year = datetime.datetime(2024, 9, 12, 10, tzinfo=datetime.UTC)
    study = CaseStudyFactory(region=region, title="Warm homes on prescription", state="published", published_at=in_year)
    study.councils.set([LocalAuthorityFactory(region=region, name="Cornwall Council")])
    CaseStudyFactory(region=region, title="Last year's", state="published", published_at=in_year.replace(year=2023))
    CaseStudyFactory(region=region, title="Still a draft")
    CaseStudyFactory(region=other_region, title="Another region's", state="published", published_at=in_year)

    content = report_content(region, 2024, today=TODAY)
    assert content["case_studies"] == [
        {
            "title": "Warm homes on prescription",
            "summary": study.summary,
            "url": study.get_absolute_url(),
            "published_on": "2024-09-12",
            "councils": ["Cornwall Council"],
        }
    ]
    report = AnnualReportFactory(region=region, year=2024)
    client.force_login(coordinator)
    assert f'href="{study.get_absolute_url()}">Warm homes on prescription</a>' in (
        client.get(report.get_absolute_url()).content.decode()
    )


def test_a_year_without_a_plan_gives_an_empty_report(region, plan, progress):
    content = report_content(region, 2019, today=TODAY)
    assert content["plan"] is None and content["priorities"] == [] and content["rag_totals"] == []


def test_the_report_page_reads_a_bounded_number_of_queries_whatever_the_plan_s_size(
    client, sli_lead, region, plan, progress, clock
):
    report = AnnualReportFactory(region=region, year=2024)
    client.force_login(sli_lead)
    counts = []
    for factor in (1, 10):
        grow(region, plan, factor)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(report.get_absolute_url()).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[1] <= 30


# --- The journey ---------------------------------------------------------------------------


def test_the_sli_lead_writes_submits_and_the_board_acknowledges(
    client, sli_lead, national, region, plan, progress, priority_1, clock, django_capture_on_commit_callbacks
):
    client.force_login(sli_lead)
    response = _edit(
        client,
        region,
        summary="We joined up health protection across the South West.",
        risks="Public health grant pressures.",
        asks_of_board="Help us share the dashboard nationally.",
        **{f"achievements_{priority_1.pk}": "Every council now has an assurance plan."},
    )
    report = AnnualReport.objects.get(region=region, year=2024)
    assert response["Location"] == report.get_absolute_url()
    assert report.is_draft and report.version == 1 and report.created_by == sli_lead
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Every council now has an assurance plan." in page and "Submit to the national board" in page

    # Submitting asks first, then freezes the report and renders its PDF.
    submit_url = reverse("annual_report_submit", args=[region.slug, 2024, 1])
    assert "freezes it" in client.get(submit_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(submit_url)
    report.refresh_from_db()
    assert report.state == "submitted" and report.submitted_by == sli_lead and report.submitted_at
    assert report.content["priorities"][0]["achievements"] == "Every council now has an assurance plan."
    assert report.render_state == "ready" and report.page_count >= 1

    # Later changes to the plan never change what was sent.
    priority_1.title = "Renamed after submission"
    priority_1.save()
    assert "Renamed after submission" not in client.get(report.get_absolute_url()).content.decode()
    pdf = client.get(report.get_pdf_url())
    assert pdf["Content-Type"] == "application/pdf"
    assert 'filename="south-west-sli-annual-report-2024-25-v1.pdf"' in pdf["Content-Disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages)
    assert "SLI annual report 2024/25" in text and "We joined up health protection" in text
    assert "Renamed after submission" not in text and "SECRET DRAFT NARRATIVE" not in text

    # The board reads it, and acknowledges it once, after a confirmation page.
    client.force_login(national)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "We joined up health protection" in page and "Acknowledge receipt" in page
    acknowledge_url = reverse("annual_report_acknowledge", args=[region.slug, 2024, 1])
    assert "cannot be undone" in client.get(acknowledge_url).content.decode()
    client.post(acknowledge_url, {"note": "Thank you: we will take the ask to the board in March."})
    report.refresh_from_db()
    assert report.state == "acknowledged" and report.acknowledged_by == national
    assert report.acknowledgement_note.startswith("Thank you")
    client.post(acknowledge_url, {"note": "again"})
    report.refresh_from_db()
    assert report.acknowledgement_note.startswith("Thank you")


def test_an_edit_after_submission_starts_the_next_version_from_what_was_sent(
    client, coordinator, region, plan, progress, priority_1
):
    sent = AnnualReportFactory(region=region, year=2024, state="submitted", summary="What we sent")
    sent.achievements.create(priority_area=priority_1, text="Sent achievement")
    client.force_login(coordinator)
    form = client.get(reverse("annual_report_edit", args=[region.slug, 2024])).content.decode()
    assert "What we sent" in form and "Sent achievement" in form and "starts version 2" in form
    _edit(client, region, summary="What we send next", **{f"achievements_{priority_1.pk}": "Sent achievement"})
    versions = list(AnnualReport.objects.filter(region=region, year=2024).order_by("version"))
    assert [(r.version, r.state, r.summary) for r in versions] == [
        (1, "submitted", "What we sent"),
        (2, "draft", "What we send next"),
    ]
    assert versions[1].achievements.get(priority_area=priority_1).text == "Sent achievement"
    # The draft is the one being written: editing again changes it, never a third version.
    _edit(client, region, summary="Still version 2")
    assert AnnualReport.objects.filter(region=region, year=2024).count() == 2


def test_a_report_without_a_summary_is_not_submitted(client, sli_lead, region, plan):
    report = AnnualReportFactory(region=region, year=2024, summary="  ")
    client.force_login(sli_lead)
    response = client.post(reverse("annual_report_submit", args=[region.slug, 2024, 1]), follow=True)
    assert "Write the summary of the year before you submit the report" in response.content.decode()
    report.refresh_from_db()
    assert report.is_draft and report.content == {}


def test_a_submitted_report_cannot_be_submitted_again_or_saved_as_a_draft(region, plan, sli_lead):
    report = AnnualReportFactory(region=region, year=2024, state="submitted")
    with pytest.raises(ValidationError, match="already been submitted"):
        services.submit_report(report=report, by=sli_lead)
    with pytest.raises(ValidationError, match="start a new version"):
        services.save_draft(report=report, summary="x", risks="", asks_of_board="", achievements={})


def test_the_database_holds_one_draft_a_year(region):
    AnnualReportFactory(region=region, year=2024, version=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnualReportFactory(region=region, year=2024, version=2)


def test_too_long_text_is_a_form_error_and_saves_nothing(client, coordinator, region, plan):
    client.force_login(coordinator)
    response = _edit(client, region, summary="x" * 20_001)
    assert response.status_code == 200
    assert "Ensure this value has at most 20000 characters" in response.content.decode()
    assert not AnnualReport.objects.exists()


def test_a_failed_render_is_shown_and_can_be_rendered_again(
    client, sli_lead, region, plan, progress, monkeypatch, django_capture_on_commit_callbacks
):
    report = AnnualReportFactory(region=region, year=2024)

    def broken(html):
        raise OSError("storage unavailable")

    monkeypatch.setattr(services, "render_pdf_document", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_report(report=report, by=sli_lead)
    report.refresh_from_db()
    assert report.render_state == "failed" and "storage unavailable" in report.render_error
    client.force_login(sli_lead)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "The PDF could not be rendered" in page and "Render the PDF again" in page
    assert client.get(report.get_pdf_url()).status_code == 404

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("annual_report_render", args=[region.slug, 2024, 1]))
    report.refresh_from_db()
    assert report.render_state == "ready" and client.get(report.get_pdf_url()).status_code == 200


def test_the_csv_has_each_signed_off_objective_s_rag_per_quarter(client, coordinator, region, plan, progress, clock):
    report = AnnualReportFactory(region=region, year=2024)
    client.force_login(coordinator)
    response = client.get(reverse("annual_report_csv", args=[region.slug, 2024, report.version]))
    rows = {row["Objective number"]: row for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert set(rows) == {"1", "2"}
    first = rows["1"]
    assert first["Region"] == "South West" and first["Plan"] == plan.title
    quarters = ("2024/25 Q1", "2024/25 Q2", "2024/25 Q3", "2024/25 Q4")
    assert [first[f"{q} RAG"] for q in quarters] == ["Red", "Amber", "Green", "Not yet due"]
    assert first["Latest progress"] == "Progress in 2024/25 Q3"


def test_the_earlier_report_addresses_lead_to_the_year_s_report(client, coordinator, region):
    client.force_login(coordinator)
    for extension in ("pdf", "csv"):
        response = client.get(f"/regions/{region.slug}/annual-report/2024.{extension}")
        assert response["Location"] == reverse("annual_report_year", args=[region.slug, 2024])


def test_a_submitted_pdf_missing_from_the_storage_is_not_available(client, region, sli_lead):
    report = AnnualReportFactory(
        region=region, state="submitted", render_state=AnnualReport.Render.READY, pdf="annual-reports/lost.pdf"
    )
    client.force_login(sli_lead)
    response = client.get(report.get_pdf_url())
    assert response.status_code == 404
    assert "The PDF of this report is not available at the moment" in response.content.decode()
