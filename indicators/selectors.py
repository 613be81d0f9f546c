"""What the pages, the meeting pack, the snapshot and the annual report show of the indicators
linked to a plan: one panel per link, read in a bounded number of queries.

`indicator_panels(links, region)` takes the links (a queryset or a list, read once, with their
indicators) and issues two more queries whatever the number of indicators, values or councils:

1. the links with their indicators (the caller's queryset, `select_related("indicator")`);
2. the region's active councils;
3. every value of those indicators for England, the region and its councils;

then groups the values in Python. Nothing is cached: a page shows what is in the database.

A panel says, for one link: the indicator (name, unit, polarity, target), the latest period, the
region's and England's values there, every council's value with its 95% confidence interval and
its comparison with England (as text), and the trend of the region and England over the last
`TREND_PERIODS` periods. A value that is missing is shown as "no data"; nothing here raises on
missing or partial data.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from priorities.models import KeyObjective, PriorityArea
from programmes.models import ActionPlan, LocalAuthority, Region

from .importer import VALUE_FIELDS as IMPORTED_FIELDS
from .models import ENGLAND_CODE, Indicator, IndicatorLink, IndicatorValue

# The values table of an indicator page: one period, the region's councils and each breakdown.
MAX_VALUE_ROWS = 500
# How far back the trend chart and its table go.
TREND_PERIODS = 10
PERSONS = "Persons"
NO_DATA = "No data"

# What a panel reads of a value: its identity and breakdown, and what the importer writes.
VALUE_FIELDS = ("indicator_id", "area_code", "period", "sex", "age", "category_type", "category", *IMPORTED_FIELDS)


# --- What a panel holds ------------------------------------------------------------------------


@dataclass
class AreaValue:
    """One area's value in one period (or its absence: `value` None)."""

    area_code: str
    area_name: str
    value: float | None = None
    lower_ci: float | None = None
    upper_ci: float | None = None
    count: float | None = None
    denominator: float | None = None
    value_note: str = ""
    recent_trend: str = ""
    # Fingertips' own wording ("Better 95%", "Similar", "Higher"...), or the comparison worked out
    # from the confidence interval when the data carried none (see `compare_with_england`).
    compared_to_england: str = ""

    @property
    def has_value(self) -> bool:
        return self.value is not None

    @property
    def has_ci(self) -> bool:
        return self.lower_ci is not None and self.upper_ci is not None

    @property
    def comparison(self) -> str:
        """The comparison with England in words, never a colour: "Better than England"."""
        if self.value is None:
            return NO_DATA
        return comparison_text(self.compared_to_england)


@dataclass
class TrendPoint:
    period: str
    period_sortable: int
    region: float | None = None
    england: float | None = None


