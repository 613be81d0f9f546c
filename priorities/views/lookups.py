"""Objects looked up inside the URL's region, so another region's ids are 404; service errors
put back on their form."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from programmes.models import ActionPlan, Region

from ..models import Evidence, KeyObjective, MeetingAction, PriorityArea, Project, QuarterlyMeeting, QuarterlyUpdate


def get_plan(region: Region, pk: int) -> ActionPlan:
    return get_object_or_404(ActionPlan, pk=pk, region=region)


def get_priority_area(region: Region, pk: int) -> PriorityArea:
    return get_object_or_404(
        PriorityArea.objects.select_related("plan", "lead", "deputy_lead"), pk=pk, plan__region=region
    )


def get_objective(region: Region, pk: int) -> KeyObjective:
    return get_object_or_404(
        KeyObjective.objects.select_related(
            "plan", "priority_area", "priority_area__lead", "priority_area__deputy_lead", "signed_off_by"
        ),
        pk=pk,
        plan__region=region,
    )


def get_update(region: Region, pk: int) -> QuarterlyUpdate:
    return get_object_or_404(
        QuarterlyUpdate.objects.select_related(
            "key_objective", "key_objective__plan", "key_objective__priority_area", "author"
        ),
        pk=pk,
        key_objective__plan__region=region,
    )


def get_evidence(region: Region, pk: int) -> Evidence:
    return get_object_or_404(
        Evidence.objects.select_related("update", "update__key_objective", "update__key_objective__priority_area"),
        pk=pk,
        update__key_objective__plan__region=region,
    )


def get_meeting(region: Region, pk: int) -> QuarterlyMeeting:
    return get_object_or_404(
        QuarterlyMeeting.objects.select_related("priority_area", "priority_area__plan", "priority_area__lead"),
        pk=pk,
        priority_area__plan__region=region,
    )


def get_action(region: Region, pk: int) -> MeetingAction:
    return get_object_or_404(
        MeetingAction.objects.select_related("meeting", "meeting__priority_area"),
        pk=pk,
        meeting__priority_area__plan__region=region,
    )


def get_project(region: Region, pk: int) -> Project:
    return get_object_or_404(Project, pk=pk, region=region)
