"""What an annual SLI report says, compiled from live data into plain values (JSON), so a
submitted report can be frozen as it was sent.

The year's headline quarters come from the one reporting calendar (`priorities.reporting`): a
quarter whose updates are not yet due is shown as such, never counted.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.db.models import Prefetch, Q
from django.utils import timezone

from case_studies.selectors import published_between
from indicators.selectors import PlanIndicators, plan_indicators
from peer_challenges.models import PeerChallenge, RecommendationTheme
from priorities.exports import RAG_ORDER
from priorities.models import KeyObjective, PriorityArea, QuarterlyUpdate
from priorities.reporting import last_due_quarter, update_due_date
from priorities.selectors import rag_matrix
from programmes.models import ActionPlan, Region
from sli_portal.core.quarters import Quarter
from snapshots.models import Snapshot

# Raised when the report's layout changes, so old frozen reports can still be read.
CONTENT_SCHEMA = 1


def year_quarters(year: int) -> list[Quarter]:
    return [Quarter(year, number) for number in (1, 2, 3, 4)]


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    quarters = year_quarters(year)
    return quarters[0].start_date, quarters[-1].end_date


def report_plan(region: Region, year: int) -> ActionPlan | None:
    """The plan the year is reported against: the approved plan covering most of it, the
    active one first."""
    start, end = year_bounds(year)
    plans = ActionPlan.objects.public().filter(region=region, start_date__lte=end, end_date__gte=start)
    return plans.filter(status=ActionPlan.Status.ACTIVE).first() or plans.order_by("-start_date").first()


def _rag_counts(counter: Counter) -> list[dict]:
    labels = dict(QuarterlyUpdate.Rag.choices)
    return [{"rag": rag, "label": labels[rag], "count": counter[rag]} for rag in RAG_ORDER if counter[rag]]


def _rag_in(quarter: Quarter, by_quarter: dict, due: list[Quarter], done_in: Quarter | None) -> str | None:
    """What the report says of one objective in one quarter: its submitted RAG; "Complete" after
    it was completed (it owes no more updates, and stays complete as in every headline); ""
    when no update came; None when the quarter is not yet due."""
    if quarter not in due:
        return None
    if quarter in by_quarter:
        return by_quarter[quarter].get_rag_status_display()
    if done_in is not None and done_in < quarter:
        return QuarterlyUpdate.Rag.COMPLETE.label
    return ""


def _priorities(
    plan: ActionPlan,
    quarters: list[Quarter],
    due: list[Quarter],
    achievements: dict[int, str],
    indicators: PlanIndicators,
):
    """Priority areas with their signed-off objectives' RAG per due quarter; four queries. Each
    priority carries its outcome indicators (its own, then its objectives', as plain values:
    `IndicatorPanel.as_dict`), so a submitted report keeps the values it was sent with."""
    submitted = QuarterlyUpdate.objects.submitted().filter(quarter__in=[q.code for q in due]).order_by("quarter")
    areas = (
        PriorityArea.objects.filter(plan=plan)
        .select_related("lead", "deputy_lead")
        .prefetch_related(
            Prefetch(
                "key_objectives",
                # The report leaves the region: what the network signed off, as every public output.
                queryset=KeyObjective.objects.signed_off()
                .order_by("number")
                .prefetch_related(Prefetch("updates", queryset=submitted, to_attr="year_updates")),
            )
        )
        .order_by("number")
    )
    priorities, completed = [], []
    for area in areas:
        objectives = []
        panels = list(indicators.for_priority_area(area.pk))
        for objective in area.key_objectives.all():
            panels.extend(indicators.for_objective(objective.pk))
            by_quarter = {update.quarter: update for update in objective.year_updates}
            latest = objective.year_updates[-1] if objective.year_updates else None
            done_in = next((u.quarter for u in objective.year_updates if u.rag_status == "complete"), None)
            objectives.append(
                {
                    "number": objective.number,
                    "title": objective.public_title,
                    "rags": [_rag_in(q, by_quarter, due, done_in) for q in quarters],
                    "latest_quarter": latest.quarter.label if latest else "",
                    "latest_progress": latest.progress if latest else "",
                }
            )
            if done_in is not None:
                completed.append(
                    {
                        "number": objective.number,
                        "title": objective.public_title,
                        "priority": area.number,
                        "quarter": done_in.label,
                    }
                )
        priorities.append(
            {
                "id": area.pk,
                "number": area.number,
                "title": area.title,
                "lead": area.lead_label,
                "deputy": area.deputy_label,
                "achievements": achievements.get(area.pk, ""),
                "objectives": objectives,
                "indicators": [panel.as_dict() for panel in panels],
            }
        )
    return priorities, completed


def _projects(region: Region, end: datetime.date, start: datetime.date) -> list[dict]:
    """SLI-badged QI work by the year's end; three queries."""
    projects = (
        region.projects.filter(badged_on__lte=end)
        .prefetch_related("councils", Prefetch("key_objectives", queryset=KeyObjective.objects.signed_off()))
        .order_by("-badged_on", "title")
    )
    return [
        {
            "title": project.title,
            "status": project.get_status_display(),
            "badged_on": project.badged_on.isoformat(),
            "badged_in_year": start <= project.badged_on <= end,
            "councils": sorted(council.name for council in project.councils.all()),
            "objectives": sorted(objective.number for objective in project.key_objectives.all()),
        }
        for project in projects
    ]


