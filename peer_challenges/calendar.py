"""iCalendar files of the region's peer-challenge dates: a subscribable feed and one visit's file."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import icalendar
from django.utils import timezone

from programmes.models import Region

from .models import PeerChallenge

ONE_DAY = datetime.timedelta(days=1)


def _event(uid: str, summary: str, start: datetime.date, end: datetime.date, challenge: PeerChallenge, url: str):
    event = icalendar.Event()
    event.add("uid", f"{uid}@sli-portal")
    event.add("dtstamp", timezone.now())
    event.add("summary", summary)
    # All-day events: DTEND is the day after the last day.
    event.add("dtstart", start)
    event.add("dtend", end + ONE_DAY)
    event.add(
        "description",
        f"{challenge.get_kind_display()}, {challenge.local_authority.name}. Stage: {challenge.get_stage_display()}.",
    )
    if url:
        event.add("url", url)
    return event


def challenge_events(challenge: PeerChallenge, *, url: str = "") -> list[icalendar.Event]:
    """The on-site visit, the feedback presentation and the progress review of a challenge."""
    if challenge.stage == PeerChallenge.Stage.CANCELLED:
        return []
    council, kind = challenge.local_authority.name, challenge.get_kind_display()
    events = []
    if challenge.onsite_start:
        events.append(
            _event(
                f"peer-challenge-{challenge.pk}-onsite",
                f"{kind}: on-site visit, {council}",
                challenge.onsite_start,
                challenge.onsite_end or challenge.onsite_start,
                challenge,
                url,
            )
        )
    if challenge.feedback_date:
        events.append(
            _event(
                f"peer-challenge-{challenge.pk}-feedback",
                f"{kind}: feedback presentation, {council}",
                challenge.feedback_date,
                challenge.feedback_date,
                challenge,
                url,
            )
        )
    if challenge.progress_review_date:
        events.append(
            _event(
                f"peer-challenge-{challenge.pk}-progress-review",
                f"{kind}: progress review, {council}",
                challenge.progress_review_date,
                challenge.progress_review_date,
                challenge,
                url,
            )
        )
    return events


def _calendar(name: str, challenges: Iterable[PeerChallenge], url_for) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//SLI Portal//Peer challenges//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for challenge in challenges:
        for event in challenge_events(challenge, url=url_for(challenge)):
            calendar.add_component(event)
    return calendar.to_ical()


def region_calendar(region: Region, *, url_for=lambda challenge: "") -> bytes:
    """The region's feed (one query)."""
    challenges = (
        PeerChallenge.objects.filter(local_authority__region=region)
        .exclude(stage=PeerChallenge.Stage.CANCELLED)
        .select_related("local_authority")
        .order_by("onsite_start", "pk")
    )
    return _calendar(f"Peer challenges, {region.short_name}", challenges, url_for)


def challenge_calendar(challenge: PeerChallenge, *, url: str = "") -> bytes:
    return _calendar(str(challenge), [challenge], lambda _: url)