@dataclass
class IndicatorPanel:
    """Everything shown of one linked indicator; plain values, so an annual report can freeze it
    as JSON (`as_dict` / `from_dict`)."""

    link_id: int
    fingertips_id: int
    name: str
    unit: str
    polarity: str
    polarity_label: str
    profile: str
    illustrative: bool
    target: str
    region_name: str
    # The breakdown shown: "Persons, 18+ yrs" (see `default_breakdown`).
    breakdown: str = ""
    latest_period: str = ""
    region: AreaValue | None = None
    england: AreaValue | None = None
    councils: list[AreaValue] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)
    # What the link is on: exactly one of them.
    priority_area_id: int | None = None
    key_objective_id: int | None = None
    key_objective_number: int | None = None

    @property
    def has_data(self) -> bool:
        return bool(self.latest_period)

    @property
    def recent_trend(self) -> str:
        """Fingertips' recent trend of the region's value ("Decreasing and getting better")."""
        return self.region.recent_trend if self.region else ""

    @property
    def trend_summary(self) -> str:
        """The trend in words: the first and the latest value of each series."""
        parts = []
        for label, attribute in ((self.region_name, "region"), ("England", "england")):
            points = [p for p in self.trend if getattr(p, attribute) is not None]
            if not points:
                parts.append(f"{label}: no data")
            elif len(points) == 1:
                parts.append(f"{label}: {format_value(getattr(points[0], attribute), self.unit)} in {points[0].period}")
            else:
                first, last = points[0], points[-1]
                parts.append(
                    f"{label}: {format_value(getattr(first, attribute), self.unit)} in {first.period}, "
                    f"{format_value(getattr(last, attribute), self.unit)} in {last.period}"
                )
        return "; ".join(parts) + "."

    @property
    def periods_label(self) -> str:
        if not self.trend:
            return ""
        if len(self.trend) == 1:
            return self.trend[0].period
        return f"{self.trend[0].period} to {self.trend[-1].period}"

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> IndicatorPanel:
        """A panel back from `as_dict` (a frozen annual report); unknown keys are ignored and
        missing ones take their defaults, so an older report still reads."""
        names = {f.name for f in dataclasses.fields(cls)}
        values = {key: value for key, value in data.items() if key in names}

        def area(raw):
            if not raw:
                return None
            known = {f.name for f in dataclasses.fields(AreaValue)}
            return AreaValue(**{key: value for key, value in raw.items() if key in known})

        values["region"] = area(values.get("region"))
        values["england"] = area(values.get("england"))
        values["councils"] = [area(raw) for raw in values.get("councils") or []]
        known_points = {f.name for f in dataclasses.fields(TrendPoint)}
        values["trend"] = [
            TrendPoint(**{key: value for key, value in raw.items() if key in known_points})
            for raw in values.get("trend") or []
        ]
        for name, default in (("link_id", 0), ("fingertips_id", 0), ("name", ""), ("unit", ""), ("polarity", "")):
            values.setdefault(name, default)
        for name in ("polarity_label", "profile", "target", "region_name"):
            values.setdefault(name, "")
        values.setdefault("illustrative", False)
        return cls(**values)


# --- Words -------------------------------------------------------------------------------------


def comparison_text(raw: str) -> str:
    """Fingertips' comparison with England in plain words.

    Fingertips writes "Better 95%", "Worse 99.8%", "Similar", "Higher", "Lower", "Not compared"
    or a quintile ("Highest quintile"); a quintile or anything unknown is shown as it is."""
    text = (raw or "").strip()
    lowered = text.lower()
    for start, words in (
        ("better", "Better than England"),
        ("worse", "Worse than England"),
        ("similar", "Similar to England"),
        ("same", "Similar to England"),
        ("higher", "Higher than England"),
        ("lower", "Lower than England"),
    ):
        if lowered.startswith(start):
            return words
    if not text or lowered.startswith("not compared"):
        return "Not compared"
    return text


def compare_with_england(value: AreaValue, england: float | None, polarity: str) -> str:
    """Fingertips' words for a value whose data carried no comparison: the 95% confidence
    interval entirely above or below England's value is significantly higher or lower (better or
    worse when the indicator has a polarity); overlapping it is similar. Without a CI or an
    England value it is not compared."""
    if value.value is None or england is None or not value.has_ci:
        return "Not compared"
    if value.lower_ci > england:
        direction = "higher"
    elif value.upper_ci < england:
        direction = "lower"
    else:
        return "Similar"
    if polarity == Indicator.Polarity.HIGHER_IS_BETTER:
        return "Better 95%" if direction == "higher" else "Worse 95%"
    if polarity == Indicator.Polarity.LOWER_IS_BETTER:
        return "Better 95%" if direction == "lower" else "Worse 95%"
    return "Higher 95%" if direction == "higher" else "Lower 95%"


def format_value(value: float | None, unit: str = "") -> str:
    """A value as the panels write it: one decimal place, with its unit ("21.3%", "10.2 per
    100,000"), or "no data"."""
    if value is None:
        return "no data"
    number = f"{value:,.1f}"
    if not unit:
        return number
    if unit.strip() == "%":
        return f"{number}%"
    return f"{number} {unit.strip()}"


# --- The breakdown -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Breakdown:
    sex: str
    age: str
    category_type: str
    category: str

    @property
    def label(self) -> str:
        parts = [self.sex, self.age]
        if self.category_type or self.category:
            parts.append(f"{self.category_type}: {self.category}" if self.category_type else self.category)
        return ", ".join(part for part in parts if part)


