"""Case-study pages: the region's workspace (members write, the coordinator publishes), the
public list and pages with their attachments, and the search for signed-in users."""

from __future__ import annotations

import os

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from priorities.evidence import content_type
from priorities.models import KeyObjective, Project
from programmes.access import RegionAccess, SignInRequired, check_access, get_region_for_user, region_access
from programmes.models import LocalAuthority, Region
from sli_portal.core.forms import add_service_errors
from sli_portal.core.http import stored_file_response

from . import selectors, services
from .forms import AttachmentForm, CaseStudyFilterForm, CaseStudyForm, SearchForm
from .models import CaseStudy, CaseStudyAttachment

PER_PAGE = 20


def _get_case_study(region: Region, pk: int) -> CaseStudy:
    """Looked up inside the URL's region: another region's id is 404."""
    return get_object_or_404(
        CaseStudy.objects.select_related("region", "author", "published_by", "project"), pk=pk, region=region
    )


def _get_for_editor(request, slug: str, pk: int) -> tuple[Region, RegionAccess, CaseStudy]:
    region, access = get_region_for_user(request, slug)
    case_study = _get_case_study(region, pk)
    if not services.can_edit(user=request.user, access=access, case_study=case_study):
        raise PermissionDenied
    return region, access, case_study


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- The region's workspace -----------------------------------------------------------------


@require_GET
def case_study_region_list(request: HttpRequest, slug: str) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    page = Paginator(selectors.region_case_studies(region), PER_PAGE).get_page(request.GET.get("page"))
    context = {"region": region, "page": page, "can_write": services.can_write(access)}
    return render(request, "case_studies/region_list.html", context)


@require_http_methods(["GET", "POST"])
def case_study_create(request: HttpRequest, slug: str) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    if not services.can_write(access):
        raise PermissionDenied
    return _case_study_form(request, region, access, CaseStudy(region=region))


@require_http_methods(["GET", "POST"])
def case_study_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    region, access, case_study = _get_for_editor(request, slug, pk)
    return _case_study_form(request, region, access, case_study)


