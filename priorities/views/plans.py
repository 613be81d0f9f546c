"""An action plan's own page and what builds its priority areas and objectives: copying a plan
into the next period's draft, importing one from a spreadsheet, and exporting it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from programmes import services as programme_services
from programmes.access import get_plan_for_user, get_region_for_user
from programmes.forms import CopyPlanForm, PlanImportForm
from sli_portal.core.forms import add_service_errors
from sli_portal.core.http import attachment

from .. import exports, services
from ..selectors import plan_overview

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


@require_GET
def plan_detail(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    region, access, plan = get_plan_for_user(request, slug, plan_id)
    transitions = [
        (to, programme_services.transition_action(plan, to))
        for to in programme_services.allowed_transitions(plan)
        if programme_services.can_change_plan_status(access, to)
    ]
    context = {
        "region": region,
        "access": access,
        "plan": plan,
        "priority_areas": plan_overview(plan),
        "followed_by": list(plan.followed_by.order_by("start_date")),
        "transitions": transitions,
    }
    return render(request, "programmes/plan_detail.html", context)


@GET_POST
def plan_copy(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    region, access, plan = get_plan_for_user(request, slug, plan_id, need="coordinate")
    form = CopyPlanForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            new_plan = services.copy_plan(plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Draft plan “{new_plan.title}” created from “{plan.title}”")
            return redirect("plan_detail", region.slug, new_plan.pk)
    return render(request, "programmes/plan_copy.html", {"region": region, "form": form, "plan": plan})


@GET_POST
def plan_import(request: HttpRequest, slug: str) -> HttpResponse:
    region, access = get_region_for_user(request, slug, need="coordinate")
    form = PlanImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            priorities = exports.parse_plan_table(exports.read_table(data["file"]), region=region)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            try:
                plan = services.import_plan(
                    region=region,
                    title=data["title"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    priorities=priorities,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Draft plan “{plan.title}” imported")
                return redirect("plan_detail", region.slug, plan.pk)
    return render(request, "programmes/plan_import.html", {"region": region, "form": form, "columns": exports.COLUMNS})


@require_GET
def plan_export_csv(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    region, access, plan = get_plan_for_user(request, slug, plan_id)
    return attachment(exports.export_csv(plan), "text/csv; charset=utf-8", exports.export_filename(plan, "csv"))


@require_GET
def plan_export_xlsx(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    region, access, plan = get_plan_for_user(request, slug, plan_id)
    return attachment(
        exports.export_xlsx(plan),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        exports.export_filename(plan, "xlsx"),
    )


@require_GET
def plan_export_pdf(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    region, access, plan = get_plan_for_user(request, slug, plan_id)
    return attachment(exports.export_pdf(plan), "application/pdf", exports.export_filename(plan, "pdf"))
