"""The annual report's life: a draft the SLI lead and coordinator write, submitted by the SLI lead
(frozen, then rendered to a tagged PDF by a Celery worker), acknowledged by the national board.
A change after submission starts a new version from what was sent."""

from __future__ import annotations

import csv
import datetime
import io
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from priorities.models import PriorityArea
from programmes.models import Region
from sli_portal.core.pdf import render_pdf_document
from sli_portal.core.spreadsheets import csv_text

from .compile import report_content, report_plan
from .models import AnnualReport, PriorityAchievement

logger = logging.getLogger(__name__)

State = AnnualReport.State
Render = AnnualReport.Render


# --- Reading -------------------------------------------------------------------------------


def report_priority_areas(region: Region, year: int) -> list[PriorityArea]:
    """The priority areas of the plan the year is reported against."""
    plan = report_plan(region, year)
    return list(PriorityArea.objects.filter(plan=plan).order_by("number")) if plan else []


def achievements_of(report: AnnualReport) -> dict[int, str]:
    return dict(report.achievements.values_list("priority_area_id", "text"))


def content_of(report: AnnualReport, *, today: datetime.date | None = None) -> dict:
    """What the report says: frozen once submitted, compiled from live data while a draft."""
    if not report.is_draft:
        return report.content
    return report_content(
        report.region,
        report.year,
        today=today or timezone.localdate(),
        summary=report.summary,
        risks=report.risks,
        asks_of_board=report.asks_of_board,
        achievements=achievements_of(report),
    )


# --- Writing -------------------------------------------------------------------------------


def start_draft(*, region: Region, year: int, by) -> AnnualReport:
    """The year's draft: the one being written, else a new version that starts from the latest
    one sent (its written sections and achievements)."""
    # A draft is always the latest version: versions are only started from a sent one.
    latest = AnnualReport.objects.filter(region=region, year=year).order_by("-version").first()
    if latest is not None and latest.is_draft:
        return latest
    report = AnnualReport(region=region, year=year, created_by=by, version=latest.version + 1 if latest else 1)
    report.full_clean()
    try:
        with transaction.atomic():
            if latest is not None:
                report.summary, report.risks, report.asks_of_board = latest.summary, latest.risks, latest.asks_of_board
            report.save()
            if latest is not None:
                PriorityAchievement.objects.bulk_create(
                    PriorityAchievement(report=report, priority_area_id=a.priority_area_id, text=a.text)
                    for a in latest.achievements.all()
                )
    except IntegrityError:
        # Another request started it between the check and the save: theirs is the draft.
        return AnnualReport.objects.get(region=region, year=year, state=State.DRAFT)
    return report


def save_draft(
    *, report: AnnualReport, summary: str, risks: str, asks_of_board: str, achievements: dict[int, str]
) -> AnnualReport:
    """Save the written sections of a draft; `achievements` maps priority area id → text."""
    if not report.is_draft:
        raise ValidationError("A submitted report cannot change: start a new version to edit it")
    allowed = {area.pk for area in report_priority_areas(report.region, report.year)}
    with transaction.atomic():
        report.summary, report.risks, report.asks_of_board = summary, risks, asks_of_board
        report.save(update_fields=["summary", "risks", "asks_of_board", "updated_at"])
        for area_id, text in achievements.items():
            if area_id in allowed:
                PriorityAchievement.objects.update_or_create(
                    report=report, priority_area_id=area_id, defaults={"text": text}
                )
    return report


def submit_report(*, report: AnnualReport, by, today: datetime.date | None = None) -> AnnualReport:
    """Freeze the draft as sent to the national board and queue its PDF."""
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().select_related("region").get(pk=report.pk)
        if not locked.is_draft:
            raise ValidationError("This version has already been submitted")
        if not locked.summary.strip():
            raise ValidationError("Write the summary of the year before you submit the report")
        locked.content = content_of(locked, today=today)
        locked.state = State.SUBMITTED
        locked.submitted_by = by
        locked.submitted_at = timezone.now()
        locked.render_state = Render.RENDERING
        locked.render_error = ""
        locked.save()
        transaction.on_commit(lambda: enqueue_render(locked.pk))
    return locked


