"""The portal's files in an S3-compatible bucket (issue 18), over real HTTP to a local server.

Snapshots, evidence, case-study attachments and annual reports are written to the bucket and
read back through the portal's own access-checked views; nothing in the bucket is public and no
list page asks the bucket anything. `.ci/run` starts moto_server and sets S3_TEST_ENDPOINT_URL;
without it these tests skip (and fail when CI=true). Locally:

    .venv/bin/moto_server -H 127.0.0.1 -p 5123 &
    S3_TEST_ENDPOINT_URL=http://127.0.0.1:5123 .venv/bin/python -m pytest -m integration \\
        sli_portal/tests/test_file_storage.py
"""

from __future__ import annotations

import datetime
import urllib.error
import urllib.request

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annual_reports import services as annual_report_services
from annual_reports.models import AnnualReport
from annual_reports.tests.factories import AnnualReportFactory
from case_studies.tests.factories import CaseStudyAttachmentFactory, CaseStudyFactory, TopicFactory
from priorities.models import Evidence
from programmes.tests.factories import LocalAuthorityFactory
from snapshots import services as snapshot_services
from snapshots.models import Snapshot
from snapshots.tests.factories import SnapshotFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PDF_KEY = "snapshots/pdf/south-west-2024-10.pdf"
HTML_KEY = "snapshots/html/south-west-2024-10.html"
EVIDENCE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def snapshot(region, plan, progress):
    return SnapshotFactory(
        region=region,
        month=datetime.date(2024, 10, 1),
        title="SW ADPH SLI snapshot: October 2024",
        introduction="Welcome to October.",
    )


def _render(snapshot: Snapshot) -> Snapshot:
    """The render service the worker's task calls, here in the test process (the web host)."""
    snapshot.refresh_from_db()
    snapshot.mark_rendering()
    assert snapshot_services.render_snapshot(snapshot_id=snapshot.pk) == "rendered"
    snapshot.refresh_from_db()
    assert snapshot.state == Snapshot.State.READY, snapshot.error
    return snapshot


