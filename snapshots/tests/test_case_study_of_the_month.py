"""The snapshot's case study of the month: suggested on the draft, chosen by the coordinator,
shown in the HTML and PDF while it stays published."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from case_studies.tests.factories import CaseStudyFactory
from programmes.tests.factories import LocalAuthorityFactory
from snapshots import services
from snapshots.content import compile_content
from snapshots.models import Snapshot
from snapshots.tests.conftest import OCTOBER

pytestmark = pytest.mark.django_db


def published_case_study(region, title, published_at, **fields):
    case_study = CaseStudyFactory(region=region, title=title, **fields)
    case_study.publish(by=None, now=published_at)
    return case_study


@pytest.fixture
def september_case_study(region):
    return published_case_study(
        region,
        "Walking groups in Torbay",
        datetime.datetime(2024, 9, 18, 10, tzinfo=datetime.UTC),
        summary="Volunteers led weekly walks for people leaving hospital.",
    )


def edit(client, snapshot, **changes):
    data = {"title": snapshot.title, "introduction": "", "highlights": "", "adph_updates": "", **changes}
    return client.post(reverse("snapshot_edit", args=[snapshot.region.slug, snapshot.month_slug]), data)


def test_a_new_draft_suggests_the_latest_case_study_of_last_month(region, september_case_study):
    snapshot = services.create_snapshot(region=region, month=OCTOBER)
    assert snapshot.featured_case_study == september_case_study


def test_a_new_draft_features_nothing_without_a_recent_case_study(region):
    published_case_study(region, "Old news", datetime.datetime(2024, 5, 1, 10, tzinfo=datetime.UTC))
    assert services.create_snapshot(region=region, month=OCTOBER).featured_case_study is None


def test_the_edit_page_names_the_suggestion_and_offers_the_regions_published_ones(
    client, coordinator, snapshot, september_case_study, other_region
):
    CaseStudyFactory(region=snapshot.region, title="A draft case study")
    published_case_study(other_region, "Their case study", datetime.datetime(2024, 9, 1, tzinfo=datetime.UTC))
    client.force_login(coordinator)
    page = client.get(reverse("snapshot_edit", args=["south-west", "2024-10"])).content.decode()
    assert "Suggested: “Walking groups in Torbay”" in page
    assert "A draft case study" not in page and "Their case study" not in page


def test_the_coordinator_chooses_the_case_study_of_the_month(client, coordinator, snapshot, september_case_study):
    client.force_login(coordinator)
    response = edit(client, snapshot, featured_case_study=september_case_study.pk)
    snapshot.refresh_from_db()
    assert response.status_code == 302 and snapshot.featured_case_study == september_case_study
    edit(client, snapshot, featured_case_study="")
    snapshot.refresh_from_db()
    assert snapshot.featured_case_study is None


@pytest.mark.parametrize("which", ["draft", "another region's", "unknown"])
def test_only_a_published_case_study_of_the_region_can_be_featured(client, coordinator, snapshot, other_region, which):
    choice = {
        "draft": lambda: CaseStudyFactory(region=snapshot.region).pk,
        "another region's": lambda: (
            published_case_study(other_region, "Theirs", datetime.datetime(2024, 9, 1, tzinfo=datetime.UTC)).pk
        ),
        "unknown": lambda: 99999999999999999999,
    }[which]()
    client.force_login(coordinator)
    response = edit(client, snapshot, featured_case_study=choice)
    assert response.status_code == 200
    assert "Select a published case study of the region" in response.content.decode()
    snapshot.refresh_from_db()
    assert snapshot.featured_case_study is None


def test_the_service_refuses_a_case_study_that_is_not_published(snapshot):
    draft = CaseStudyFactory(region=snapshot.region)
    with pytest.raises(ValidationError, match="Select a published case study of the region"):
        services.update_snapshot(
            snapshot=snapshot, title="T", introduction="", highlights="", adph_updates="", featured_case_study=draft
        )


def test_the_snapshot_shows_its_case_study_of_the_month(settings, snapshot, september_case_study):
    settings.PORTAL_BASE_URL = "https://sli.example.org"
    september_case_study.councils.set([LocalAuthorityFactory(region=snapshot.region, name="Cornwall")])
    snapshot.featured_case_study = september_case_study
    snapshot.save()

    html = services.build_html(snapshot)

    assert 'id="case-study"' in html and '<a href="#case-study">Case study of the month</a>' in html
    assert "Walking groups in Torbay" in html and "Volunteers led weekly walks" in html and "Cornwall" in html
    assert f'href="https://sli.example.org{september_case_study.get_absolute_url()}"' in html


def test_a_withdrawn_case_study_leaves_the_next_render(snapshot, september_case_study, coordinator):
    snapshot.featured_case_study = september_case_study
    snapshot.save()
    september_case_study.withdraw(by=coordinator)
    assert compile_content(snapshot).case_study is None
    assert 'id="case-study"' not in services.build_html(snapshot)


def test_without_a_case_study_the_section_is_left_out(snapshot):
    assert 'id="case-study"' not in services.build_html(snapshot)
    assert Snapshot.objects.get(pk=snapshot.pk).featured_case_study is None


def test_the_pdf_carries_the_case_study_of_the_month(
    snapshot, september_case_study, django_capture_on_commit_callbacks
):
    snapshot.featured_case_study = september_case_study
    snapshot.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_render(snapshot=snapshot)
    snapshot.refresh_from_db()

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(snapshot.pdf.read())).pages)

    assert snapshot.state == Snapshot.State.READY
    assert "Case study of the month" in text and "Walking groups in Torbay" in text
