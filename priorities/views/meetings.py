"""Quarterly meetings: schedule, record notes, decisions and actions, tick actions off, .ics."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from programmes.access import get_region_for_user
from programmes.models import ActionPlan
from sli_portal.core.forms import add_service_errors
from sli_portal.core.http import attachment
from sli_portal.core.pdf import render_pdf

from .. import selectors, services
from ..calendar import meeting_calendar
from ..forms import MeetingActionForm, QuarterlyMeetingForm
from ..models import MeetingAction, PriorityArea, QuarterlyMeeting
from .lookups import get_action, get_meeting


@require_http_methods(["GET"])
def meeting_list(request: HttpRequest, slug: str) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    now = timezone.now()
    meetings = selectors.region_meetings(region).annotate(
        open_actions=Count("actions", filter=Q(actions__done_at__isnull=True))
    )
    upcoming = list(meetings.filter(starts_at__gte=now).order_by("starts_at"))
    past = list(meetings.filter(starts_at__lt=now))
    return render(
        request,
        "priorities/meeting_list.html",
        {"region": region, "upcoming": upcoming, "past": past, "can_coordinate": access.can_coordinate},
    )


def _schedulable(region, meeting: QuarterlyMeeting):
    """Priority areas of the region's open plans, and the quarters those plans cover."""
    areas = PriorityArea.objects.filter(plan__region=region).exclude(plan__status=ActionPlan.Status.CLOSED)
    if meeting.priority_area_id:
        areas = areas | PriorityArea.objects.filter(pk=meeting.priority_area_id)
    areas = areas.select_related("plan").order_by("plan__start_date", "number")
    plans = ActionPlan.objects.filter(region=region).exclude(status=ActionPlan.Status.CLOSED)
    quarters = {quarter for plan in plans for quarter in plan.quarters}
    if meeting.quarter:
        quarters.add(meeting.quarter)
    return areas, sorted(quarters)


@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, slug: str) -> HttpResponse:
    region, _access = get_region_for_user(request, slug, need="coordinate")
    areas, _quarters = _schedulable(region, QuarterlyMeeting())
    requested = request.GET.get("priority_area", "")
    # isascii: "²".isdigit() is True, but int("²") raises.
    chosen = requested.isascii() and requested.isdigit() and areas.filter(pk=int(requested)).first()
    area = chosen or areas.first()
    initial = {}
    if area is not None:
        # The meeting reviews the last due quarter: offer the first from there without a meeting,
        # with the people who hold the SLI meeting (SLI lead, coordinator, the DPH lead and deputy).
        initial["priority_area"] = area.pk
        initial["quarter"] = services.next_meeting_quarter(area, today=timezone.localdate()).code
        initial["attendees"] = [person.pk for person in services.default_meeting_attendees(area)]
    return _meeting_form(request, region, QuarterlyMeeting(), initial)


@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    region, _access = get_region_for_user(request, slug, need="coordinate")
    return _meeting_form(request, region, get_meeting(region, pk), None)


def _meeting_form(request, region, meeting: QuarterlyMeeting, initial) -> HttpResponse:
    areas, quarters = _schedulable(region, meeting)
    form = QuarterlyMeetingForm(
        request.POST or None,
        instance=meeting,
        priority_areas=areas,
        members=services.region_members(region),
        quarters=quarters,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.save_meeting(meeting=form.save(commit=False), attendees=form.cleaned_data["attendees"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Meeting for Priority {meeting.priority_area.number}, {meeting.quarter}, saved")
            return redirect("meeting_detail", region.slug, meeting.pk)
    return render(request, "priorities/meeting_form.html", {"region": region, "form": form, "meeting": meeting})


def _meeting_page(request, region, access, meeting, action_form=None) -> HttpResponse:
    actions = list(meeting.actions.select_related("owner").order_by("due_date", "pk"))
    today = timezone.localdate()
    if action_form is None and access.can_coordinate:
        action_form = MeetingActionForm(members=services.region_members(region), prefix="action")
    return render(
        request,
        "priorities/meeting_detail.html",
        {
            "region": region,
            "meeting": meeting,
            "attendees": meeting.attendees.order_by("first_name", "last_name"),
            "actions": [
                (
                    action,
                    action.is_overdue(today),
                    services.can_tick_action(user=request.user, access=access, action=action),
                )
                for action in actions
            ],
            "pack": selectors.meeting_pack(meeting),
            "today": today,
            "action_form": action_form,
            "can_coordinate": access.can_coordinate,
            "can_read_evidence": access.can_read_evidence,
        },
    )


@require_http_methods(["GET"])
def meeting_pack_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The meeting pack as a tagged PDF, from the same partial as the meeting's page."""
    region, access = get_region_for_user(request, slug)
    meeting = get_meeting(region, pk)
    html = render_to_string(
        "priorities/meeting_pack_pdf.html",
        {
            "region": region,
            "pack": selectors.meeting_pack(meeting),
            "today": timezone.localdate(),
            "can_read_evidence": access.can_read_evidence,
        },
    )
    filename = f"{region.slug}-priority-{meeting.priority_area.number}-{meeting.quarter.code}-meeting-pack.pdf"
    return attachment(render_pdf(html), "application/pdf", filename)


@require_http_methods(["GET"])
def meeting_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    return _meeting_page(request, region, access, get_meeting(region, pk))


@require_http_methods(["GET"])
def meeting_ics(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    region, _access = get_region_for_user(request, slug)
    meeting = get_meeting(region, pk)
    url = request.build_absolute_uri(request.path.removesuffix("meeting.ics"))
    response = HttpResponse(meeting_calendar(meeting, url=url, now=timezone.now()), content_type="text/calendar")
    filename = f"sli-priority-{meeting.priority_area.number}-{meeting.quarter.code}.ics"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
def meeting_action_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    region, access = get_region_for_user(request, slug, need="coordinate")
    meeting = get_meeting(region, pk)
    form = MeetingActionForm(
        request.POST, instance=MeetingAction(meeting=meeting), members=services.region_members(region), prefix="action"
    )
    if form.is_valid():
        try:
            services.add_meeting_action(action=form.save(commit=False))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Action added")
            return redirect("meeting_detail", region.slug, meeting.pk)
    return _meeting_page(request, region, access, meeting, action_form=form)


@require_POST
def meeting_action_toggle(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    action = get_action(region, pk)
    try:
        services.toggle_action(action=action, by=request.user, access=access)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Action marked as done" if action.is_done else "Action reopened")
    return redirect("meeting_detail", region.slug, action.meeting_id)