def _body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def _unsigned_get(url: str) -> int:
    """What anyone on the internet gets for the object's address: no credentials, no signature."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _assert_nothing_public(bucket) -> None:
    keys = bucket.object_keys()
    assert keys, "the test put files in the bucket"
    assert {key: _unsigned_get(bucket.object_url(key)) for key in keys} == dict.fromkeys(keys, 403)


# --- Snapshots ------------------------------------------------------------------------------------


def test_a_rendered_snapshot_is_in_the_bucket_and_its_draft_pdf_only_for_the_region(
    client, coordinator, snapshot, s3_bucket, media_root
):
    snapshot = _render(snapshot)

    assert s3_bucket.object_keys() == [HTML_KEY, PDF_KEY]
    assert not media_root.exists(), "nothing on the web host's disk"
    rendered_pdf = reverse("snapshot_rendered_pdf", args=["south-west", "2024-10"])
    # Not published: the public address is 404 and the workspace's asks for a sign-in.
    assert client.get(snapshot.get_pdf_url()).status_code == 404
    assert client.get(rendered_pdf)["Location"].startswith(reverse("login"))

    client.force_login(coordinator)
    pdf = _body(client.get(rendered_pdf))
    assert pdf.startswith(b"%PDF") and len(pdf) == snapshot.pdf_bytes
    assert pdf == s3_bucket.read(PDF_KEY)
    _assert_nothing_public(s3_bucket)


def test_a_published_snapshot_s_pdf_and_page_are_served_from_the_bucket(client, publisher, snapshot, s3_bucket):
    snapshot = _render(snapshot)
    snapshot.publish(by=publisher)

    pdf = _body(client.get(snapshot.get_pdf_url()))
    assert pdf.startswith(b"%PDF") and len(pdf) == snapshot.pdf_bytes
    page = client.get(reverse("snapshot_page", args=["south-west", "2024-10"]))
    assert page.status_code == 200 and page.content == s3_bucket.read(HTML_KEY)
    assert b"Welcome to October." in page.content


def test_a_new_render_replaces_the_files_in_the_bucket(client, coordinator, snapshot, s3_bucket):
    snapshot = _render(snapshot)
    first = s3_bucket.read(PDF_KEY)
    Snapshot.objects.filter(pk=snapshot.pk).update(introduction="New news for October.")

    snapshot = _render(snapshot)

    assert s3_bucket.object_keys() == [HTML_KEY, PDF_KEY], "replaced under the same names, no duplicate"
    assert b"New news for October." in s3_bucket.read(HTML_KEY)
    second = s3_bucket.read(PDF_KEY)
    assert second != first and len(second) == snapshot.pdf_bytes
    client.force_login(coordinator)
    assert _body(client.get(reverse("snapshot_rendered_pdf", args=["south-west", "2024-10"]))) == second


def test_a_file_missing_from_the_bucket_is_not_available(client, publisher, snapshot, s3_bucket):
    snapshot = _render(snapshot)
    snapshot.publish(by=publisher)
    s3_bucket.client.delete_object(Bucket=s3_bucket.name, Key=PDF_KEY)

    response = client.get(snapshot.get_pdf_url())

    assert response.status_code == 404
    assert "The PDF of this snapshot is not available at the moment" in response.content.decode()


def test_the_archive_and_the_workspace_list_never_ask_the_bucket(client, member, publisher, snapshot, s3_bucket):
    """Sizes and page counts are the snapshot's own fields: a list page makes no request to the
    bucket (each would be a round trip per row)."""
    snapshot = _render(snapshot)
    snapshot.publish(by=publisher)
    requests = []
    # botocore's own event hook, on the client the storage uses in this thread.
    default_storage.connection.meta.client.meta.events.register(
        "before-send.s3", lambda request, **kwargs: requests.append(request.url)
    )

    archive = client.get(reverse("snapshot_archive", args=["south-west"]))
    client.force_login(member)
    workspace = client.get(reverse("snapshot_list", args=["south-west"]))

    assert archive.status_code == 200 and workspace.status_code == 200
    assert f"{snapshot.page_count} pages" in archive.content.decode()
    assert requests == []
    _body(client.get(snapshot.get_pdf_url()))
    assert len(requests) >= 1, "the hook sees the requests a download makes"


# --- Evidence, case-study attachments, annual reports ----------------------------------------


def test_evidence_is_uploaded_to_the_bucket_downloaded_through_the_portal_and_deleted(
    client, region, dph_lead, objective_1, s3_bucket, django_capture_on_commit_callbacks
):
    client.force_login(dph_lead)
    url = reverse("update_edit", args=[region.slug, objective_1.pk, 20241])
    form = {"version": 0, "rag_status": "green", "progress": "Pilot running.", "draft": "1"}
    upload = SimpleUploadedFile("pilot report.pdf", EVIDENCE, content_type="application/pdf")
    response = client.post(url, {**form, "evidence-title": "Pilot report", "evidence-file": upload})
    assert response.status_code == 302

    evidence = Evidence.objects.get()
    assert s3_bucket.object_keys("evidence/") == [evidence.file.name]
    download = reverse("evidence_download", args=[region.slug, evidence.pk])
    assert _body(client.get(download)) == EVIDENCE
    _assert_nothing_public(s3_bucket)
    client.logout()
    assert client.get(download)["Location"].startswith(reverse("login"))

    client.force_login(dph_lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("evidence_delete", args=[region.slug, evidence.pk]))
    assert s3_bucket.object_keys() == []


def test_a_published_case_study_s_attachment_is_served_from_the_bucket(client, region, coordinator, s3_bucket):
    case_study = CaseStudyFactory(region=region, topics=[TopicFactory()])
    case_study.councils.set([LocalAuthorityFactory(region=region)])
    case_study.publish(by=coordinator)
    attachment = CaseStudyAttachmentFactory(case_study=case_study)

    assert s3_bucket.object_keys("case-studies/") == [attachment.file.name]
    assert _body(client.get(attachment.get_absolute_url())) == b"%PDF-1.7 the evaluation"
    _assert_nothing_public(s3_bucket)


def test_an_annual_report_s_pdf_is_rendered_into_the_bucket_and_replaced_by_a_new_render(
    client, region, plan, progress, sli_lead, s3_bucket
):
    report = AnnualReportFactory(region=region, year=2024, state="draft")
    annual_report_services.submit_report(report=report, by=sli_lead)
    # The task the commit would queue, run here: the render service it calls.
    assert annual_report_services.render_report(report_id=report.pk) == "rendered"
    report.refresh_from_db()
    (first,) = s3_bucket.object_keys("annual-reports/")
    assert report.pdf.name == first and report.render_state == AnnualReport.Render.READY

    client.force_login(sli_lead)
    pdf = _body(client.get(report.get_pdf_url()))
    assert pdf.startswith(b"%PDF") and pdf == s3_bucket.read(first)

    assert annual_report_services.render_report(report_id=report.pk) == "rendered"
    report.refresh_from_db()
    assert s3_bucket.object_keys("annual-reports/") == [report.pdf.name], "the old file is deleted"
    assert _body(client.get(report.get_pdf_url())).startswith(b"%PDF")
    _assert_nothing_public(s3_bucket)


def test_the_privacy_check_sees_a_public_object(s3_bucket):
    """The check above can fail: an object uploaded public-read is served to anyone."""
    s3_bucket.client.put_object(Bucket=s3_bucket.name, Key="public.txt", Body=b"open", ACL="public-read")
    assert _unsigned_get(s3_bucket.object_url("public.txt")) == 200
