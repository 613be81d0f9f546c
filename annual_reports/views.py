"""The annual report pages: the SLI lead and coordinator write the year's report, the SLI lead
submits it, the national board reads what was submitted and acknowledges it.

Who reads what (programmes.access): a draft is the region's workspace (`can_read`); a submitted
version is for the region and the national board (`can_read_submitted`).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from programmes.access import RegionAccess, check_access, get_region_for_user
from sli_portal.core.http import attachment, stored_file_response

from . import selectors, services
from .forms import AcknowledgeForm, AnnualReportForm, NewReportForm, year_choices
from .models import AnnualReport


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise Http404("No report for that year")


def _visible(access: RegionAccess, report: AnnualReport) -> bool:
    return access.can_read if report.is_draft else access.can_read_submitted


def _get_report(request, slug: str, year: int, version: int) -> tuple[AnnualReport, RegionAccess]:
    region, access = get_region_for_user(request, slug, need="read_submitted")
    _check_year(year)
    report = get_object_or_404(
        AnnualReport.objects.select_related("region", "submitted_by", "acknowledged_by", "created_by"),
        region=region,
        year=year,
        version=version,
    )
    if not _visible(access, report):
        raise PermissionDenied
    return report, access


def _first_error(error: ValidationError) -> str:
    return error.messages[0] if error.messages else "Something went wrong"


@require_http_methods(["GET", "POST"])
def report_list(request: HttpRequest, slug: str) -> HttpResponse:
    region, access = get_region_for_user(request, slug, need="read_submitted")
    reports = selectors.region_reports(region, include_drafts=access.can_read)
    form = NewReportForm(request.POST or None, choices=year_choices(timezone.localdate()))
    if request.method == "POST":
        check_access(request, access, "write_reports")
        if form.is_valid():
            return redirect("annual_report_edit", region.slug, form.cleaned_data["year"])
    context = {"region": region, "access": access, "reports": reports, "form": form}
    return render(request, "annual_reports/report_list.html", context)


@require_GET
def report_year(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """The year's report as the reader may see it: the draft being written for the region,
    else the latest version sent."""
    region, access = get_region_for_user(request, slug, need="read_submitted")
    _check_year(year)
    report = selectors.latest_version(region, year, include_drafts=access.can_read)
    if report is None:
        if access.can_write_reports:
            return redirect("annual_report_edit", region.slug, year)
        raise Http404("No report for that year yet")
    return redirect(report.get_absolute_url())


@require_GET
def report_version(request: HttpRequest, slug: str, year: int, version: int) -> HttpResponse:
    report, access = _get_report(request, slug, year, version)
    context = {
        "region": report.region,
        "access": access,
        "report": report,
        "content": services.content_of(report),
        "versions": selectors.region_reports(report.region, year=year, include_drafts=access.can_read),
        "has_draft": access.can_read and selectors.has_draft(report.region, year),
    }
    return render(request, "annual_reports/report_detail.html", context)


@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """Write the year's draft; the first save after a submission starts the next version."""
    region, access = get_region_for_user(request, slug, need="write_reports")
    _check_year(year)
    # The latest version: the draft being written, else the one last sent, which a new draft starts from.
    draft = selectors.latest_version(region, year, include_drafts=True)
    initial = {}
    if draft is not None:
        initial = {"summary": draft.summary, "risks": draft.risks, "asks_of_board": draft.asks_of_board}
    form = AnnualReportForm(
        request.POST or None,
        initial=initial,
        priority_areas=services.report_priority_areas(region, year),
        achievements=services.achievements_of(draft) if draft else {},
    )
    if request.method == "POST" and form.is_valid():
        report = services.start_draft(region=region, year=year, by=request.user)
        services.save_draft(
            report=report,
            summary=form.cleaned_data["summary"],
            risks=form.cleaned_data["risks"],
            asks_of_board=form.cleaned_data["asks_of_board"],
            achievements=form.achievements(),
        )
        messages.success(request, f"Report saved as a draft (version {report.version})")
        return redirect(report.get_absolute_url())
    context = {
        "region": region,
        "year": year,
        "financial_year": AnnualReport(year=year).financial_year,
        "form": form,
        "report": draft,
        "new_version": draft is not None and not draft.is_draft,
    }
    return render(request, "annual_reports/report_form.html", context)


@require_http_methods(["GET", "POST"])
def report_submit(request: HttpRequest, slug: str, year: int, version: int) -> HttpResponse:
    """Submitting sends the report to the national board and freezes it: GET says so, POST does it."""
    report, access = _get_report(request, slug, year, version)
    check_access(request, access, "submit_reports")
    if not report.is_draft:
        messages.error(request, "This version has already been submitted")
        return redirect(report.get_absolute_url())
    if request.method == "POST":
        try:
            report = services.submit_report(report=report, by=request.user)
        except ValidationError as error:
            messages.error(request, _first_error(error))
        else:
            messages.success(request, "Report submitted to the national SLI board")
        return redirect(report.get_absolute_url())
    return render(request, "annual_reports/report_submit.html", {"region": report.region, "report": report})


@require_http_methods(["GET", "POST"])
def report_acknowledge(request: HttpRequest, slug: str, year: int, version: int) -> HttpResponse:
    report, access = _get_report(request, slug, year, version)
    check_access(request, access, "acknowledge_reports")
    if report.state != AnnualReport.State.SUBMITTED:
        messages.error(request, "Only a submitted report that is not yet acknowledged can be acknowledged")
        return redirect(report.get_absolute_url())
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.acknowledge_report(report=report, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, _first_error(error))
        else:
            messages.success(request, "Report acknowledged: the region sees who acknowledged it and when")
        return redirect(report.get_absolute_url())
    context = {"region": report.region, "report": report, "form": form}
    return render(request, "annual_reports/report_acknowledge.html", context)


@require_POST
def report_render(request: HttpRequest, slug: str, year: int, version: int) -> HttpResponse:
    report, access = _get_report(request, slug, year, version)
    check_access(request, access, "write_reports")
    try:
        services.request_render(report=report)
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, "The PDF is being rendered again")
    return redirect(report.get_absolute_url())


@require_GET
def report_pdf(request: HttpRequest, slug: str, year: int, version: int) -> HttpResponse:
    """A submitted version's stored PDF; a draft's preview rendered now."""
    report, access = _get_report(request, slug, year, version)
    if report.is_draft:
        return attachment(services.preview_pdf(report), "application/pdf", f"draft-{report.filename}")
    if not report.pdf or report.render_state != AnnualReport.Render.READY:
        raise Http404("The PDF of this report is not ready yet")
    return stored_file_response(
        report.pdf, what="The PDF of this report", filename=report.filename, content_type="application/pdf"
    )


@require_GET
def report_csv(request: HttpRequest, slug: str, year: int, version: int) -> HttpResponse:
    report, access = _get_report(request, slug, year, version)
    name = report.filename.removesuffix(".pdf") + ".csv"
    return attachment(services.report_csv(services.content_of(report)), "text/csv; charset=utf-8", name)


@require_GET
def old_report_address(request: HttpRequest, slug: str, year: int, extension: str) -> HttpResponse:
    return redirect("annual_report_year", slug, year)
