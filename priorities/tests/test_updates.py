import datetime
import io
import zipfile

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from priorities import services
from priorities.models import Evidence, QuarterlyUpdate
from priorities.tests.conftest import PDF, QUARTER
from priorities.tests.factories import KeyObjectiveFactory
from sli_portal.core.quarters import Quarter

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def office_file(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(f"{folder}document.xml", "<doc/>")
    return buffer.getvalue()


def update_url(region, objective, quarter=QUARTER):
    return reverse("update_edit", args=[region.slug, objective.pk, quarter.code])


def form_data(version=0, **fields):
    return {
        "version": version,
        "rag_status": "green",
        "progress": "Pilot running in three councils.",
        "achievements": "",
        "risks_and_issues": "",
        "next_steps": "",
        **fields,
    }


# Writing, saving as draft and submitting


def test_a_lead_saves_a_draft(client, region, dph_lead, objective_1):
    client.force_login(dph_lead)
    response = client.post(update_url(region, objective_1), form_data(draft="1"))

    # A draft is work in progress: the lead stays on the form.
    assert response["Location"] == update_url(region, objective_1)
    update = QuarterlyUpdate.objects.get(key_objective=objective_1, quarter=QUARTER)
    assert (update.is_submitted, update.author, update.version) == (False, dph_lead, 1)


def test_a_lead_submits_an_update(client, region, dph_lead, objective_1):
    client.force_login(dph_lead)
    response = client.post(update_url(region, objective_1), form_data(submit="1", rag_status="amber"))

    assert response["Location"] == reverse("objective_detail", args=[region.slug, objective_1.pk])

    update = QuarterlyUpdate.objects.get(key_objective=objective_1, quarter=QUARTER)
    assert update.is_submitted
    assert update.rag_status == "amber"


def test_submitting_needs_a_progress_narrative(client, region, dph_lead, objective_1):
    client.force_login(dph_lead)
    response = client.post(update_url(region, objective_1), form_data(submit="1", progress=" "))

    assert response.status_code == 200
    assert "Enter the progress narrative before you submit the update" in response.content.decode()
    assert not QuarterlyUpdate.objects.exists()


def test_the_rag_status_must_be_one_of_the_choices(client, region, dph_lead, objective_1):
    client.force_login(dph_lead)
    response = client.post(update_url(region, objective_1), form_data(rag_status="purple", draft="1"))
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not QuarterlyUpdate.objects.exists()


def test_the_form_shows_rag_radios_with_the_error_summary_pattern(client, region, dph_lead, objective_1):
    client.force_login(dph_lead)
    page = client.get(update_url(region, objective_1)).content.decode()
    assert 'class="govuk-radios' in page
    assert 'name="version" value="0"' in page


def test_editing_a_submitted_update_keeps_it_submitted(client, region, coordinator, update_1):
    submitted_at = update_1.submitted_at
    client.force_login(coordinator)
    client.post(update_url(region, update_1.key_objective), form_data(version=1, progress="Revised.", submit="1"))

    update_1.refresh_from_db()
    assert (update_1.progress, update_1.submitted_at, update_1.version, update_1.author) == (
        "Revised.",
        submitted_at,
        2,
        coordinator,
    )


def test_a_quarter_that_has_not_begun_is_404(client, region, dph_lead, objective_1):
    client.force_login(dph_lead)
    late = objective_1.plan.quarters[-1]
    future = late.next().next()
    assert client.get(update_url(region, objective_1, future)).status_code == 404


def test_a_nonsense_quarter_is_404(client, region, dph_lead, objective_1):
    client.force_login(dph_lead)
    assert client.get(f"/regions/{region.slug}/objectives/{objective_1.pk}/updates/20249/").status_code == 404


# The stale-edit conflict


def test_a_stale_save_does_not_overwrite_and_shows_both_versions(client, region, dph_lead, coordinator, update_1):
    # The lead opened the form at version 1; the coordinator saved in between.
    services.save_update(
        objective=update_1.key_objective,
        quarter=QUARTER,
        by=coordinator,
        version=1,
        values=form_data(progress="Coordinator's words.", rag_status="red"),
        submit=False,
    )
    client.force_login(dph_lead)

    response = client.post(update_url(region, update_1.key_objective), form_data(version=1, progress="Lead's words."))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this update while you were editing it" in page
    assert "Coordinator&#x27;s words." in page and "Lead&#x27;s words." in page
    assert 'name="version" value="2"' in page  # saving again re-applies over their version
    update_1.refresh_from_db()
    assert (update_1.progress, update_1.version) == ("Coordinator's words.", 2)


def test_re_applying_after_a_conflict_saves(client, region, dph_lead, coordinator, update_1):
    services.save_update(
        objective=update_1.key_objective, quarter=QUARTER, by=coordinator, version=1, values=form_data(), submit=False
    )
    client.force_login(dph_lead)
    client.post(update_url(region, update_1.key_objective), form_data(version=2, progress="Lead's words."))

    update_1.refresh_from_db()
    assert (update_1.progress, update_1.version) == ("Lead's words.", 3)


def test_the_service_refuses_a_stale_version(coordinator, update_1):
    with pytest.raises(services.UpdateConflict) as conflict:
        services.save_update(
            objective=update_1.key_objective,
            quarter=QUARTER,
            by=coordinator,
            version=7,
            values=form_data(),
            submit=True,
        )
    assert conflict.value.current.pk == update_1.pk
    update_1.refresh_from_db()
    assert update_1.progress == "Started the pilot."


def test_two_first_drafts_at_once_conflict_instead_of_failing(dph_lead, coordinator, objective_1):
    # Both opened the form before any update existed (version 0).
    services.save_update(
        objective=objective_1, quarter=QUARTER, by=coordinator, version=0, values=form_data(), submit=False
    )
    with pytest.raises(services.UpdateConflict):
        services.save_update(
            objective=objective_1, quarter=QUARTER, by=dph_lead, version=0, values=form_data(), submit=False
        )


# History


def test_every_save_is_kept_in_history_with_who_and_what(client, region, dph_lead, coordinator, objective_1):
    client.force_login(dph_lead)
    client.post(update_url(region, objective_1), form_data(draft="1", rag_status="amber"))
    client.force_login(coordinator)
    client.post(
        update_url(region, objective_1), form_data(version=1, rag_status="red", progress="Slipping.", submit="1")
    )
    update = QuarterlyUpdate.objects.get()

    assert update.history.count() == 2
    response = client.get(reverse("update_history", args=[region.slug, update.pk]))

    page = response.content.decode()
    assert "created by" in page and "changed by" in page
    assert "Amber" in page and "Red" in page and "Slipping." in page
    assert dph_lead.get_full_name() in page and coordinator.get_full_name() in page


# Evidence: validation, storage, download


def test_a_pdf_is_stored_under_a_generated_name(client, region, dph_lead, objective_1):
    client.force_login(dph_lead)
    upload = SimpleUploadedFile("../../etc/My report.PDF", PDF, content_type="application/pdf")
    client.post(
        update_url(region, objective_1),
        {**form_data(draft="1"), "evidence-title": "Report", "evidence-file": upload},
    )

    evidence = Evidence.objects.get()
    assert evidence.original_name == "My report.PDF"
    assert evidence.file.name.startswith("evidence/") and evidence.file.name.endswith(".pdf")
    assert "report" not in evidence.file.name.lower()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("slides.pptx", office_file("ppt/")),
        ("sheet.xlsx", office_file("xl/")),
        ("note.docx", office_file("word/")),
        ("chart.png", PNG),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32),
    ],
)
def test_each_allowed_kind_is_accepted(client, region, dph_lead, objective_1, name, content):
    client.force_login(dph_lead)
    client.post(
        update_url(region, objective_1),
        {**form_data(draft="1"), "evidence-title": "File", "evidence-file": SimpleUploadedFile(name, content)},
    )
    assert Evidence.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", b"MZ\x90\x00", "must be a PDF, DOCX, XLSX, PPTX, PNG or JPG"),
        ("page.html", b"<html></html>", "must be a PDF, DOCX, XLSX, PPTX, PNG or JPG"),
        ("fake.pdf", b"<script>alert(1)</script>", "not a real PDF file"),
        ("fake.png", PDF, "not a real PNG file"),
        ("renamed.docx", office_file("xl/"), "not a real DOCX file"),
        ("zip.xlsx", b"PK\x03\x04 not really a zip", "not a real XLSX file"),
        ("empty.pdf", b"", "The selected file is empty"),
    ],
)
def test_wrong_files_are_refused_and_nothing_is_saved(client, region, dph_lead, objective_1, name, content, message):
    client.force_login(dph_lead)
    response = client.post(
        update_url(region, objective_1),
        {**form_data(draft="1"), "evidence-title": "File", "evidence-file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Evidence.objects.exists()
    assert not QuarterlyUpdate.objects.exists()  # the update and its evidence are saved together or not at all


def test_a_file_over_10_mb_is_refused(client, region, dph_lead, objective_1):
    client.force_login(dph_lead)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    response = client.post(
        update_url(region, objective_1), {**form_data(draft="1"), "evidence-title": "Big", "evidence-file": big}
    )
    assert "The selected file must be smaller than 10 MB" in response.content.decode()
    assert not Evidence.objects.exists()


def test_evidence_needs_a_title_and_one_link_or_file(client, region, dph_lead, objective_1):
    client.force_login(dph_lead)
    response = client.post(
        update_url(region, objective_1), {**form_data(draft="1"), "evidence-link": "https://a.example"}
    )
    assert "Enter a title for the evidence" in response.content.decode()
    response = client.post(update_url(region, objective_1), {**form_data(draft="1"), "evidence-title": "Only a title"})
    assert "Enter a link or choose a file" in response.content.decode()


def test_a_link_is_added_as_evidence(client, region, dph_lead, objective_1):
    client.force_login(dph_lead)
    client.post(
        update_url(region, objective_1),
        {**form_data(draft="1"), "evidence-title": "Board paper", "evidence-link": "https://example.org/paper"},
    )
    assert Evidence.objects.get().link == "https://example.org/paper"


def test_a_member_downloads_submitted_evidence_as_an_attachment(client, region, member, evidence_1):
    client.force_login(member)
    response = client.get(reverse("evidence_download", args=[region.slug, evidence_1.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "pilot report.pdf" in response["Content-Disposition"]


def test_evidence_missing_from_the_storage_is_not_available(client, region, member, evidence_1):
    evidence_1.file.storage.delete(evidence_1.file.name)
    client.force_login(member)
    response = client.get(reverse("evidence_download", args=[region.slug, evidence_1.pk]))
    assert response.status_code == 404
    assert "This evidence file is not available at the moment" in response.content.decode()


def test_evidence_is_not_served_from_a_public_media_url(client, evidence_1):
    assert client.get("/media/" + evidence_1.file.name).status_code == 404


def test_removing_evidence_deletes_its_file(client, region, dph_lead, evidence_1, django_capture_on_commit_callbacks):
    storage, name = evidence_1.file.storage, evidence_1.file.name
    client.force_login(dph_lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("evidence_delete", args=[region.slug, evidence_1.pk]))
    assert not Evidence.objects.exists()
    assert not storage.exists(name)


# The objective page


def test_members_read_submitted_updates_but_not_drafts(client, region, member, update_1, objective_1):
    update_1.progress = "Submitted words."
    update_1.save()
    client.force_login(member)
    assert (
        "Submitted words."
        in client.get(reverse("objective_detail", args=[region.slug, objective_1.pk])).content.decode()
    )

    update_1.submitted_at = None
    update_1.save()
    page = client.get(reverse("objective_detail", args=[region.slug, objective_1.pk])).content.decode()
    assert "Submitted words." not in page
    assert "The update is being drafted." in page


def test_the_services_refuse_someone_who_may_not_write_the_update(objective_1, member, evidence_1):
    """The permission is the service's own: a page or a job that forgot to check cannot write."""
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.save_update(
            objective=objective_1, quarter=QUARTER, by=member, version=0, values=form_data(), submit=False
        )
    with pytest.raises(PermissionDenied):
        services.add_evidence(update=evidence_1.update, by=member, title="Mine", link="https://example.org")
    with pytest.raises(PermissionDenied):
        services.delete_evidence(evidence=evidence_1, by=member)
    assert evidence_1.update.evidence.count() == 1


# --- Only what an objective owes ---------------------------------------------------------


def _signed_off_in_q3(priority_1):
    return KeyObjectiveFactory(
        priority_area=priority_1,
        number=7,
        title="Signed off in the third quarter",
        sign_off_state="signed_off",
        signed_off_at=timezone.make_aware(datetime.datetime(2024, 11, 30, 11)),
    )


def test_an_objective_page_offers_no_update_for_quarters_before_it_was_signed_off(client, region, dph_lead, priority_1):
    objective = _signed_off_in_q3(priority_1)
    with time_machine.travel(datetime.datetime(2024, 12, 2, 10, tzinfo=datetime.UTC), tick=False):
        client.force_login(dph_lead)
        page = client.get(reverse("objective_detail", args=[region.slug, objective.pk])).content.decode()
    assert reverse("update_edit", args=[region.slug, objective.pk, Quarter(2024, 3).code]) in page
    for earlier in (Quarter(2024, 1), Quarter(2024, 2)):
        assert reverse("update_edit", args=[region.slug, objective.pk, earlier.code]) not in page
        assert f">{earlier}<" not in page


def test_an_update_not_owed_is_refused_and_nothing_is_saved(client, region, dph_lead, priority_1, proposed_objective):
    objective = _signed_off_in_q3(priority_1)
    with time_machine.travel(datetime.datetime(2024, 12, 2, 10, tzinfo=datetime.UTC), tick=False):
        client.force_login(dph_lead)
        too_early = client.post(
            reverse("update_edit", args=[region.slug, objective.pk, Quarter(2024, 2).code]), form_data()
        )
        proposed = client.post(
            reverse("update_edit", args=[region.slug, proposed_objective.pk, Quarter(2024, 3).code]), form_data()
        )
    assert (too_early.status_code, proposed.status_code) == (404, 404)
    assert not QuarterlyUpdate.objects.exists()


def test_the_update_service_refuses_an_update_not_owed(dph_lead, proposed_objective):
    with pytest.raises(ValidationError) as error:
        services.save_update(
            objective=proposed_objective, quarter=QUARTER, by=dph_lead, version=0, values=form_data(), submit=False
        )
    assert "owes no update for 2024/25 Q1: the network has not signed it off yet" in error.value.messages[0]
    assert not QuarterlyUpdate.objects.exists()


def test_evidence_already_added_is_listed_before_the_submit_buttons(client, region, dph_lead, evidence_1):
    client.force_login(dph_lead)
    update = evidence_1.update
    page = client.get(update_url(region, update.key_objective, update.quarter)).content.decode()

    assert page.index("Evidence already added") < page.index("Save changes")
    # Its Remove button posts its own form, outside the update's.
    remove = reverse("evidence_delete", args=[region.slug, evidence_1.pk])
    assert f'form="remove-evidence-{evidence_1.pk}"' in page
    assert f'action="{remove}" id="remove-evidence-{evidence_1.pk}"' in page
