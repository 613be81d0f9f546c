"""Every annual report page × every persona (issue 15): a draft is the region's workspace, a
submitted version is for the region and the national board, and only the SLI lead submits."""

import pytest
from django.urls import reverse

from annual_reports import services
from annual_reports.models import AnnualReport

from .factories import AnnualReportFactory

pytestmark = pytest.mark.django_db

PERSONAS = [None, "member", "dph_lead", "coordinator", "sli_lead", "publisher", "other_coordinator", "national"]
PERSONAS += ["superuser"]


def _table(default, **rows):
    return {persona: rows.get(persona or "anonymous", default) for persona in PERSONAS}


MEMBERS = dict.fromkeys(("member", "dph_lead", "coordinator", "sli_lead", "publisher", "superuser"), 200)
# What the region sent: its people and the national board.
SENT_READERS = _table(403, anonymous=302, national=200, **MEMBERS)
# The region's workspace: a draft.
DRAFT_READERS = _table(403, anonymous=302, **MEMBERS)
WRITERS = _table(403, anonymous=302, coordinator=200, sli_lead=200, superuser=200)


@pytest.fixture
def draft(region, plan, progress):
    return AnnualReportFactory(region=region, year=2024, state="draft")


@pytest.fixture
def sent(region, plan, progress, django_capture_on_commit_callbacks):
    report = AnnualReportFactory(region=region, year=2023, state="draft")
    with django_capture_on_commit_callbacks(execute=True):  # the eager worker renders the PDF
        services.submit_report(report=report, by=None)
    report.refresh_from_db()
    assert report.render_state == AnnualReport.Render.READY
    return report


def _get(client, request, persona, url):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    return client.get(url)


@pytest.mark.parametrize(("persona", "expected"), SENT_READERS.items())
def test_the_list_of_reports_is_for_the_region_and_the_board(client, request, region, persona, expected):
    assert _get(client, request, persona, reverse("annual_report_list", args=[region.slug])).status_code == expected


@pytest.mark.parametrize(("persona", "expected"), SENT_READERS.items())
@pytest.mark.parametrize("name", ["annual_report_version", "annual_report_pdf", "annual_report_csv"])
def test_a_submitted_version_is_read_by_the_region_and_the_board(client, request, sent, persona, expected, name):
    url = reverse(name, args=[sent.region.slug, sent.year, sent.version])
    assert _get(client, request, persona, url).status_code == expected


@pytest.mark.parametrize(("persona", "expected"), DRAFT_READERS.items())
@pytest.mark.parametrize("name", ["annual_report_version", "annual_report_pdf", "annual_report_csv"])
def test_a_draft_is_the_region_s_own(client, request, draft, persona, expected, name, monkeypatch):
    monkeypatch.setattr("annual_reports.services.preview_pdf", lambda report: b"%PDF-1.7 preview")
    url = reverse(name, args=[draft.region.slug, draft.year, draft.version])
    assert _get(client, request, persona, url).status_code == expected


def test_a_region_that_shares_its_workspace_shows_its_draft_to_the_board(client, national, draft):
    draft.region.share_workspace_with_national_board = True
    draft.region.save()
    client.force_login(national)
    assert client.get(draft.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(("persona", "expected"), WRITERS.items())
def test_the_sli_lead_and_coordinator_write_the_report(client, request, region, plan, persona, expected):
    assert _get(client, request, persona, reverse("annual_report_edit", args=[region.slug, 2024])).status_code == (
        expected
    )


@pytest.mark.parametrize(("persona", "expected"), _table(403, anonymous=302, sli_lead=200, superuser=200).items())
def test_only_the_sli_lead_submits(client, request, draft, persona, expected):
    url = reverse("annual_report_submit", args=[draft.region.slug, draft.year, draft.version])
    assert _get(client, request, persona, url).status_code == expected


@pytest.mark.parametrize(("persona", "expected"), _table(403, anonymous=302, national=200, superuser=200).items())
def test_only_the_board_acknowledges(client, request, sent, persona, expected):
    url = reverse("annual_report_acknowledge", args=[sent.region.slug, sent.year, sent.version])
    assert _get(client, request, persona, url).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"), _table(403, anonymous=302, coordinator=302, sli_lead=302, superuser=302).items()
)
def test_only_the_writers_render_a_pdf_again(client, request, sent, persona, expected):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("annual_report_render", args=[sent.region.slug, sent.year, sent.version]))
    assert response.status_code == expected
    if expected == 302 and persona:
        assert response["Location"] == sent.get_absolute_url()


@pytest.mark.parametrize(("persona", "expected"), SENT_READERS.items())
def test_the_year_s_address_leads_each_reader_to_what_they_may_read(client, request, sent, persona, expected):
    response = _get(client, request, persona, reverse("annual_report_year", args=[sent.region.slug, sent.year]))
    if expected == 200:
        assert response.status_code == 302 and response["Location"] == sent.get_absolute_url()
    else:
        assert response.status_code == expected


def test_unknown_regions_years_and_versions_are_404(client, sli_lead, sent):
    client.force_login(sli_lead)
    slug = sent.region.slug
    assert client.get(reverse("annual_report_list", args=["nowhere"])).status_code == 404
    assert client.get(reverse("annual_report_version", args=[slug, 2023, 9])).status_code == 404
    assert client.get(reverse("annual_report_version", args=[slug, 1999, 1])).status_code == 404
    assert client.get(reverse("annual_report_edit", args=[slug, 3000])).status_code == 404


def test_the_board_never_sees_a_draft_year_it_was_not_sent(client, national, draft):
    client.force_login(national)
    assert client.get(reverse("annual_report_year", args=[draft.region.slug, draft.year])).status_code == 404
    page = client.get(reverse("annual_report_list", args=[draft.region.slug])).content.decode()
    assert draft.get_absolute_url() not in page
    assert AnnualReport.objects.filter(state="draft").count() == 1
