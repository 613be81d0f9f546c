"""Who leads a priority area, and when: handovers of the DPH lead and deputy roles.

`PriorityArea.lead` and `deputy_lead` name today's holders, which every page shows. A handover
records who passes the role to whom from which day (as interim or not); one from today or
earlier is applied at once, a later one by `apply_due_handovers` (daily) on its day. From the
handovers, `holders_on` says who held each role on a given day: the holder on a quarter's due
date owes its update and gets its reminders, and the previous holder may still write the
updates of the quarter being collected when they handed over.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from programmes.models import ActionPlan, Membership

from .models import Handover, PriorityArea
from .reporting import last_due_quarter, update_due_date

Role = Handover.Role
_FIELDS = {Role.LEAD: ("lead", "lead_interim"), Role.DEPUTY: ("deputy_lead", "deputy_interim")}


def holder(area: PriorityArea, role: str):
    return getattr(area, _FIELDS[role][0])


def hand_over(
    *,
    priority_area: PriorityArea,
    role: str,
    to_user,
    starts_on: datetime.date,
    interim: bool = False,
    handed_over_by=None,
    today: datetime.date | None = None,
) -> Handover:
    """Pass the lead or deputy role of `priority_area` to `to_user` from `starts_on`.

    A handover of the same role that has not started yet is replaced. A deputy who takes the
    lead leaves the deputy role empty.
    """
    today = today or timezone.localdate()
    plan = priority_area.plan
    region = plan.region
    if plan.status == ActionPlan.Status.CLOSED:
        raise ValidationError("This plan is closed: its priority areas are not handed over any more")
    if not plan.start_date <= starts_on <= plan.end_date:
        raise ValidationError(
            {
                "starts_on": f"The handover must start within the plan, between "
                f"{plan.start_date:%-d %B %Y} and {plan.end_date:%-d %B %Y}"
            }
        )
    if not to_user.is_active or not Membership.objects.filter(user=to_user, region=region).exists():
        raise ValidationError({"to_user": "Select someone with a role in the region"})
    with transaction.atomic():
        area = PriorityArea.objects.select_for_update().select_related("plan__region").get(pk=priority_area.pk)
        Handover.objects.filter(priority_area=area, role=role, applied_at__isnull=True).delete()
        current = holder(area, role)
        if current == to_user and starts_on <= today:
            raise ValidationError({"to_user": f"{_name(to_user)} already holds this role"})
        if role == Role.DEPUTY and area.lead_id == to_user.pk:
            raise ValidationError({"to_user": f"{_name(to_user)} is the DPH lead: choose someone else as deputy"})
        handover = Handover.objects.create(
            priority_area=area,
            role=role,
            from_user=current,
            to_user=to_user,
            starts_on=starts_on,
            interim=interim,
            previous_writes_until=update_due_date(region, last_due_quarter(region, starts_on).next()),
            handed_over_by=handed_over_by,
        )
        if starts_on <= today:
            _apply(handover, area)
    return handover


def apply_due_handovers(*, today: datetime.date) -> int:
    """Apply the handovers whose day has come; the daily job. Returns how many."""
    applied = 0
    due = Handover.objects.filter(applied_at__isnull=True, starts_on__lte=today).order_by("starts_on", "created_at")
    for handover in due.select_related("to_user"):
        with transaction.atomic():
            area = PriorityArea.objects.select_for_update().get(pk=handover.priority_area_id)
            _apply(handover, area)
            applied += 1
    return applied


def _apply(handover: Handover, area: PriorityArea) -> None:
    field, interim_field = _FIELDS[handover.role]
    setattr(area, field, handover.to_user)
    setattr(area, interim_field, handover.interim)
    now = timezone.now()
    if handover.role == Role.LEAD and area.deputy_lead_id == handover.to_user_id:
        # The deputy steps up: their deputy role ends the same day, and the record says so.
        Handover.objects.create(
            priority_area=area,
            role=Role.DEPUTY,
            from_user=handover.to_user,
            to_user=None,
            starts_on=handover.starts_on,
            applied_at=now,
            handed_over_by=handover.handed_over_by,
        )
        area.deputy_lead, area.deputy_interim = None, False
    area.save()
    handover.applied_at = now
    handover.save(update_fields=["applied_at"])


def holders_on(area: PriorityArea, day: datetime.date) -> tuple:
    """(DPH lead, deputy lead) of `area` on `day`, from its handovers (prefetch
    `handovers__from_user` and `handovers__to_user` to ask about many areas without queries)."""
    handovers = sorted(area.handovers.all(), key=lambda h: (h.starts_on, h.created_at))
    result = []
    for role in (Role.LEAD, Role.DEPUTY):
        of_role = [h for h in handovers if h.role == role]
        started = [h for h in of_role if h.starts_on <= day]
        if started:
            result.append(started[-1].to_user)
        elif of_role:
            result.append(of_role[0].from_user)
        else:
            result.append(holder(area, role))
    lead, deputy = result
    # A deputy who took the lead does not deputise as well.
    return lead, (None if deputy is not None and deputy == lead else deputy)


def areas_still_written_by(user, today: datetime.date) -> Q:
    """Priority areas `user` handed over and may still write the updates of (a filter)."""
    return Q(handovers__from_user=user, handovers__previous_writes_until__gte=today)


def may_still_write(area: PriorityArea, user, today: datetime.date) -> bool:
    return (
        user.is_authenticated
        and Handover.objects.filter(priority_area=area, from_user=user, previous_writes_until__gte=today).exists()
    )


def handovers_of(areas: Iterable[PriorityArea]):
    return Handover.objects.filter(priority_area__in=list(areas)).select_related("from_user", "to_user")


def _name(user) -> str:
    return user.get_full_name() or user.get_username()
