"""My priorities, priority areas and key objectives: numbering, proposals and network sign-off."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from programmes.access import get_region_for_user
from sli_portal.core.forms import add_service_errors

from .. import leadership, selectors, services
from ..forms import HandoverForm, KeyObjectiveForm, MoveObjectiveForm, PriorityAreaForm, SignOffForm
from ..models import KeyObjective, PriorityArea
from ..reporting import owed_quarters, reporting_calendar
from .lookups import get_objective, get_plan, get_priority_area

GET_POST = require_http_methods(["GET", "POST"])


@require_http_methods(["GET"])
def my_priorities(request: HttpRequest, slug: str) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    plan = selectors.active_plan(region)
    calendar = reporting_calendar(plan, today=timezone.localdate()) if plan else None
    collecting = calendar.collecting if calendar else None
    last_due = calendar.last_due if calendar else None
    groups, late = [], []
    if plan:
        areas = (
            selectors.plan_priority_areas(plan)
            if access.can_coordinate
            else selectors.priority_areas_led_by(request.user, plan)
        )
        groups = selectors.update_tasks(areas, collecting.quarter if collecting else None)
        if last_due and last_due.missing:
            late = selectors.overdue_tasks(last_due, [group.priority_area for group in groups])
    return render(
        request,
        "priorities/my_priorities.html",
        {
            "region": region,
            "plan": plan,
            "collecting": collecting,
            "last_due": last_due,
            "groups": groups,
            "late": late,
            "sees_all": access.can_coordinate,
        },
    )


@require_http_methods(["GET"])
def plan_priorities(request: HttpRequest, slug: str, plan_pk: int) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    plan = get_plan(region, plan_pk)
    latest = selectors.latest_submitted_updates(plan)
    areas = list(selectors.plan_priority_areas(plan))
    rows = [(area, [(o, latest.get(o.pk)) for o in area.key_objectives.all()]) for area in areas]
    return render(
        request,
        "priorities/plan_priorities.html",
        {"region": region, "plan": plan, "rows": rows, "can_coordinate": access.can_coordinate},
    )


@GET_POST
def priority_area_create(request: HttpRequest, slug: str, plan_pk: int) -> HttpResponse:
    region, _access = get_region_for_user(request, slug, need="coordinate")
    plan = get_plan(region, plan_pk)
    next_number = (plan.priority_areas.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    area = PriorityArea(plan=plan)
    return _priority_area_form(request, region, area, initial={"number": next_number})


@GET_POST
def priority_area_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    region, _access = get_region_for_user(request, slug, need="coordinate")
    return _priority_area_form(request, region, get_priority_area(region, pk))


def _priority_area_form(request, region, area: PriorityArea, initial=None) -> HttpResponse:
    members = services.region_members(region)
    form = PriorityAreaForm(request.POST or None, instance=area, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            area = services.save_priority_area(priority_area=form.save(commit=False))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Priority {area.number} saved")
            return redirect("priority_area_detail", region.slug, area.pk)
    return render(request, "priorities/priority_area_form.html", {"region": region, "form": form, "area": area})


@GET_POST
def priority_area_handover(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The coordinator hands the lead or deputy role over; a second step confirms it, since it
    ends someone's role."""
    region, _access = get_region_for_user(request, slug, need="coordinate")
    area = get_priority_area(region, pk)
    form = HandoverForm(
        request.POST or None,
        members=services.region_members(region),
        initial={"role": leadership.Role.LEAD, "starts_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("confirmed") == "yes":
            try:
                handover = leadership.hand_over(
                    priority_area=area,
                    handed_over_by=request.user,
                    **data,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                started = handover.applied_at is not None
                messages.success(
                    request,
                    f"{handover.get_role_display()} of Priority {area.number} "
                    f"{'handed' if started else 'will pass'} to {handover.to_user.get_full_name()} "
                    f"from {handover.starts_on:%-d %B %Y}",
                )
                return redirect("priority_area_detail", region.slug, area.pk)
        else:
            context = {
                "region": region,
                "area": area,
                "data": data,
                "current": leadership.holder(area, data["role"]),
                "role_label": "DPH lead" if data["role"] == leadership.Role.LEAD else "deputy lead",
                "fields": [(k, v) for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"],
            }
            return render(request, "priorities/handover_confirm.html", context)
    return render(request, "priorities/handover_form.html", {"region": region, "area": area, "form": form})


@require_http_methods(["GET"])
def priority_area_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    area = get_priority_area(region, pk)
    latest = selectors.latest_submitted_updates(area.plan)
    objectives = [(o, latest.get(o.pk)) for o in area.key_objectives.order_by("number")]
    return render(
        request,
        "priorities/priority_area_detail.html",
        {
            "region": region,
            "area": area,
            "objectives": objectives,
            "meetings": area.meetings.order_by("-starts_at"),
            "handovers": leadership.handovers_of([area]).order_by("-starts_on", "-created_at"),
            "can_coordinate": access.can_coordinate,
            "can_propose": services.can_propose_objective(user=request.user, access=access, priority_area=area),
        },
    )


@GET_POST
def objective_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The coordinator adds a key objective; a DPH lead proposes one in their own priority."""
    region, access = get_region_for_user(request, slug)
    area = get_priority_area(region, pk)
    if not services.can_propose_objective(user=request.user, access=access, priority_area=area):
        raise PermissionDenied
    objective = KeyObjective(priority_area=area)
    return _objective_form(request, region, access, objective)


@GET_POST
def objective_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    objective = get_objective(region, pk)
    if not services.can_edit_objective(user=request.user, access=access, objective=objective):
        raise PermissionDenied
    return _objective_form(request, region, access, objective)


def _objective_form(request, region, access, objective: KeyObjective) -> HttpResponse:
    plan = objective.priority_area.plan
    form = KeyObjectiveForm(
        request.POST or None,
        instance=objective,
        plan=plan,
        may_number=access.can_coordinate,
        initial={"priority_area": objective.priority_area_id},
    )
    if not access.can_coordinate:
        form.fields["priority_area"].queryset = selectors.priority_areas_led_by(request.user, plan)
    if request.method == "POST" and form.is_valid():
        if not access.can_coordinate and not objective.priority_area.is_led_by(request.user):
            # A lead may not move an objective into a priority area they do not lead.
            raise PermissionDenied
        creating = objective.pk is None
        try:
            objective = services.save_objective(objective=form.save(commit=False))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            verb = "proposed" if creating and not access.can_coordinate else "saved"
            messages.success(request, f"Key Objective {objective.number} {verb}")
            return redirect("objective_detail", region.slug, objective.pk)
    return render(
        request,
        "priorities/objective_form.html",
        {"region": region, "form": form, "objective": objective, "area": objective.priority_area},
    )


@require_http_methods(["GET"])
def objective_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    objective = get_objective(region, pk)
    can_write = services.can_write_updates(user=request.user, access=access, priority_area=objective.priority_area)
    updates = {u.quarter: u for u in selectors.objective_updates(objective)}
    today = timezone.localdate()
    begun = list(reversed(services.writable_quarters(objective.plan, today)))
    owed = owed_quarters(objective, begun)
    rows = []
    # A quarter the objective owes, or one with an update already: never a quarter before it existed.
    for quarter in [q for q in begun if q in owed or q in updates]:
        update = updates.get(quarter)
        visible = (
            update if update and services.can_read_update(user=request.user, access=access, update=update) else None
        )
        rows.append((quarter, update, visible, quarter in owed))
    return render(
        request,
        "priorities/objective_detail.html",
        {
            "region": region,
            "objective": objective,
            "rows": rows,
            "can_write": can_write,
            "can_edit": services.can_edit_objective(user=request.user, access=access, objective=objective),
            "can_sign_off": access.can_sign_off
            and (not objective.is_signed_off or objective.has_changes_awaiting_sign_off),
            "can_coordinate": access.can_coordinate,
            "can_read_evidence": access.can_read_evidence,
        },
    )


@GET_POST
def objective_sign_off(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    region, access = get_region_for_user(request, slug, need="sign_off")
    objective = get_objective(region, pk)
    form = SignOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_off_objective(objective=objective, by=request.user, access=access, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Network sign-off recorded for Key Objective {objective.number}")
            return redirect("objective_detail", region.slug, objective.pk)
    return render(
        request, "priorities/objective_sign_off.html", {"region": region, "objective": objective, "form": form}
    )


@GET_POST
def objective_renumber(request: HttpRequest, slug: str, plan_pk: int) -> HttpResponse:
    region, _access = get_region_for_user(request, slug, need="coordinate")
    plan = get_plan(region, plan_pk)
    form = MoveObjectiveForm(plan=plan)
    if request.method == "POST":
        if request.POST.get("action") == "priority_order":
            try:
                services.renumber_in_priority_order(plan=plan)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "Key objectives renumbered in priority order")
            return redirect("plan_priorities", region.slug, plan.pk)
        form = MoveObjectiveForm(request.POST, plan=plan)
        if form.is_valid():
            objective, number = form.cleaned_data["objective"], form.cleaned_data["number"]
            try:
                services.move_objective(objective=objective, number=number)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"{objective.title} is now Key Objective {number}")
                return redirect("plan_priorities", region.slug, plan.pk)
    objectives = KeyObjective.objects.filter(plan=plan).select_related("priority_area").order_by("number")
    return render(
        request,
        "priorities/objective_renumber.html",
        {
            "region": region,
            "plan": plan,
            "form": form,
            "objectives": objectives,
            "closed": not plan.is_editable(),
        },
    )
