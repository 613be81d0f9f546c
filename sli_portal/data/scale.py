"""A national-scale data set for benchmarks: the other eight English regions, generated.

`generate_scale_data(scale=N)` adds regions after what `load_demo` loaded (the South West):
scale 1 is one region of about the demo's size, scale 10 all nine English regions (the demo's
and eight generated ones). Each generated region has 17 councils, 3 action plans over nine
years (two closed, one active) of 5 priority areas × 4 key objectives, their quarterly updates
(12 quarters for each closed plan, every closed quarter so far for the active one), a quarterly
meeting per priority area with its actions, upcoming events, about 75 peer challenges and 36
monthly snapshots (35 published, this month's a draft).

`history=N` (default 1, the above) gives each region N times that past, to measure how the pages
grow with it: each further unit adds, before the oldest, two closed plans with their priority
areas, objectives and updates, as many quarterly meetings as the active plan has (in the last
quarters of the later of the two, with their actions: most done, some left open and long past
due), 36 earlier months of published snapshots and 75 earlier peer challenges. The active plan,
its meetings and everything of the first unit are the same whatever N: the further units draw
from a generator of their own.

Deterministic: one seeded random generator drives every choice, and dates are relative to
`today`, so the same scale on the same day gives the same rows. Rows are written with
bulk_create, which skips model history (generated rows have none to keep) and takes seconds.

Published snapshots are rows only: no PDF or HTML file is rendered (the archive lists them;
their page and PDF links answer 404 until someone renders them).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from peer_challenges.models import CalendarToken, FocusArea, PeerChallenge, PeerTeamMember, Recommendation, add_months
from priorities.models import (
    Evidence,
    KeyObjective,
    MeetingAction,
    PriorityArea,
    Project,
    QuarterlyMeeting,
    QuarterlyUpdate,
)
from programmes.models import ActionPlan, Event, LocalAuthority, Membership, Region
from sli_portal.core.quarters import Quarter
from snapshots.models import Snapshot, Subscriber

User = get_user_model()
Rag = QuarterlyUpdate.Rag
Stage = PeerChallenge.Stage

SEED = 20240401
# (slug, name, ONS code, network name): the English regions other than the demo's South West.
REGIONS = (
    ("north-east", "North East", "E12000001", "NE ADPH"),
    ("north-west", "North West", "E12000002", "NW ADPH"),
    ("yorkshire-and-the-humber", "Yorkshire and The Humber", "E12000003", "Y&H ADPH"),
    ("east-midlands", "East Midlands", "E12000004", "EM ADPH"),
    ("west-midlands", "West Midlands", "E12000005", "WM ADPH"),
    ("east-of-england", "East of England", "E12000006", "EoE ADPH"),
    ("london", "London", "E12000007", "London ADPH"),
    ("south-east", "South East", "E12000008", "SE ADPH"),
)
COUNCILS_PER_REGION = 17
CHALLENGES_PER_REGION = 75
SNAPSHOT_MONTHS = 36
PRIORITIES_PER_PLAN = 5
OBJECTIVES_PER_PRIORITY = 4
PLAN_YEARS = 3
USERNAME_SUFFIX = "-scale"

THEMES = (
    "Health protection and resilience",
    "Health inequalities",
    "Healthy places and prevention",
    "Mental health and suicide prevention",
    "Tobacco, alcohol and drugs",
    "Best start in life",
    "Healthy ageing",
    "System leadership",
)
OBJECTIVE_WORDS = (
    "needs assessment",
    "shared framework",
    "regional audit",
    "workforce programme",
    "data dashboard",
    "peer review",
    "joint commissioning",
    "community engagement",
)
FIRST_NAMES = ("Alex", "Sam", "Jo", "Priya", "Tom", "Aisha", "Owen", "Grace", "Ravi", "Nia", "Ben", "Leah")
LAST_NAMES = ("Patel", "Jones", "Smith", "Khan", "Evans", "Murphy", "Ali", "Taylor", "Brown", "Wilson")
RAG_WEIGHTS = ((Rag.GREEN, 5), (Rag.AMBER, 3), (Rag.RED, 1), (Rag.COMPLETE, 1))


def regions_for_scale(scale: int) -> int:
    """How many regions to generate: 1 at scale 1, all eight at scale 10."""
    return max(1, min(len(REGIONS), round(scale * len(REGIONS) / 10)))


def generated_regions():
    return Region.objects.filter(slug__in=[slug for slug, *_ in REGIONS])


def already_generated() -> bool:
    return generated_regions().exists()


@dataclass
class _Context:
    rng: random.Random
    today: datetime.date
    now: datetime.datetime
    password: str


def _at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def generate_scale_data(
    *, scale: int, today: datetime.date | None = None, regions: int | None = None, history: int = 1
) -> dict:
    """Generate `regions_for_scale(scale)` regions (or `regions`) with `history` times the past,
    in one transaction; return the number of rows of each model created."""
    if history < 1:
        raise ValueError("history is at least 1")
    today = today or timezone.localdate()
    count = regions if regions is not None else regions_for_scale(scale)
    context = _Context(random.Random(SEED), today, _at(today), make_password(settings.DEMO_PASSWORD))
    created: dict[str, int] = {}
    with transaction.atomic():
        for index, seed in enumerate(REGIONS[:count]):
            for name, rows in _generate_region(context, index, *seed, history=history).items():
                created[name] = created.get(name, 0) + rows
    return created


def delete_scale_data() -> None:
    """Remove every generated region and all its rows, children first.

    Raw deletes: the collector would write a history row for each of the thousands of deleted
    rows (and PROTECT foreign keys need this order anyway). Nothing outside the generated regions
    and their users is touched.
    """
    regions = list(generated_regions())
    users = User.objects.filter(username__endswith=USERNAME_SUFFIX)

    challenges = PeerChallenge.objects.filter(local_authority__region__in=regions)
    plans = ActionPlan.objects.filter(region__in=regions)
    meetings = QuarterlyMeeting.objects.filter(priority_area__plan__in=plans)
    with transaction.atomic():
        for queryset in (
            Snapshot.objects.filter(region__in=regions),
            Subscriber.objects.filter(region__in=regions),
            CalendarToken.objects.filter(region__in=regions),
            PeerTeamMember.objects.filter(challenge__in=challenges),
            FocusArea.objects.filter(challenge__in=challenges),
            Recommendation.objects.filter(challenge__in=challenges),
            challenges,
            MeetingAction.objects.filter(meeting__in=meetings),
            QuarterlyMeeting.attendees.through.objects.filter(quarterlymeeting__in=meetings),
            meetings,
            Evidence.objects.filter(update__key_objective__plan__in=plans),
            QuarterlyUpdate.objects.filter(key_objective__plan__in=plans),
            Project.key_objectives.through.objects.filter(keyobjective__plan__in=plans),
            Project.councils.through.objects.filter(project__region__in=regions),
            Project.objects.filter(region__in=regions),
            KeyObjective.objects.filter(plan__in=plans),
            PriorityArea.objects.filter(plan__in=plans),
            plans,
            Event.objects.filter(region__in=regions),
            Membership.objects.filter(region__in=regions),
            Membership.objects.filter(user__in=users),
            LocalAuthority.objects.filter(region__in=regions),
            users,
            Region.objects.filter(pk__in=[r.pk for r in regions]),
        ):
            queryset._raw_delete(queryset.db)


def _generate_region(
    context: _Context, index: int, slug: str, name: str, gss_code: str, network: str, *, history: int = 1
) -> dict:
    region = Region.objects.create(
        slug=slug,
        name=name,
        gss_code=gss_code,
        network_name=network,
        coordinator_email=f"sli@{slug}.example.org",
        intro=f"{network} is the network of the Directors of Public Health of {name}. (Generated data.)",
    )
    councils = LocalAuthority.objects.bulk_create(
        LocalAuthority(
            name=f"{name} Council {number:02d}",
            gss_code=f"E06{900000 + index * 100 + number:06d}",
            region=region,
            kind=LocalAuthority.Kind.UNITARY,
        )
        for number in range(1, COUNCILS_PER_REGION + 1)
    )
    users = _users(context, region, slug, councils)
    plans = _plans(context, region, network)
    areas, objectives = _priorities(context, plans, users)
    updates = _updates(context, plans, objectives, users)
    active = plans[-1]
    current = Quarter.from_date(context.today)
    meeting_quarters = [quarter for quarter in active.quarters if quarter < current]
    meetings, actions = _meetings(context, active, areas, users, meeting_quarters)
    events = Event.objects.bulk_create(
        Event(
            region=region,
            title=f"{network} network meeting {number}",
            starts_at=_at(context.today + datetime.timedelta(days=14 * number), 10),
            location="Online",
        )
        for number in range(1, 5)
    )
    challenges = _peer_challenges(context, councils)
    snapshots = _snapshots(context, region)
    created = {
        "Region": 1,
        "LocalAuthority": len(councils),
        "User": len(users),
        "ActionPlan": len(plans),
        "PriorityArea": len(areas),
        "KeyObjective": len(objectives),
        "QuarterlyUpdate": updates,
        "QuarterlyMeeting": meetings,
        "MeetingAction": actions,
        "Event": len(events),
        "PeerChallenge": challenges,
        "Snapshot": snapshots,
    }
    if history > 1:
        # A generator of the region's own, so the first unit's rows (drawn above) and every
        # other region's are the same whatever the history.
        past = replace(context, rng=random.Random(f"{SEED}:{slug}:history"))
        rows = _history(
            past, region, network, plans[0], users, councils, units=history - 1, meetings=len(meeting_quarters)
        )
        for model, count in rows.items():
            created[model] += count
    return created


def _history(
    context: _Context, region: Region, network: str, oldest: ActionPlan, users, councils, *, units: int, meetings: int
) -> dict:
    """`units` more units of the past before `oldest` (see the module's docstring); `meetings`
    is the number of quarters each priority area met in under the active plan."""
    current = Quarter.from_date(context.today).year
    # Oldest first, so each plan builds on the one before; the first unit's oldest plan then
    # builds on the latest of them.
    first_years = sorted(current - 7 - 6 * unit + offset for unit in range(1, units + 1) for offset in (0, 3))
    plans = _plans(context, region, network, first_years=first_years, active=False)
    oldest.builds_on = plans[-1]
    oldest.save(update_fields=["builds_on"])
    areas, objectives = _priorities(context, plans, users)
    updates = _updates(context, plans, objectives, users)
    meeting_count = action_count = 0
    for later in plans[1::2]:  # the later plan of each unit
        quarters = later.quarters[-meetings:] if meetings else []
        made, actions = _meetings(context, later, areas, users, quarters)
        meeting_count += made
        action_count += actions
    challenges = snapshots = 0
    for unit in range(1, units + 1):
        # Six rounds of two years per unit: the unit's challenges start twelve years earlier.
        challenges += _peer_challenges(context, councils, first_round=6 * unit)
        snapshots += _snapshots(context, region, first_month_back=SNAPSHOT_MONTHS * unit)
    return {
        "ActionPlan": len(plans),
        "PriorityArea": len(areas),
        "KeyObjective": len(objectives),
        "QuarterlyUpdate": updates,
        "QuarterlyMeeting": meeting_count,
        "MeetingAction": action_count,
        "PeerChallenge": challenges,
        "Snapshot": snapshots,
    }


def _users(context: _Context, region: Region, slug: str, councils) -> dict[str, User]:
    """A coordinator, five DPH leads (one a priority area) and a member, with the demo password."""
    rng = context.rng
    roles = [("coordinator", Membership.Role.COORDINATOR)] + [(f"dph-{n}", Membership.Role.MEMBER) for n in range(1, 6)]
    roles.append(("member", Membership.Role.MEMBER))
    users = User.objects.bulk_create(
        User(
            username=f"{slug}-{key}{USERNAME_SUFFIX}",
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            email=f"{key}@{slug}.example.org",
            password=context.password,
        )
        for key, _ in roles
    )
    Membership.objects.bulk_create(
        Membership(
            user=user,
            region=region,
            role=role,
            local_authority=councils[number] if key.startswith("dph") else None,
            job_title="Director of Public Health" if key.startswith("dph") else "",
        )
        for number, (user, (key, role)) in enumerate(zip(users, roles, strict=True))
    )
    return {key: user for user, (key, _) in zip(users, roles, strict=True)}


def _plans(
    context: _Context, region: Region, network: str, *, first_years: list[int] | None = None, active: bool = True
) -> list[ActionPlan]:
    """Three-year plans starting in `first_years`, oldest first, each building on the one before:
    by default two closed ones and the active one, which started a year before this one; all
    closed when not `active`."""
    current = Quarter.from_date(context.today).year
    first_years = first_years or [current - 7, current - 4, current - 1]
    plans: list[ActionPlan] = []
    for number, first_year in enumerate(first_years):
        start = Quarter(first_year, 1).start_date
        end = Quarter(first_year + PLAN_YEARS - 1, 4).end_date
        is_active = active and number == len(first_years) - 1
        plan = ActionPlan.objects.create(
            region=region,
            title=f"{network} SLI Action Plan {start.year}-{end.year}",
            start_date=start,
            end_date=end,
            status=ActionPlan.Status.ACTIVE if is_active else ActionPlan.Status.CLOSED,
            approved_on=start - datetime.timedelta(days=45),
            builds_on=plans[-1] if plans else None,
            intro="Generated for the national-scale benchmark.",
        )
        plans.append(plan)
    return plans


def _priorities(context: _Context, plans, users) -> tuple[list, list]:
    rng = context.rng
    leads = [users[f"dph-{n}"] for n in range(1, 6)]
    all_areas, all_objectives = [], []
    for plan in plans:
        themes = rng.sample(THEMES, PRIORITIES_PER_PLAN)
        areas = PriorityArea.objects.bulk_create(
            PriorityArea(
                plan=plan,
                number=number,
                title=theme,
                lead=leads[number - 1],
                deputy_lead=leads[number % len(leads)],
            )
            for number, theme in enumerate(themes, start=1)
        )
        signed_off_at = _at(plan.approved_on, 15)
        objectives = []
        for area in areas:
            for offset in range(OBJECTIVES_PER_PRIORITY):
                number = (area.number - 1) * OBJECTIVES_PER_PRIORITY + offset + 1
                title = f"{area.title}: {rng.choice(OBJECTIVE_WORDS)} {number}"
                objectives.append(
                    KeyObjective(
                        priority_area=area,
                        plan=plan,
                        number=number,
                        title=title,
                        description="Generated key objective.",
                        target_date=plan.end_date,
                        sign_off_state=KeyObjective.SignOff.SIGNED_OFF,
                        signed_off_by=users["coordinator"],
                        signed_off_at=signed_off_at,
                        # bulk_create skips save(): the decision and agreed wording are set here.
                        decided_on=plan.approved_on,
                        decision_forum="Network meeting",
                        agreed_title=title,
                        agreed_description="Generated key objective.",
                        agreed_target_date=plan.end_date,
                    )
                )
        all_objectives += KeyObjective.objects.bulk_create(objectives)
        all_areas += areas
    return all_areas, all_objectives


def _updates(context: _Context, plans, objectives, users) -> int:
    """An update per objective and closed quarter; for the last closed quarter of the active
    plan one objective in ten has none and one in ten is still a draft."""
    rng = context.rng
    rags = [rag for rag, weight in RAG_WEIGHTS for _ in range(weight)]
    last_closed = Quarter.from_date(context.today).previous()
    by_plan = {plan.pk: plan for plan in plans}
    rows = []
    for objective in objectives:
        plan = by_plan[objective.plan_id]
        for quarter in plan.quarters:
            if quarter > last_closed:
                break
            draft = False
            if quarter == last_closed and plan.status == ActionPlan.Status.ACTIVE:
                roll = rng.random()
                if roll < 0.1:
                    continue
                draft = roll < 0.2
            rag = rng.choice(rags)
            submitted = min(quarter.end_date + datetime.timedelta(days=rng.randint(2, 20)), context.today)
            rows.append(
                QuarterlyUpdate(
                    key_objective=objective,
                    quarter=quarter,
                    rag_status=rag,
                    progress=f"{rag.label} in {quarter}: work on {objective.title.lower()} continues.",
                    achievements="A milestone was met this quarter." if rag != Rag.RED else "",
                    risks_and_issues="Capacity in councils." if rag in (Rag.RED, Rag.AMBER) else "",
                    next_steps="Report at the next network meeting.",
                    author=users["dph-1"],
                    submitted_at=None if draft else _at(submitted, 16),
                )
            )
    QuarterlyUpdate.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _meetings(context: _Context, plan: ActionPlan, areas, users, quarters: list[Quarter]) -> tuple[int, int]:
    """A meeting per priority area of `plan` and quarter of `quarters`, two actions each: most of
    those past due done, the others left open."""
    meetings = []
    for area in (a for a in areas if a.plan_id == plan.pk):
        for quarter in quarters:
            day = quarter.start_date + datetime.timedelta(days=40 + area.number)
            meetings.append(
                QuarterlyMeeting(
                    priority_area=area,
                    quarter=quarter,
                    starts_at=_at(day, 10),
                    ends_at=_at(day, 11),
                    location="Online",
                    notes=f"Reviewed the {quarter} updates.",
                )
            )
    meetings = QuarterlyMeeting.objects.bulk_create(meetings)
    actions = []
    for meeting in meetings:
        day = meeting.starts_at.date()
        for offset in (0, 1):
            due = day + datetime.timedelta(days=28 + 14 * offset)
            done = due < context.today and context.rng.random() < 0.85
            actions.append(
                MeetingAction(
                    meeting=meeting,
                    description=f"Action {offset + 1} from the {meeting.quarter} meeting",
                    owner=users["coordinator"],
                    due_date=due,
                    done_at=_at(due - datetime.timedelta(days=2)) if done else None,
                )
            )
    MeetingAction.objects.bulk_create(actions)
    return len(meetings), len(actions)


def _peer_challenges(context: _Context, councils, *, first_round: int = 0) -> int:
    """About four challenges a council over the last twelve years: the cycle's corporate and
    finance ones every four to six years (the latest possibly booked ahead), and others.
    `first_round` (of two years each) moves them further into the past."""
    rng = context.rng
    today = context.today
    rows = []
    kinds = (PeerChallenge.Kind.PUBLIC_HEALTH, PeerChallenge.Kind.ADULT_SOCIAL_CARE, PeerChallenge.Kind.OTHER)
    for position in range(CHALLENGES_PER_REGION):
        council = councils[position % len(councils)]
        round_ = first_round + position // len(councils)  # 0 most recent … 4 oldest
        kind = PeerChallenge.Kind.CORPORATE if round_ % 2 == 0 else rng.choice((PeerChallenge.Kind.FINANCE, *kinds))
        start = today - datetime.timedelta(days=rng.randint(365 * (2 * round_) + 30, 365 * (2 * round_ + 3)))
        if round_ == 0 and rng.random() < 0.15:
            start = today + datetime.timedelta(days=rng.randint(20, 300))  # booked
        end = start + datetime.timedelta(days=3)
        held = end < today
        feedback = end if held else None
        report = add_months(end, 2) if held and add_months(end, 2) < today else None
        review = add_months(end, 11) if held and add_months(end, 11) < today else None
        if not held:
            stage = Stage.SCOPING
        elif review:
            stage = Stage.CLOSED
        elif report:
            stage = Stage.REPORT_PUBLISHED
        else:
            stage = Stage.FEEDBACK
        rows.append(
            PeerChallenge(
                local_authority=council,
                kind=kind,
                stage=stage,
                onsite_start=start,
                onsite_end=end,
                feedback_date=feedback,
                report_published_on=report,
                progress_review_date=review,
            )
        )
    PeerChallenge.objects.bulk_create(rows)
    return len(rows)


def _snapshots(context: _Context, region: Region, *, first_month_back: int = 0) -> int:
    """36 monthly snapshots up to this month: the past ones published (without files), this one a
    draft; or the 36 months before `first_month_back` months ago, all published."""
    this_month = context.today.replace(day=1)
    rows = []
    for back in range(first_month_back + SNAPSHOT_MONTHS - 1, first_month_back - 1, -1):
        month = add_months(this_month, -back)
        published = back > 0
        rows.append(
            Snapshot(
                region=region,
                month=month,
                title=f"{region.short_name} SLI snapshot: {month:%B %Y}",
                state=Snapshot.State.PUBLISHED if published else Snapshot.State.DRAFT,
                introduction="Generated snapshot.",
                page_count=8 if published else None,
                published_at=_at(month + datetime.timedelta(days=9), 9) if published else None,
            )
        )
    Snapshot.objects.bulk_create(rows)
    return len(rows)