def _case_study_form(request, region: Region, access: RegionAccess, case_study: CaseStudy) -> HttpResponse:
    form = CaseStudyForm(
        request.POST or None,
        instance=case_study,
        councils=region.local_authorities.filter(active=True).order_by("name"),
        projects=Project.objects.filter(region=region).order_by("title"),
        objectives=KeyObjective.objects.signed_off()
        .filter(plan__region=region)
        .select_related("plan")
        .order_by("-plan__start_date", "number"),
    )
    attachment_form = AttachmentForm(request.POST or None, request.FILES or None, prefix="attachment")
    if request.method == "POST" and form.is_valid() and attachment_form.is_valid():
        data = form.cleaned_data
        links = services.CaseStudyLinks(
            topics=list(data["topics"]), councils=list(data["councils"]), objectives=list(data["objectives"])
        )
        attachment = None
        if attachment_form.has_attachment:
            attachment = services.NewAttachment(
                title=attachment_form.cleaned_data["title"], file=attachment_form.cleaned_data["file"]
            )
        try:
            case_study = services.save_case_study(
                case_study=form.instance, links=links, by=request.user, access=access, attachment=attachment
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Case study “{case_study.title}” saved")
            return redirect(case_study.get_workspace_url())
    context = {
        "region": region,
        "case_study": case_study,
        "form": form,
        "attachment_form": attachment_form,
        "attachments": case_study.attachments.all() if case_study.pk else [],
    }
    return render(request, "case_studies/form.html", context)


@require_GET
def case_study_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    case_study = _get_case_study(region, pk)
    context = {
        "region": region,
        "case_study": case_study,
        "topics": case_study.topics.order_by("name"),
        "councils": case_study.councils.order_by("name"),
        "objectives": case_study.objectives.select_related("plan").order_by("plan__start_date", "number"),
        "attachments": case_study.attachments.all(),
        "can_edit": services.can_edit(user=request.user, access=access, case_study=case_study),
        "can_coordinate": access.can_coordinate,
        "can_read_attachments": services.can_read_attachments(access, case_study),
    }
    return render(request, "case_studies/detail.html", context)


@require_http_methods(["GET", "POST"])
def case_study_publish(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Publishing makes the case study public: GET says so, POST does it."""
    region, access = get_region_for_user(request, slug, need="coordinate")
    case_study = _get_case_study(region, pk)
    if not case_study.can_publish():
        messages.error(request, "This case study is already published")
        return redirect(case_study.get_workspace_url())
    if request.method == "GET":
        return render(request, "case_studies/publish.html", {"region": region, "case_study": case_study})
    try:
        services.publish_case_study(case_study=case_study, by=request.user, access=access)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Case study published: anyone can read it, and it is in the feeds")
    return redirect(case_study.get_workspace_url())


@require_http_methods(["GET", "POST"])
def case_study_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    region, access = get_region_for_user(request, slug, need="coordinate")
    case_study = _get_case_study(region, pk)
    if not case_study.can_withdraw():
        messages.error(request, "Only a published case study can be withdrawn")
        return redirect(case_study.get_workspace_url())
    if request.method == "GET":
        return render(request, "case_studies/withdraw.html", {"region": region, "case_study": case_study})
    try:
        services.withdraw_case_study(case_study=case_study, by=request.user, access=access)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Case study withdrawn: it is no longer public")
    return redirect(case_study.get_workspace_url())


@require_POST
def case_study_attachment_delete(request: HttpRequest, slug: str, pk: int, attachment_pk: int) -> HttpResponse:
    region, access, case_study = _get_for_editor(request, slug, pk)
    attachment = get_object_or_404(CaseStudyAttachment, pk=attachment_pk, case_study=case_study)
    services.delete_attachment(attachment=attachment, by=request.user, access=access)
    messages.success(request, f"Attachment “{attachment.title}” removed")
    return redirect("case_study_edit", region.slug, case_study.pk)


# --- Public pages ------------------------------------------------------------------------------


@require_GET
def case_study_list(request: HttpRequest) -> HttpResponse:
    form = CaseStudyFilterForm(
        request.GET or None,
        regions=Region.objects.order_by("name"),
        councils=LocalAuthority.objects.filter(case_studies__state=CaseStudy.State.PUBLISHED)
        .distinct()
        .order_by("name"),
    )
    chosen = {}
    if form.is_bound:
        form.is_valid()
        # A filter that is not valid is reported and left out; the valid ones still apply.
        chosen = {name: value for name, value in form.cleaned_data.items() if value is not None}
    page = Paginator(selectors.filter_published(**chosen), PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": _query_without_page(request), "filtered": bool(chosen)}
    return render(request, "case_studies/list.html", context)


@require_GET
def case_study_page(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """The public page: only a published case study exists for the public."""
    case_study = get_object_or_404(CaseStudy.objects.published().select_related("region", "project"), pk=pk)
    if slug != case_study.slug:
        return redirect(case_study, permanent=True)
    context = {
        "case_study": case_study,
        "region": case_study.region,
        "topics": case_study.topics.order_by("name"),
        "councils": case_study.councils.order_by("name"),
        # A public page shows only what the network signed off.
        "objectives": case_study.objectives.signed_off().select_related("plan").order_by("plan__start_date", "number"),
        "attachments": case_study.attachments.all(),
    }
    return render(request, "case_studies/page.html", context)


@require_GET
def case_study_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """Anyone downloads the attachments of a published case study; those of a draft or a
    withdrawn one only the region's members (like evidence: never the national board)."""
    attachment = get_object_or_404(
        CaseStudyAttachment.objects.select_related("case_study", "case_study__region"), pk=attachment_pk, case_study=pk
    )
    case_study = attachment.case_study
    if not case_study.is_published:
        check_access(request, region_access(request.user, case_study.region), "read_evidence")
    name = attachment.original_name or os.path.basename(attachment.file.name)
    response = stored_file_response(
        attachment.file, what="This attachment", filename=name, content_type=content_type(attachment.file.name)
    )
    # The browser must download, never render, what a user uploaded.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
def case_study_search(request: HttpRequest) -> HttpResponse:
    """Every region's published case studies, for the signed-in users of any region."""
    if not request.user.is_authenticated:
        raise SignInRequired
    form = SearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        results = list(selectors.search_published(form.cleaned_data["q"]))
    return render(request, "case_studies/search.html", {"form": form, "results": results})
