"""Programme pages: the region's public page and plan, the dashboard, action plans, events.

Every view checks the user's access to the URL's region first (programmes.access), then looks
its object up inside that region, so another region's ids are 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sli_portal.core.forms import add_service_errors
from sli_portal.core.http import attachment

from . import services
from .access import get_region_for_user
from .dashboard import region_dashboard
from .filters import EventFilter, PlanFilter
from .forms import EventForm, PlanForm, PlanStatusForm
from .models import ActionPlan, Event, Region
from .selectors import public_plan as public_plan_of
from .selectors import region_events, region_plans, region_public_summary

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def _get_plan(request: HttpRequest, slug: str, plan_id: int, *, need: str = "read"):
    region, access = get_region_for_user(request, slug, need=need)
    plan = get_object_or_404(ActionPlan.objects.select_related("region", "builds_on"), pk=plan_id, region=region)
    return region, access, plan


def _get_event(request: HttpRequest, slug: str, event_id: int, *, need: str = "coordinate"):
    region, access = get_region_for_user(request, slug, need=need)
    return region, get_object_or_404(Event, pk=event_id, region=region)


# --- Public pages ----------------------------------------------------------------------------


@require_GET
def region_home(request: HttpRequest, slug: str) -> HttpResponse:
    region = get_object_or_404(Region, slug=slug)
    return render(request, "programmes/region_home.html", {"summary": region_public_summary(region)})


@require_GET
def public_plan(request: HttpRequest, slug: str) -> HttpResponse:
    region = get_object_or_404(Region, slug=slug)
    page = public_plan_of(region)
    if page is None:
        raise Http404("No plan has been published for this region")
    return render(request, "programmes/public_plan.html", {"page": page})


# --- Dashboard -------------------------------------------------------------------------------


@require_GET
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    return render(request, "programmes/dashboard.html", {"dashboard": region_dashboard(region), "access": access})


# --- Action plans ----------------------------------------------------------------------------


@require_GET
def plan_list(request: HttpRequest, slug: str) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    plans = PlanFilter(request.GET, queryset=region_plans(region))
    return render(request, "programmes/plan_list.html", {"region": region, "access": access, "filter": plans})


@GET_POST
def plan_create(request: HttpRequest, slug: str) -> HttpResponse:
    region, access = get_region_for_user(request, slug, need="coordinate")
    form = PlanForm(request.POST or None, region=region)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(region=region, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Draft plan “{plan.title}” created")
            return redirect("plan_detail", region.slug, plan.pk)
    return render(request, "programmes/plan_form.html", {"region": region, "form": form, "plan": None})


@GET_POST
def plan_edit(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    region, access, plan = _get_plan(request, slug, plan_id, need="coordinate")
    if plan.status == ActionPlan.Status.CLOSED:
        messages.error(request, "A closed plan cannot be changed")
        return redirect("plan_detail", region.slug, plan.pk)
    form = PlanForm(request.POST or None, region=region, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan(plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Plan saved")
            return redirect("plan_detail", region.slug, plan.pk)
    return render(request, "programmes/plan_form.html", {"region": region, "form": form, "plan": plan})


@require_POST
def plan_status(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    region, access, plan = _get_plan(request, slug, plan_id, need="coordinate")
    form = PlanStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Select a status for the plan")
        return redirect("plan_detail", region.slug, plan.pk)
    try:
        services.change_plan_status(plan=plan, to=form.cleaned_data["to"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{plan.title}” is now {plan.get_status_display().lower()}")
    return redirect("plan_detail", region.slug, plan.pk)


# --- Events ----------------------------------------------------------------------------------


@require_GET
def event_list(request: HttpRequest, slug: str) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    events = EventFilter(request.GET, queryset=region_events(region))
    return render(request, "programmes/event_list.html", {"region": region, "access": access, "filter": events})


@GET_POST
def event_create(request: HttpRequest, slug: str) -> HttpResponse:
    region, access = get_region_for_user(request, slug, need="coordinate")
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(region=region, **form.event_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Event “{event.title}” added")
            return redirect("event_list", region.slug)
    return render(request, "programmes/event_form.html", {"region": region, "form": form, "event": None})


@GET_POST
def event_edit(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    region, event = _get_event(request, slug, event_id)
    form = EventForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_event(event=event, **form.event_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Event “{event.title}” saved")
            return redirect("event_list", region.slug)
    return render(request, "programmes/event_form.html", {"region": region, "form": form, "event": event})


@GET_POST
def event_delete(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    region, event = _get_event(request, slug, event_id)
    if request.method == "POST":
        services.delete_event(event=event)
        messages.success(request, f"Event “{event.title}” deleted")
        return redirect("event_list", region.slug)
    return render(request, "programmes/event_delete.html", {"region": region, "event": event})


# --- National roll-up ------------------------------------------------------------------------


def _require_national(request: HttpRequest) -> None:
    """The national board's pages: national board viewers and administrators only."""
    from .access import SignInRequired
    from .models import Membership

    if not request.user.is_authenticated:
        raise SignInRequired
    if not (
        request.user.is_superuser
        or Membership.objects.filter(user=request.user, role=Membership.Role.NATIONAL).exists()
    ):
        raise PermissionDenied


@require_GET
def national_view(request: HttpRequest) -> HttpResponse:
    from .national import default_report_year, national_overview

    _require_national(request)
    overview = national_overview()
    year = default_report_year(overview.today)
    context = {"overview": overview, "report_year": year, "report_label": f"{year}/{(year + 1) % 100:02d}"}
    return render(request, "programmes/national.html", context)


def _annual_report(request: HttpRequest, slug: str, year: int):
    from .national import annual_report

    region, access = get_region_for_user(request, slug)
    if not 2000 <= year <= 2100:
        raise Http404("No report for that year")
    return annual_report(region, year)


@require_GET
def national_report_csv(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    from .national import annual_report_csv

    report = _annual_report(request, slug, year)
    return attachment(annual_report_csv(report), "text/csv; charset=utf-8", f"{report.filename_stem}.csv")


@require_GET
def national_report_pdf(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    from .national import annual_report_pdf

    report = _annual_report(request, slug, year)
    return attachment(annual_report_pdf(report), "application/pdf", f"{report.filename_stem}.pdf")


@require_GET
def national_public_summary(request: HttpRequest) -> HttpResponse:
    from .national import public_summary

    return render(request, "programmes/national_public.html", {"regions": public_summary()})