def acknowledge_report(*, report: AnnualReport, by, note: str = "") -> AnnualReport:
    """The national board records that it has received and read the report."""
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().get(pk=report.pk)
        if locked.state != State.SUBMITTED:
            raise ValidationError(
                "Only a submitted report can be acknowledged"
                if locked.is_draft
                else "The board has already acknowledged this report"
            )
        locked.state = State.ACKNOWLEDGED
        locked.acknowledged_by = by
        locked.acknowledged_at = timezone.now()
        locked.acknowledgement_note = note
        locked.save()
    return locked


# --- The PDF -------------------------------------------------------------------------------


def build_pdf_html(report: AnnualReport) -> str:
    return render_to_string("annual_reports/report_pdf.html", {"report": report, "content": content_of(report)})


def enqueue_render(report_id: int) -> bool:
    """Send the render task; False when the broker is unreachable (the page offers a retry)."""
    from kombu.exceptions import OperationalError

    from .tasks import render_annual_report

    try:
        render_annual_report.delay(report_id)
    except (OperationalError, OSError) as error:
        logger.warning("Annual report %s: render not queued, the broker is unreachable (%s)", report_id, error)
        return False
    return True


def request_render(*, report: AnnualReport) -> None:
    """Render a submitted report's PDF again (after a failure, or files lost from storage)."""
    if report.is_draft:
        raise ValidationError("A draft has no PDF to keep: preview it instead")
    AnnualReport.objects.filter(pk=report.pk).update(render_state=Render.RENDERING, render_error="")
    transaction.on_commit(lambda: enqueue_render(report.pk))


def render_report(*, report_id: int) -> str:
    """Render a submitted report's frozen content to its tagged PDF, replacing the old file."""
    report = AnnualReport.objects.select_related("region").get(pk=report_id)
    if report.is_draft:
        return "skipped"
    rendered = render_pdf_document(build_pdf_html(report))
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().get(pk=report_id)
        old = locked.pdf.name
        locked.pdf.save(report.filename, ContentFile(rendered.pdf), save=False)
        if old and old != locked.pdf.name:
            locked.pdf.storage.delete(old)
        locked.page_count = rendered.page_count
        locked.render_state = Render.READY
        locked.render_error = ""
        locked.rendered_at = timezone.now()
        locked.save(update_fields=["pdf", "page_count", "render_state", "render_error", "rendered_at"])
    return "rendered"


def record_render_failure(*, report_id: int, error: str) -> None:
    AnnualReport.objects.filter(pk=report_id).update(render_state=Render.FAILED, render_error=error[:2000])


def preview_pdf(report: AnnualReport) -> bytes:
    """A draft's PDF as it stands, rendered in the request (never stored)."""
    return render_pdf_document(build_pdf_html(report)).pdf


# --- The CSV -------------------------------------------------------------------------------

CSV_COLUMNS = ["Region", "Plan", "Priority number", "Priority title", "DPH lead", "Objective number", "Objective title"]


def report_csv(content: dict) -> bytes:
    """One row per key objective with its RAG in each quarter of the year."""
    out = io.StringIO()
    writer = csv.writer(out)
    quarters = content["quarters"]
    writer.writerow(CSV_COLUMNS + [f"{q['label']} RAG" for q in quarters] + ["Latest quarter", "Latest progress"])
    plan_title = content["plan"]["title"] if content["plan"] else ""
    for priority in content["priorities"]:
        for objective in priority["objectives"]:
            rags = [rag if rag is not None else "Not yet due" for rag in objective["rags"]]
            row = [content["region"]["name"], plan_title, priority["number"], priority["title"], priority["lead"]]
            row += [objective["number"], objective["title"], *rags]
            row += [objective["latest_quarter"], objective["latest_progress"]]
            writer.writerow([csv_text(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
