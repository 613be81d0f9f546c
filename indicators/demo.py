"""The demo's outcome indicators: four real PHOF indicators (their real Fingertips ids and names)
with ILLUSTRATIVE values, linked to the demo plan's priority areas and key objectives.

The values are made up, deterministically: each area's series comes from a random generator
seeded with the indicator, the area's ONS code and the sex, around an England series close to
the published one. Confidence intervals follow from each area's (made-up) population, counts and
denominators are consistent with the value, and the comparison with England is worked out from
the interval as Fingertips does (`selectors.compare_with_england`). Every indicator is marked
`illustrative`, so every page and PDF labels its values "Illustrative values, not real data".

Loading is idempotent: the same rows give the same values, and only what differs is written.
An indicator already in the portal with real data (not illustrative) keeps its values: the demo
then only links it.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from priorities.models import KeyObjective, PriorityArea
from programmes.models import ActionPlan, LocalAuthority, Region

from .importer import VALUE_FIELDS
from .models import ENGLAND_CODE, Indicator, IndicatorLink, IndicatorValue
from .selectors import AreaValue, compare_with_england

PHOF = "Public Health Outcomes Framework"
Polarity = Indicator.Polarity


@dataclass(frozen=True)
class DemoIndicator:
    fingertips_id: int
    name: str
    unit: str
    polarity: str
    age: str
    sexes: tuple[str, ...]
    # (period, Fingertips' "Time period Sortable")
    periods: tuple[tuple[str, int], ...]
    # England's value in each period, by sex (close to the published series, rounded).
    england: dict[str, tuple[float, ...]]
    kind: str  # "survey" (a % from a sample), "rate" (per 100,000 over 3 years) or "years"
    region_offset: float
    spread: float  # how far councils sit from the region


def _years(first: int, count: int) -> tuple[tuple[str, int], ...]:
    return tuple((str(year), year * 10000) for year in range(first, first + count))


def _financial_years(first: int, count: int) -> tuple[tuple[str, int], ...]:
    return tuple((f"{year}/{(year + 1) % 100:02d}", year * 10000) for year in range(first, first + count))


def _three_years(first: int, count: int) -> tuple[tuple[str, int], ...]:
    return tuple((f"{year} - {(year + 2) % 100:02d}", year * 10000) for year in range(first, first + count))


INDICATORS = (
    DemoIndicator(
        92443, "Smoking Prevalence in adults (18+) - current smokers (APS)", "%", Polarity.LOWER_IS_BETTER,
        "18+ yrs", ("Persons",), _years(2018, 6),
        {"Persons": (14.4, 13.9, 12.1, 13.3, 12.7, 11.9)}, "survey", -0.6, 4.0,
    ),
    DemoIndicator(
        93088, "Percentage of adults (aged 18 plus) classified as overweight or obese", "%", Polarity.LOWER_IS_BETTER,
        "18+ yrs", ("Persons",), _financial_years(2017, 6),
        {"Persons": (62.0, 62.3, 62.8, 63.5, 63.8, 64.0)}, "survey", 0.6, 4.0,
    ),
    DemoIndicator(
        41001, "Suicide rate", "per 100,000", Polarity.LOWER_IS_BETTER,
        "10+ yrs", ("Persons",), _three_years(2015, 6),
        {"Persons": (9.6, 9.6, 10.1, 10.4, 10.4, 10.3)}, "rate", 1.4, 2.5,
    ),
    DemoIndicator(
        90366, "Life expectancy at birth", "years", Polarity.HIGHER_IS_BETTER,
        "All ages", ("Female", "Male"), _three_years(2015, 6),
        {"Male": (79.6, 79.6, 79.8, 79.4, 79.3, 78.9), "Female": (83.1, 83.2, 83.4, 83.1, 83.0, 82.8)},
        "years", 1.0, 1.4,
    ),
)  # fmt: skip

# (Fingertips id, what it is linked to, its number, target). Key Objective 16 is the plan's
# "shared regional dashboard of the PHOF indicators": it tracks all four.
LINKS = (
    (90366, "priority", 2, "Above England in every council by 2027"),
    (93088, "objective", 7, "Below England by 2027"),
    (92443, "objective", 8, "5% or less by 2030 (Smokefree 2030)"),
    (41001, "objective", 10, "Below England by 2027"),
    (92443, "objective", 16, ""),
    (93088, "objective", 16, ""),
    (41001, "objective", 16, ""),
    (90366, "objective", 16, ""),
)

ENGLAND_POPULATION = 57_100_000


def _population(code: str) -> int:
    """A council's made-up population; the Isles of Scilly keep their real size (about 2,000),
    so their values show what small numbers do: wide intervals, suppressed rates."""
    if code == "E06000053":
        return 2_100
    return random.Random(f"population:{code}").randrange(120_000, 1_000_000, 1_000)


def _round(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(value, places)


def _interval(demo: DemoIndicator, value: float, population: int) -> tuple[dict, str]:
    """The 95% CI, count and denominator of one value, and a note when it is suppressed."""
    if demo.kind == "survey":
        sample = max(30, min(2_000, population // 300))
        share = value / 100
        half = 196 * math.sqrt(share * (1 - share) / sample)
        return {
            "lower_ci": value - half,
            "upper_ci": value + half,
            "count": float(round(share * sample)),
            "denominator": float(sample),
        }, ""
    if demo.kind == "rate":
        denominator = population * 3 * 0.88  # people aged 10 and over, three years
        count = round(value * denominator / 100_000)
        if count < 3:
            return {"value": None, "count": None, "denominator": float(round(denominator))}, (
                "Value suppressed: fewer than 3 deaths"
            )
        half = 1.96 * value / math.sqrt(count)
        return {
            "lower_ci": value - half,
            "upper_ci": value + half,
            "count": float(count),
            "denominator": float(round(denominator)),
        }, ""
    half = 1.96 * 0.12 * math.sqrt(1_000_000 / population)
    return {"lower_ci": value - half, "upper_ci": value + half}, ""


def _trend_words(values: list[float | None], polarity: str) -> str:
    """Fingertips' recent trend in its words, from the last five values."""
    recent = [v for v in values[-5:] if v is not None]
    if len(recent) < 5:
        return "Cannot be calculated"
    slope = (recent[-1] - recent[0]) / 4
    if abs(slope) < 0.02 * abs(sum(recent) / len(recent)) / 4 + 0.05:
        return "No significant change"
    rising = slope > 0
    if polarity == Polarity.NEITHER:
        return "Increasing" if rising else "Decreasing"
    better = rising == (polarity == Polarity.HIGHER_IS_BETTER)
    return f"{'Increasing' if rising else 'Decreasing'} and getting {'better' if better else 'worse'}"