def _most_common(values: Iterable[str]) -> str:
    """The most frequent value; a tie goes to the first in alphabetical order, so the choice
    never depends on the order rows came from the database."""
    counts = Counter(values)
    if not counts:
        return ""
    return min(counts, key=lambda value: (-counts[value], value))


def default_breakdown(rows: list[IndicatorValue]) -> Breakdown | None:
    """The one breakdown a panel shows when an indicator has several.

    - No category breakdown (`category_type` empty, Fingertips' headline rows) when there is
      one, else the most common category.
    - Sex: "Persons" when the indicator has it; otherwise the most common sex (life expectancy is
      published for males and females only: it shows "Female", the first alphabetically of two
      equally common). The panel names the breakdown, so a reader knows which it is.
    - Age: the most common age among those rows, which is the indicator's own age band ("18+
      yrs", "10+ yrs", "All ages"); a tie goes to the first alphabetically.

    The choice reads the values of the region and England first (what the panel is about) and
    falls back to all the rows given; None when there are none.
    """
    if not rows:
        return None
    category_type, category = "", ""
    headline = [row for row in rows if not row.category_type and not row.category]
    if not headline:
        pair = _most_common(f"{row.category_type}\x00{row.category}" for row in rows)
        category_type, category = pair.split("\x00")
        headline = [row for row in rows if (row.category_type, row.category) == (category_type, category)]
    sexes = {row.sex for row in headline}
    sex = PERSONS if PERSONS in sexes else _most_common(row.sex for row in headline)
    age = _most_common(row.age for row in headline if row.sex == sex)
    return Breakdown(sex, age, category_type, category)


def _in_breakdown(row: IndicatorValue, breakdown: Breakdown) -> bool:
    return (row.sex, row.age, row.category_type, row.category) == (
        breakdown.sex,
        breakdown.age,
        breakdown.category_type,
        breakdown.category,
    )


# --- Panels ------------------------------------------------------------------------------------


def _area_value(row: IndicatorValue | None, code: str, name: str) -> AreaValue:
    if row is None:
        return AreaValue(area_code=code, area_name=name)
    return AreaValue(
        area_code=code,
        area_name=name or row.area_name,
        value=row.value,
        lower_ci=row.lower_ci,
        upper_ci=row.upper_ci,
        count=row.count,
        denominator=row.denominator,
        value_note=row.value_note,
        recent_trend=row.recent_trend,
        compared_to_england=row.compared_to_england,
    )


def _panel(
    link: IndicatorLink, rows: list[IndicatorValue], region: Region, councils: list[tuple[str, str]]
) -> IndicatorPanel:
    indicator = link.indicator
    panel = IndicatorPanel(
        link_id=link.pk,
        fingertips_id=indicator.fingertips_id,
        name=indicator.name,
        unit=indicator.unit,
        polarity=indicator.polarity,
        polarity_label=indicator.get_polarity_display(),
        profile=indicator.profile,
        illustrative=indicator.illustrative,
        target=link.target,
        region_name=region.name,
        priority_area_id=link.priority_area_id,
        key_objective_id=link.key_objective_id,
        key_objective_number=link.key_objective.number if link.key_objective_id else None,
    )
    headline_codes = {region.gss_code, ENGLAND_CODE}
    breakdown = default_breakdown([row for row in rows if row.area_code in headline_codes]) or default_breakdown(rows)
    if breakdown is None:
        panel.councils = [AreaValue(area_code=code, area_name=name) for code, name in councils]
        return panel
    panel.breakdown = breakdown.label
    # area code → period_sortable → row
    series: dict[str, dict[int, IndicatorValue]] = defaultdict(dict)
    labels: dict[int, str] = {}
    for row in rows:
        if _in_breakdown(row, breakdown):
            series[row.area_code][row.period_sortable] = row
            labels.setdefault(row.period_sortable, row.period)
    headline_periods = sorted(
        {key for code in headline_codes for key, row in series[code].items() if row.value is not None}
    )
    any_periods = sorted({key for rows_by_period in series.values() for key in rows_by_period})
    periods = headline_periods or any_periods
    if not periods:
        panel.councils = [AreaValue(area_code=code, area_name=name) for code, name in councils]
        return panel
    latest = periods[-1]
    panel.latest_period = labels[latest]
    england_row = series[ENGLAND_CODE].get(latest)
    england_value = england_row.value if england_row else None
    panel.england = _area_value(england_row, ENGLAND_CODE, "England")
    panel.region = _area_value(series[region.gss_code].get(latest), region.gss_code, region.name)
    panel.councils = [_area_value(series[code].get(latest), code, name) for code, name in councils]
    for value in [panel.region, *panel.councils]:
        if value.has_value and not value.compared_to_england:
            value.compared_to_england = compare_with_england(value, england_value, indicator.polarity)
    trend_keys = sorted({key for code in headline_codes for key in series[code]})[-TREND_PERIODS:]
    panel.trend = [
        TrendPoint(
            period=labels[key],
            period_sortable=key,
            region=_value_of(series[region.gss_code].get(key)),
            england=_value_of(series[ENGLAND_CODE].get(key)),
        )
        for key in trend_keys
    ]
    return panel


