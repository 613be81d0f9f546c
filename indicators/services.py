"""Rules across records for indicators: linking them to a region's priority areas and key
objectives, with a target, in an order.

Only the region's SLI coordinator links, changes and unlinks (the services ask themselves, whatever
page or job calls them), and a closed plan changes no more (`ActionPlan.check_editable`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from priorities.models import KeyObjective, PriorityArea
from programmes.access import region_access
from programmes.models import ActionPlan

from .models import Indicator, IndicatorLink


def _linked_to(link: IndicatorLink) -> KeyObjective | PriorityArea:
    return link.key_objective if link.key_objective_id else link.priority_area


def _label(target: KeyObjective | PriorityArea) -> str:
    if isinstance(target, KeyObjective):
        return f"Key Objective {target.number}"
    return f"Priority {target.number}"


def _check_may_change(*, by, plan: ActionPlan) -> None:
    """The region's coordinator, on a plan that is not closed."""
    if not region_access(by, plan.region).can_coordinate:
        raise PermissionDenied
    plan.check_editable()


def _siblings(link: IndicatorLink):
    if link.key_objective_id:
        return IndicatorLink.objects.filter(key_objective_id=link.key_objective_id)
    return IndicatorLink.objects.filter(priority_area_id=link.priority_area_id)


def link_indicator(
    *,
    indicator: Indicator,
    by,
    key_objective: KeyObjective | None = None,
    priority_area: PriorityArea | None = None,
    target: str = "",
) -> IndicatorLink:
    """Link `indicator` to one key objective or one priority area, last in its list."""
    if (key_objective is None) == (priority_area is None):
        raise ValueError("Link an indicator to exactly one key objective or priority area")
    linked_to = key_objective or priority_area
    plan = linked_to.plan
    _check_may_change(by=by, plan=plan)
    duplicate = ValidationError(
        {"indicator": f"{indicator.name} is already linked to {_label(linked_to)}: select another indicator"}
    )
    link = IndicatorLink(
        indicator=indicator, key_objective=key_objective, priority_area=priority_area, target=target.strip()
    )
    siblings = _siblings(link)
    if siblings.filter(indicator=indicator).exists():
        raise duplicate
    link.position = (siblings.aggregate(top=Max("position"))["top"] or 0) + 1
    link.full_clean()
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError:
        # Linked by someone else at the same moment.
        raise duplicate from None
    return link


def change_target(*, link: IndicatorLink, target: str, by) -> IndicatorLink:
    _check_may_change(by=by, plan=_linked_to(link).plan)
    link.target = target.strip()
    link.full_clean()
    link.save(update_fields=["target"])
    return link


def unlink_indicator(*, link: IndicatorLink, by) -> None:
    """End the link (the indicator and its values stay: they are shared by every region)."""
    _check_may_change(by=by, plan=_linked_to(link).plan)
    link.delete()


def move_link(*, link: IndicatorLink, up: bool, by) -> None:
    """Swap the link with the one before (`up`) or after it in its list; the first cannot move
    up nor the last down (nothing happens)."""
    _check_may_change(by=by, plan=_linked_to(link).plan)
    with transaction.atomic():
        ordered = list(_siblings(link).select_for_update().order_by("position", "id"))
        index = next(i for i, sibling in enumerate(ordered) if sibling.pk == link.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(ordered):
            return
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, sibling in enumerate(ordered, start=1):
            if sibling.position != position:
                sibling.position = position
                sibling.save(update_fields=["position"])