def demo_values(demo: DemoIndicator, region: Region, councils: list[LocalAuthority]) -> list[dict]:
    """Every value of one demo indicator, as field values keyed like the unique constraint."""
    rows = []
    populations = {council.gss_code: _population(council.gss_code) for council in councils}
    areas = [(ENGLAND_CODE, "England", "England", ENGLAND_POPULATION, 0.0)]
    areas.append((region.gss_code, f"{region.name} region", "Region", sum(populations.values()), demo.region_offset))
    for council in councils:
        offset = demo.region_offset + random.Random(f"{demo.fingertips_id}:{council.gss_code}").uniform(
            -demo.spread, demo.spread
        )
        areas.append(
            (council.gss_code, council.name, "Counties & UAs (from Apr 2023)", populations[council.gss_code], offset)
        )
    for sex in demo.sexes:
        england = demo.england[sex]
        for code, name, area_type, population, offset in areas:
            noise = random.Random(f"{demo.fingertips_id}:{code}:{sex}")
            series = []
            for index, (period, sortable) in enumerate(demo.periods):
                jitter = 0.0 if code == ENGLAND_CODE else noise.gauss(0, demo.spread * 0.08)
                value = england[index] + offset + jitter
                interval, note = _interval(demo, value, population)
                value = interval.pop("value", value)
                series.append(value)
                rows.append(
                    {
                        "area_code": code,
                        "area_name": name,
                        "area_type": area_type,
                        "period": period,
                        "period_sortable": sortable,
                        "sex": sex,
                        "age": demo.age,
                        "value": _round(value),
                        "lower_ci": _round(interval.get("lower_ci")),
                        "upper_ci": _round(interval.get("upper_ci")),
                        "count": interval.get("count"),
                        "denominator": interval.get("denominator"),
                        "value_note": note,
                        "england": england[index],
                        "recent_trend": "",
                    }
                )
            rows[-1]["recent_trend"] = _trend_words(series, demo.polarity)
    for row in rows:
        england = row.pop("england")
        compared = ""
        if row["area_code"] != ENGLAND_CODE and row["value"] is not None:
            area = AreaValue(row["area_code"], row["area_name"], row["value"], row["lower_ci"], row["upper_ci"])
            compared = compare_with_england(area, england, demo.polarity)
        row["compared_to_england"] = compared
    return rows