def _value_of(row: IndicatorValue | None) -> float | None:
    return row.value if row is not None else None


def indicator_panels(links: Iterable[IndicatorLink], region: Region) -> list[IndicatorPanel]:
    """One panel per link, in the links' order; three queries (see the module's docstring), one
    when there is no link."""
    links = list(links)
    if not links:
        return []
    councils = _councils(region)
    rows_by_indicator = _values({link.indicator_id for link in links}, region, councils)
    return [_panel(link, rows_by_indicator[link.indicator_id], region, councils) for link in links]


def _councils(region: Region) -> list[tuple[str, str]]:
    """The region's active councils, (ONS code, name) by name: one query."""
    return list(
        LocalAuthority.objects.filter(region=region, active=True).order_by("name").values_list("gss_code", "name")
    )


def _values(indicator_ids: set[int], region: Region, councils) -> dict[int, list[IndicatorValue]]:
    """Indicator id → every value of England, the region and its councils: one query."""
    codes = [ENGLAND_CODE, region.gss_code, *(code for code, _name in councils)]
    rows_by_indicator: dict[int, list[IndicatorValue]] = defaultdict(list)
    values = IndicatorValue.objects.filter(indicator_id__in=indicator_ids, area_code__in=codes).only(*VALUE_FIELDS)
    for row in values:
        rows_by_indicator[row.indicator_id].append(row)
    return rows_by_indicator


# --- Which links -------------------------------------------------------------------------------


def _links() -> QuerySet[IndicatorLink]:
    return IndicatorLink.objects.select_related("indicator", "key_objective").order_by("position", "id")


def objective_links(objective: KeyObjective) -> QuerySet[IndicatorLink]:
    return _links().filter(key_objective=objective)


def priority_area_links(priority_area: PriorityArea) -> QuerySet[IndicatorLink]:
    return _links().filter(priority_area=priority_area)


def priority_area_and_objective_links(priority_area: PriorityArea) -> QuerySet[IndicatorLink]:
    """The links of a priority area and of each of its key objectives (the meeting pack)."""
    return _links().filter(Q(priority_area=priority_area) | Q(key_objective__priority_area=priority_area))


def plan_links(plan: ActionPlan, *, public: bool = False) -> QuerySet[IndicatorLink]:
    """Every link of the plan's priority areas and key objectives. `public`: only the key
    objectives the network signed off, as every public output shows (the snapshot, the annual
    report)."""
    on_objectives = Q(key_objective__plan=plan)
    if public:
        on_objectives &= Q(key_objective__sign_off_state=KeyObjective.SignOff.SIGNED_OFF)
    return _links().filter(Q(priority_area__plan=plan) | on_objectives)