def _peer_challenges(region: Region, start: datetime.date, end: datetime.date) -> tuple[list[dict], list[dict]]:
    """Peer challenges on site or reported in the year, and what their recommendations were
    about (the region's learning); three queries."""
    in_year = Q(onsite_start__range=(start, end)) | Q(report_published_on__range=(start, end))
    challenges = (
        PeerChallenge.objects.filter(in_year, local_authority__region=region)
        .exclude(stage__in=[PeerChallenge.Stage.CANCELLED, PeerChallenge.Stage.POSTPONED])
        .select_related("local_authority")
        .prefetch_related("recommendations", "focus_areas")
        .order_by("onsite_start", "local_authority__name")
    )
    labels = dict(RecommendationTheme.choices)
    themes: Counter = Counter()
    rows = []
    for challenge in challenges:
        recommendations = list(challenge.recommendations.all())
        for recommendation in recommendations:
            themes.update(theme for theme in recommendation.themes if theme in labels)
        rows.append(
            {
                "council": challenge.local_authority.name,
                "kind": challenge.get_kind_display(),
                "stage": challenge.get_stage_display(),
                "onsite_start": challenge.onsite_start.isoformat() if challenge.onsite_start else "",
                "report_published_on": (
                    challenge.report_published_on.isoformat() if challenge.report_published_on else ""
                ),
                "focus_areas": [focus.text for focus in challenge.focus_areas.all()],
                "recommendations": len(recommendations),
                "recommendations_done": sum(1 for r in recommendations if r.status == "done"),
            }
        )
    learning = [{"label": labels[theme], "count": count} for theme, count in themes.most_common()]
    return rows, learning


def _case_studies(region: Region, start: datetime.date, end: datetime.date) -> list[dict]:
    """Good practice the region published in the year; three queries."""
    return [
        {
            "title": study.title,
            "summary": study.summary,
            "url": study.get_absolute_url(),
            "published_on": timezone.localdate(study.published_at).isoformat(),
            "councils": sorted(council.name for council in study.councils.all()),
        }
        for study in published_between(region, start, end)
    ]


def report_content(
    region: Region,
    year: int,
    *,
    today: datetime.date,
    summary: str = "",
    risks: str = "",
    asks_of_board: str = "",
    achievements: dict[int, str] | None = None,
) -> dict:
    """The whole report as plain values: what the page, the PDF and the CSV show, and what
    submission freezes. A fixed number of queries whatever the size of the plan."""

    quarters = year_quarters(year)
    start, end = year_bounds(year)
    headline = last_due_quarter(region, today)
    due = [q for q in quarters if q <= headline]
    plan = report_plan(region, year)
    priorities, completed, totals = [], [], []
    if plan is not None:
        # The report leaves the region: the indicators of what the network signed off.
        indicators = plan_indicators(plan, region, public=True)
        priorities, completed = _priorities(plan, quarters, due, achievements or {}, indicators)
        by_quarter: dict[Quarter, Counter] = {q: Counter() for q in due}
        # The same counts as every headline: an objective completed earlier still counts.
        for area_counts in rag_matrix(plan, due).values():
            for quarter, counter in area_counts.items():
                by_quarter[quarter] += counter
        totals = [
            {"quarter": q.label, "counts": _rag_counts(by_quarter[q]), "total": sum(by_quarter[q].values())}
            for q in due
        ]
    challenges, learning = _peer_challenges(region, start, end)
    return {
        "schema": CONTENT_SCHEMA,
        "region": {"name": region.name, "network_name": region.network_name, "slug": region.slug},
        "year": year,
        "financial_year": quarters[0].financial_year,
        "generated_on": today.isoformat(),
        "plan": (
            {
                "title": plan.title,
                "start_date": plan.start_date.isoformat(),
                "end_date": plan.end_date.isoformat(),
                "status": plan.get_status_display(),
            }
            if plan
            else None
        ),
        "quarters": [
            {"label": q.label, "due": q in due, "due_on": update_due_date(region, q).isoformat()} for q in quarters
        ],
        "reporting_quarter": due[-1].label if due else "",
        "rag_totals": totals,
        "priorities": priorities,
        "completed_objectives": completed,
        "projects": _projects(region, end, start),
        "peer_challenges": challenges,
        "learning_themes": learning,
        "case_studies": _case_studies(region, start, end),
        "snapshots_published": Snapshot.objects.published().filter(region=region, month__range=(start, end)).count(),
        "summary": summary,
        "risks": risks,
        "asks_of_board": asks_of_board,
    }
