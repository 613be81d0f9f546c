"""E-mails about quarterly updates: reminders to DPH leads and the coordinators' weekly digest.

Every message goes through `send_once` with a key naming what it is about and for whom, so a
job that runs twice (or a beat that fires again after a restart) never sends a message twice.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.urls import reverse

from programmes.models import ActionPlan, Membership, Region
from programmes.selectors import reply_to_addresses
from sli_portal.core.notifications import portal_url, send_once
from sli_portal.core.quarters import Quarter

from . import selectors
from .leadership import holders_on
from .models import QuarterlyUpdate
from .reporting import last_due_quarter, missing_updates, update_due_date

# A lead hears about a quarter's updates this many days before they are due, once overdue, and
# once more when they are still missing this many days after the due date.
DAYS_BEFORE_DUE = 7
DAYS_TO_NUDGE_AGAIN = 7


def absolute_url(view_name: str, *args) -> str:
    return portal_url(reverse(view_name, args=args))


def _day_month_year(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _reminder_kind(region: Region, quarter: Quarter, today: datetime.date) -> str | None:
    due = update_due_date(region, quarter)
    if today >= due + datetime.timedelta(days=DAYS_TO_NUDGE_AGAIN):
        return "still-overdue"
    if today > due:
        return "overdue"
    if today >= due - datetime.timedelta(days=DAYS_BEFORE_DUE):
        return "due"
    return None


def _with_update_links(region: Region, quarter: Quarter, objectives) -> list[tuple]:
    return [(o, absolute_url("update_edit", region.slug, o.pk, quarter.code)) for o in objectives]


def _active_plans():
    return ActionPlan.objects.filter(status=ActionPlan.Status.ACTIVE).select_related("region")


def send_update_reminders(*, today: datetime.date) -> int:
    """E-mail each lead and deputy whose objectives owe an update they have not submitted: for
    the quarter being collected, once when its due date is DAYS_BEFORE_DUE days away or nearer;
    for the last due quarter, once overdue (priorities.reporting). Returns how many were sent."""
    sent = 0
    for plan in _active_plans():
        region = plan.region
        reply_to = reply_to_addresses(region)
        last_due = last_due_quarter(region, today)
        for quarter in (last_due, last_due.next()):
            kind = _reminder_kind(region, quarter, today)
            if kind is None or quarter not in plan.quarters:
                continue
            due = update_due_date(region, quarter)
            # Each person's objectives, as lead or as deputy: both are asked, each told of the other.
            by_person = defaultdict(lambda: {"lead": [], "deputy": []})
            # The holders on the due date owe the updates: a handover moves the reminders too.
            missing = missing_updates(plan, quarter).prefetch_related(
                "priority_area__handovers__from_user", "priority_area__handovers__to_user"
            )
            for objective in missing:
                lead, deputy = holders_on(objective.priority_area, due)
                for person, role in ((lead, "lead"), (deputy, "deputy")):
                    if person is not None and person.is_active and person.email:
                        by_person[person][role].append(objective)
            for person, roles in by_person.items():
                body = render_to_string(
                    "priorities/emails/update_reminder.txt",
                    {
                        "person": person,
                        "region": region,
                        "quarter": quarter,
                        "due": due,
                        "overdue": kind in ("overdue", "still-overdue"),
                        "leads": _with_update_links(region, quarter, roles["lead"]),
                        "deputises": _with_update_links(region, quarter, roles["deputy"]),
                        "my_priorities_url": absolute_url("my_priorities", region.slug),
                    },
                )
                subject = {
                    "due": f"{quarter} SLI updates are due by {_day_month_year(due)}",
                    "overdue": f"Overdue: {quarter} SLI updates were due on {_day_month_year(due)}",
                    "still-overdue": f"Still missing: {quarter} SLI updates were due on {_day_month_year(due)}",
                }[kind]
                key = f"update-{kind}:{region.slug}:{quarter.code}:user-{person.pk}"
                sent += send_once(key=key, to=person.email, subject=subject, body=body, reply_to=reply_to)
    return sent


@dataclass
class Digest:
    region: Region
    plan: ActionPlan | None
    quarter: Quarter
    due: datetime.date
    overdue: bool
    missing: list
    submitted: list
    late_actions: list
    meetings: list
    awaiting_sign_off: list
    # Owed updates of earlier quarters still not submitted: (quarter, objectives), oldest first.
    earlier_missing: list = None

    @property
    def missing_count(self) -> int:
        return len(self.missing) + sum(len(objectives) for _, objectives in self.earlier_missing or [])


def coordinator_digest(region: Region, today: datetime.date) -> Digest:
    """What a coordinator needs on Monday: updates overdue for the last due quarter (or, before
    any is due, those of the quarter being collected), submitted this week, late actions."""
    plan = selectors.active_plan(region)
    quarter = last_due_quarter(region, today)
    if plan and quarter not in plan.quarters and quarter.next() in plan.quarters:
        quarter = quarter.next()
    due = update_due_date(region, quarter)
    missing, submitted, awaiting, earlier_missing = [], [], [], []
    if plan:
        awaiting = list(selectors.awaiting_sign_off(plan))
        missing = list(missing_updates(plan, quarter))
        # A gap does not vanish when the next quarter comes due: listed until it is filled.
        earlier = [(q, list(missing_updates(plan, q))) for q in plan.quarters if q < quarter]
        earlier_missing = [(q, objectives) for q, objectives in earlier if objectives]
        week_ago = datetime.datetime.combine(today - datetime.timedelta(days=7), datetime.time.min, tzinfo=datetime.UTC)
        submitted = list(
            QuarterlyUpdate.objects.filter(key_objective__plan=plan, submitted_at__gte=week_ago)
            .select_related("key_objective", "author")
            .order_by("key_objective__number", "quarter")
        )
    return Digest(
        region=region,
        plan=plan,
        quarter=quarter,
        due=due,
        overdue=today > due,
        missing=missing,
        submitted=submitted,
        late_actions=list(selectors.overdue_meeting_actions(region, today)),
        meetings=list(selectors.upcoming_meetings(region, today, limit=5)),
        awaiting_sign_off=awaiting,
        earlier_missing=earlier_missing,
    )


def _digest_subject(digest: Digest, week_of: datetime.date) -> str:
    """What needs doing first: how many updates are missing and by when."""
    name = f"{digest.region.short_name} weekly SLI digest"
    count = digest.missing_count
    if digest.plan is None or count == 0:
        return f"All owed updates are in – {name}, week of {_day_month_year(week_of)}"
    state = "overdue since" if digest.overdue else "due"
    return f"{count} update{'s' if count != 1 else ''} missing, {state} {digest.due:%a %-d %b} – {name}"


def send_coordinator_digests(*, today: datetime.date) -> int:
    """One digest a week to each coordinator with an e-mail address; returns how many were sent."""
    sent = 0
    year, week, _ = today.isocalendar()
    week_of = today - datetime.timedelta(days=today.weekday())
    coordinators = (
        Membership.objects.filter(role=Membership.Role.COORDINATOR, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "region")
        .order_by("region__name")
    )
    digests: dict[int, tuple[Digest, list[str]]] = {}
    for membership in coordinators:
        region = membership.region
        if region.pk not in digests:
            digests[region.pk] = (coordinator_digest(region, today), reply_to_addresses(region))
        digest, reply_to = digests[region.pk]
        body = render_to_string(
            "priorities/emails/coordinator_digest.txt",
            {
                "person": membership.user,
                "digest": digest,
                "week_of": week_of,
                "missing": [(o, absolute_url("objective_detail", region.slug, o.pk)) for o in digest.missing],
                "submitted": [
                    (u, absolute_url("objective_detail", region.slug, u.key_objective_id)) for u in digest.submitted
                ],
                "late_actions": [
                    (a, absolute_url("meeting_detail", region.slug, a.meeting_id)) for a in digest.late_actions
                ],
                "meetings": [(m, absolute_url("meeting_detail", region.slug, m.pk)) for m in digest.meetings],
                "awaiting_sign_off": [
                    (o, absolute_url("objective_sign_off", region.slug, o.pk)) for o in digest.awaiting_sign_off
                ],
                "earlier_missing": [
                    (q, [(o, absolute_url("objective_detail", region.slug, o.pk)) for o in objectives])
                    for q, objectives in digest.earlier_missing
                ],
                "my_priorities_url": absolute_url("my_priorities", region.slug),
            },
        )
        key = f"coordinator-digest:{region.slug}:{year}-W{week:02d}:user-{membership.user_id}"
        subject = _digest_subject(digest, week_of)
        sent += send_once(key=key, to=membership.user.email, subject=subject, body=body, reply_to=reply_to)
    return sent
