"""Rules across records of the programme: action plans through their life, events, plan import.

Each function takes keyword-only arguments, validates with `full_clean()` and raises
`ValidationError` with a message the user can act on. Writes that touch several rows run in
one transaction, so a refusal half-way leaves nothing behind.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .access import RegionAccess
from .models import ActionPlan, Event, Region

Status = ActionPlan.Status

# The only moves a plan makes; anything else is refused. A closed plan may be reopened during
# its period (closed by mistake); after its end it is the record of what happened.
PLAN_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (Status.APPROVED,),
    Status.APPROVED: (Status.ACTIVE,),
    Status.ACTIVE: (Status.CLOSED,),
    Status.CLOSED: (Status.ACTIVE,),
}

# What the button that makes each move says.
TRANSITION_ACTIONS = {
    Status.APPROVED: "Record approval",
    Status.ACTIVE: "Make active",
    Status.CLOSED: "Close plan",
}

PLAN_FIELDS = ("title", "start_date", "end_date", "intro", "builds_on")


def allowed_transitions(plan: ActionPlan, today: datetime.date | None = None) -> tuple[str, ...]:
    if plan.status == Status.CLOSED and (today or timezone.localdate()) > plan.end_date:
        return ()
    return PLAN_TRANSITIONS[plan.status]


def transition_action(plan: ActionPlan, to: str) -> str:
    """What the button that moves `plan` to `to` says."""
    if plan.status == Status.CLOSED and to == Status.ACTIVE:
        return "Reopen plan"
    return TRANSITION_ACTIONS[to]


def can_change_plan_status(access: RegionAccess, to: str) -> bool:
    """Recording approval is the SLI lead's or the coordinator's; the other moves the coordinator's."""
    return access.can_approve_plans if to == Status.APPROVED else access.can_coordinate


def _check_builds_on(region: Region, builds_on: ActionPlan | None) -> None:
    if builds_on is not None and builds_on.region_id != region.pk:
        raise ValidationError({"builds_on": "Select a plan of the same region"})


def _check_title_free(region: Region, title: str, plan: ActionPlan | None = None) -> None:
    clash = ActionPlan.objects.filter(region=region, title__iexact=title.strip())
    if plan is not None:
        clash = clash.exclude(pk=plan.pk)
    if title and clash.exists():
        raise ValidationError({"title": f"A plan called “{title}” already exists in this region: enter another title"})


def create_plan(
    *,
    region: Region,
    title: str,
    start_date: datetime.date,
    end_date: datetime.date,
    intro: str = "",
    builds_on: ActionPlan | None = None,
) -> ActionPlan:
    """A new draft plan of `region`."""
    _check_builds_on(region, builds_on)
    _check_title_free(region, title)
    plan = ActionPlan(
        region=region,
        title=title,
        start_date=start_date,
        end_date=end_date,
        intro=intro,
        builds_on=builds_on,
        status=Status.DRAFT,
    )
    plan.full_clean()
    plan.save()
    return plan


def update_plan(*, plan: ActionPlan, **changes) -> ActionPlan:
    """Change the plan's title, dates, introduction or the plan it builds on."""
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"update_plan() cannot change {', '.join(sorted(unknown))}")
    plan.check_editable()
    if "builds_on" in changes:
        _check_builds_on(plan.region, changes["builds_on"])
        if changes["builds_on"] is not None and changes["builds_on"].pk == plan.pk:
            raise ValidationError({"builds_on": "A plan cannot build on itself"})
    if "title" in changes:
        _check_title_free(plan.region, changes["title"], plan)
    for name, value in changes.items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.save(update_fields=list(changes))
    return plan


def change_plan_status(
    *, plan: ActionPlan, to: str, access: RegionAccess | None = None, today: datetime.date | None = None
) -> ActionPlan:
    """Move the plan one step: draft → approved → active → closed, or reopen a closed plan
    during its period (the history records both moves).

    Approving records the day of approval; the SLI lead may approve as the coordinator can, the
    other steps are the coordinator's (`access` is the person's; None for the demo and commands).
    A region has one active plan at a time: activating or reopening a second is refused (close
    the first one), which the database enforces too.
    """
    if to not in PLAN_TRANSITIONS:
        raise ValidationError("Select a status for the plan")
    if access is not None and not can_change_plan_status(access, to):
        raise PermissionDenied
    today = today or timezone.localdate()
    if plan.status == Status.CLOSED and to == Status.ACTIVE and today > plan.end_date:
        raise ValidationError(
            f"“{plan.title}” ended on {plan.end_date:%-d %B %Y}: only a plan still within its period can be reopened"
        )
    if to not in allowed_transitions(plan, today):
        raise ValidationError(
            f"A plan that is {plan.get_status_display().lower()} cannot become {Status(to).label.lower()}"
        )
    fields = ["status"]
    with transaction.atomic():
        if to == Status.ACTIVE:
            # Lock the region's plans so two coordinators activating at once cannot both pass.
            others = ActionPlan.objects.select_for_update().filter(region_id=plan.region_id, status=Status.ACTIVE)
            current = next((other for other in others if other.pk != plan.pk), None)
            if current is not None:
                raise ValidationError(
                    f"“{current.title}” is already the region’s active plan: close it before making this one active"
                )
        if to == Status.APPROVED:
            plan.approved_on = today
            fields.append("approved_on")
        plan.status = to
        plan.full_clean()
        try:
            with transaction.atomic():
                plan.save(update_fields=fields)
        except IntegrityError:
            raise ValidationError("Another plan became active at the same time: reload the page") from None
    return plan


# --- Events --------------------------------------------------------------------------------

EVENT_FIELDS = ("title", "starts_at", "ends_at", "location", "link", "description")


def create_event(
    *,
    region: Region,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime | None = None,
    location: str = "",
    link: str = "",
    description: str = "",
) -> Event:
    event = Event(
        region=region,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        link=link,
        description=description,
    )
    event.full_clean()
    event.save()
    return event


def update_event(*, event: Event, **changes) -> Event:
    unknown = set(changes) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"update_event() cannot change {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(event, name, value)
    event.full_clean()
    event.save(update_fields=list(changes))
    return event


def delete_event(*, event: Event) -> None:
    event.delete()
