"""Programme pages: action plans (their list, status and dates) and events.

Every view checks the user's access to the URL's region first (programmes.access), then looks
its object up inside that region, so another region's ids are 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sli_portal.core.forms import add_service_errors

from . import services
from .access import get_plan_for_user, get_region_for_user
from .filters import EventFilter, PlanFilter
from .forms import EventForm, PlanForm, PlanStatusForm, RegionSettingsForm
from .models import ActionPlan, Event
from .selectors import region_events, region_plans

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def _get_event(request: HttpRequest, slug: str, event_id: int, *, need: str = "coordinate"):
    region, access = get_region_for_user(request, slug, need=need)
    return region, get_object_or_404(Event, pk=event_id, region=region)


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
    region, access, plan = get_plan_for_user(request, slug, plan_id, need="coordinate")
    if not plan.is_editable():
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


@GET_POST
def plan_status(request: HttpRequest, slug: str, plan_id: int) -> HttpResponse:
    """Approve, activate, close or reopen a plan: GET says what will happen, POST does it."""
    region, access, plan = get_plan_for_user(request, slug, plan_id, need="approve_plans")
    form = PlanStatusForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        messages.error(request, "Select a status for the plan")
        return redirect("plan_detail", region.slug, plan.pk)
    to = form.cleaned_data["to"]
    if not services.can_change_plan_status(access, to):
        raise PermissionDenied
    if to not in services.allowed_transitions(plan):
        messages.error(request, f"A plan that is {plan.get_status_display().lower()} cannot make that move")
        return redirect("plan_detail", region.slug, plan.pk)
    if request.method == "POST":
        was = plan.status
        try:
            services.change_plan_status(plan=plan, to=to, access=access)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            done = "reopened" if was == ActionPlan.Status.CLOSED else plan.get_status_display().lower()
            messages.success(request, f"“{plan.title}” is now {done}")
        return redirect("plan_detail", region.slug, plan.pk)
    context = {
        "region": region,
        "plan": plan,
        "to": to,
        "action": services.transition_action(plan, to),
        "today": timezone.localdate(),
        "active_plan": region_plans(region).filter(status=ActionPlan.Status.ACTIVE).exclude(pk=plan.pk).first(),
    }
    return render(request, "programmes/plan_status_confirm.html", context)


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


@GET_POST
def region_settings(request: HttpRequest, slug: str) -> HttpResponse:
    region, _access = get_region_for_user(request, slug, need="coordinate")
    form = RegionSettingsForm(request.POST or None, request.FILES or None, instance=region)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Settings saved")
        return redirect("region_settings", region.slug)
    return render(request, "programmes/region_settings.html", {"region": region, "form": form})