@dataclass
class PlanIndicators:
    """A plan's panels by what they are linked to."""

    by_priority_area: dict[int, list[IndicatorPanel]] = field(default_factory=dict)
    by_objective: dict[int, list[IndicatorPanel]] = field(default_factory=dict)

    def for_priority_area(self, priority_area_id: int) -> list[IndicatorPanel]:
        return self.by_priority_area.get(priority_area_id, [])

    def for_objective(self, objective_id: int) -> list[IndicatorPanel]:
        return self.by_objective.get(objective_id, [])

    def __bool__(self) -> bool:
        return bool(self.by_priority_area or self.by_objective)


def group_panels(panels: Iterable[IndicatorPanel]) -> PlanIndicators:
    grouped = PlanIndicators()
    for panel in panels:
        if panel.key_objective_id:
            grouped.by_objective.setdefault(panel.key_objective_id, []).append(panel)
        elif panel.priority_area_id:
            grouped.by_priority_area.setdefault(panel.priority_area_id, []).append(panel)
    return grouped


def plan_indicators(plan: ActionPlan, region: Region, *, public: bool = False) -> PlanIndicators:
    """The panels of a whole plan, grouped by priority area and key objective; three queries
    whatever the size of the plan (one when nothing is linked)."""
    return group_panels(indicator_panels(plan_links(plan, public=public), region))


# --- An indicator's own page -------------------------------------------------------------------


@dataclass
class IndicatorPage:
    """An indicator's own page for a region: the latest period's values table, and the trend."""

    values: list[IndicatorValue]
    truncated: bool  # rows beyond MAX_VALUE_ROWS left out
    trend: IndicatorPanel


def indicator_page(indicator: Indicator, region: Region) -> IndicatorPage:
    """The values table and the trend of the indicator's page, from one read of its values (two
    queries): the trend is the indicator's panel as if it were linked (no target)."""
    councils = _councils(region)
    rows = _values({indicator.pk}, region, councils)[indicator.pk]
    values, truncated = _latest_values(rows, region, councils)
    trend = _panel(IndicatorLink(indicator=indicator), rows, region, councils)
    return IndicatorPage(values=values, truncated=truncated, trend=trend)


def _latest_values(rows: list[IndicatorValue], region: Region, councils) -> tuple[list[IndicatorValue], bool]:
    """England's, the region's and its councils' values for the latest period any of them has
    (breakdowns by category left out), in that order, at most MAX_VALUE_ROWS of them; and whether
    rows were left out."""
    order = {ENGLAND_CODE: 0, region.gss_code: 1} | {code: 2 + index for index, (code, _name) in enumerate(councils)}
    plain = [row for row in rows if not row.category_type]
    if not plain:
        return [], False
    latest = max(row.period_sortable for row in plain)
    shown = sorted(
        (row for row in plain if row.period_sortable == latest),
        key=lambda row: (order[row.area_code], row.sex != PERSONS, row.sex, row.age, row.period),
    )
    for row in shown[:MAX_VALUE_ROWS]:
        for name in ("value", "lower_ci", "upper_ci", "count", "denominator"):
            setattr(row, f"{name}_text", number_text(getattr(row, name)))
    return shown[:MAX_VALUE_ROWS], len(shown) > MAX_VALUE_ROWS


def number_text(number: float | None) -> str:
    """12.7, 13, 5,400,000: as Fingertips shows them, without a float's trailing zeros."""
    if number is None:
        return ""
    if number.is_integer():
        return f"{int(number):,}"
    return f"{number:,.3f}".rstrip("0").rstrip(".")


def region_links(indicator: Indicator, region: Region) -> list[IndicatorLink]:
    """Where the region tracks the indicator: its links to the priority areas and key objectives
    of the region's plans, newest plan first. One query."""
    links = (
        IndicatorLink.objects.filter(indicator=indicator)
        .filter(Q(priority_area__plan__region=region) | Q(key_objective__plan__region=region))
        .select_related("priority_area__plan", "key_objective__plan", "key_objective__priority_area")
        .order_by("position", "id")
    )
    return sorted(links, key=lambda link: link.plan.start_date, reverse=True)
