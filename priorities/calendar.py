"""A quarterly meeting as an iCalendar event, for people to add to their own calendars."""

from __future__ import annotations

import datetime

from icalendar import Calendar, Event

from .models import QuarterlyMeeting

DEFAULT_LENGTH = datetime.timedelta(hours=1)


def meeting_uid(meeting: QuarterlyMeeting) -> str:
    # Stable across downloads and edits, so a calendar updates the event instead of adding one.
    return f"quarterly-meeting-{meeting.pk}@sli-portal"


def meeting_calendar(meeting: QuarterlyMeeting, *, url: str, now: datetime.datetime) -> bytes:
    area = meeting.priority_area
    starts = meeting.starts_at.astimezone(datetime.UTC)
    ends = (meeting.ends_at or meeting.starts_at + DEFAULT_LENGTH).astimezone(datetime.UTC)
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", now.astimezone(datetime.UTC))
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("summary", f"SLI quarterly meeting: Priority {area.number}, {area.title} ({meeting.quarter})")
    if meeting.location:
        event.add("location", meeting.location)
    event.add(
        "description", f"Quarterly SLI meeting for Priority {area.number}: {area.title}, {meeting.quarter}.\n{url}"
    )
    event.add("url", url)
    calendar = Calendar()
    calendar.add("prodid", "-//SLI Portal//Quarterly meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    return calendar.to_ical()