def _upsert_values(indicator: Indicator, wanted: list[dict]) -> tuple[int, int]:
    """Create what is missing, update what differs; (created, changed)."""
    existing = {
        (row.area_code, row.period, row.sex, row.age, row.category_type, row.category): row
        for row in IndicatorValue.objects.filter(indicator=indicator)
    }
    new, changed = [], []
    for values in wanted:
        key = (values["area_code"], values["period"], values["sex"], values["age"], "", "")
        row = existing.get(key)
        if row is None:
            new.append(IndicatorValue(indicator=indicator, **values))
            continue
        differs = [name for name in VALUE_FIELDS if getattr(row, name) != values[name]]
        if differs:
            for name in VALUE_FIELDS:
                setattr(row, name, values[name])
            row.updated_at = timezone.now()
            changed.append(row)
    IndicatorValue.objects.bulk_create(new)
    IndicatorValue.objects.bulk_update(changed, [*VALUE_FIELDS, "updated_at"])
    return len(new), len(changed)


def _save_if_changed(obj, values: dict) -> bool:
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.full_clean()
        obj.save(update_fields=changed)
    return bool(changed)


def load_demo_indicators(*, region: Region, plan: ActionPlan) -> tuple[int, int]:
    """The demo's indicators, their illustrative values for England, the region and its councils,
    and their links to `plan`; returns the rows (created, changed)."""
    created = changed = 0
    councils = list(LocalAuthority.objects.filter(region=region, active=True).order_by("gss_code"))
    indicators = {}
    with transaction.atomic():
        for demo in INDICATORS:
            indicator = Indicator.objects.filter(fingertips_id=demo.fingertips_id).first()
            values = {"name": demo.name, "unit": demo.unit, "polarity": demo.polarity, "profile": PHOF}
            if indicator is None:
                indicator = Indicator(fingertips_id=demo.fingertips_id, illustrative=True, **values)
                indicator.full_clean()
                indicator.save()
                created += 1
            elif indicator.illustrative:
                changed += _save_if_changed(indicator, values)
            indicators[demo.fingertips_id] = indicator
            if indicator.illustrative:
                new, updated = _upsert_values(indicator, demo_values(demo, region, councils))
                created, changed = created + new, changed + updated
        areas = {area.number: area for area in PriorityArea.objects.filter(plan=plan)}
        objectives = {objective.number: objective for objective in KeyObjective.objects.filter(plan=plan)}
        positions: dict[tuple[str, int], int] = {}
        for fingertips_id, kind, number, target in LINKS:
            on = {"priority_area": areas[number]} if kind == "priority" else {"key_objective": objectives[number]}
            positions[(kind, number)] = position = positions.get((kind, number), 0) + 1
            link = IndicatorLink.objects.filter(indicator=indicators[fingertips_id], **on).first()
            if link is None:
                link = IndicatorLink(indicator=indicators[fingertips_id], target=target, position=position, **on)
                link.full_clean()
                link.save()
                created += 1
            else:
                changed += _save_if_changed(link, {"target": target, "position": position})
    return created, changed
