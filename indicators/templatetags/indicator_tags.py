"""How lower apps' pages show indicators: the priorities pages and the meeting pack load these
tags (templates may use a higher app's tags; Python never imports upwards).

Each tag reads its links and values with `indicators.selectors` in a fixed number of queries,
whatever the number of indicators and values, and renders the one shared panel partial.
"""

from __future__ import annotations

from django import template

from priorities.models import KeyObjective, PriorityArea
from programmes.models import Region

from .. import selectors
from ..charts import trend_chart_svg
from ..selectors import IndicatorPanel, format_value

register = template.Library()


def _as_panel(panel) -> IndicatorPanel:
    """A panel from the selectors, or one frozen as JSON in an annual report."""
    return panel if isinstance(panel, IndicatorPanel) else IndicatorPanel.from_dict(panel)


@register.inclusion_tag("indicators/_panel.html")
def indicator_panel(panel, pdf: bool = False, level: int = 3, id_prefix: str = "indicator"):
    """`{% indicator_panel panel pdf=True level=4 %}`: one linked indicator. `pdf` shows the trend
    table in full (no "Trend data" details to open); `level` is its heading's level;
    `id_prefix` keeps ids unique when a page shows the same link twice."""
    panel = _as_panel(panel)
    element_id = f"{id_prefix}-{panel.link_id}"
    return {
        "panel": panel,
        "pdf": pdf,
        "level": max(2, min(int(level), 6)),
        "element_id": element_id,
        "chart": trend_chart_svg(panel, element_id=f"{element_id}-chart"),
    }


def _linked(*, panels, region: Region, can_manage: bool, link_url: str, what: str) -> dict:
    return {"panels": panels, "region": region, "can_manage": can_manage, "link_url": link_url, "what": what}


@register.inclusion_tag("indicators/_linked.html")
def objective_indicators(objective: KeyObjective, region: Region, can_coordinate: bool = False):
    """The key objective page's "Outcome indicators": its links' panels (three queries, one
    without links) and, for the coordinator of an open plan, the actions on them."""
    panels = selectors.indicator_panels(selectors.objective_links(objective), region)
    return _linked(
        panels=panels,
        region=region,
        can_manage=can_coordinate and objective.plan.is_editable(),
        link_url="indicator_link_objective",
        what=f"Key Objective {objective.number}",
    ) | {"target_id": objective.pk}


@register.inclusion_tag("indicators/_linked.html")
def priority_area_indicators(priority_area: PriorityArea, region: Region, can_coordinate: bool = False):
    """The priority area page's "Outcome indicators", as `objective_indicators`."""
    panels = selectors.indicator_panels(selectors.priority_area_links(priority_area), region)
    return _linked(
        panels=panels,
        region=region,
        can_manage=can_coordinate and priority_area.plan.is_editable(),
        link_url="indicator_link_priority_area",
        what=f"Priority {priority_area.number}",
    ) | {"target_id": priority_area.pk}


@register.inclusion_tag("indicators/_pack.html")
def meeting_pack_indicators(priority_area: PriorityArea, region: Region, pdf: bool = False):
    """The meeting pack's "Outcome indicators": those of the priority area, then those of each of
    its key objectives in number order; three queries (one without links)."""
    panels = selectors.indicator_panels(selectors.priority_area_and_objective_links(priority_area), region)
    grouped = selectors.group_panels(panels)
    objectives = {}
    for panel in panels:
        if panel.key_objective_id:
            objectives.setdefault(panel.key_objective_number or 0, panel.key_objective_id)
    groups = []
    if grouped.by_priority_area:
        groups.append((f"Priority {priority_area.number}", grouped.for_priority_area(priority_area.pk)))
    for number in sorted(objectives):
        groups.append((f"Key Objective {number}", grouped.for_objective(objectives[number])))
    return {"groups": groups, "pdf": pdf, "area": priority_area}


@register.filter
def indicator_number(value) -> str:
    """`{{ value.value|indicator_number }}` → "21.3", or "no data"."""
    return format_value(value)


@register.filter
def indicator_value(value, unit: str = "") -> str:
    """`{{ panel.region.value|indicator_value:panel.unit }}` → "21.3%", or "no data"."""
    return format_value(value, unit)
