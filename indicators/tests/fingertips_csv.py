"""Fingertips "all data" CSV exports for the tests, in the documented format."""

from __future__ import annotations

import csv
import io

# The header of Fingertips' "all data" export (and of the API's all_data/csv answers).
HEADER = [
    "Indicator ID",
    "Indicator Name",
    "Parent Code",
    "Parent Name",
    "Area Code",
    "Area Name",
    "Area Type",
    "Sex",
    "Age",
    "Category Type",
    "Category",
    "Time period",
    "Value",
    "Lower CI 95.0 limit",
    "Upper CI 95.0 limit",
    "Lower CI 99.8 limit",
    "Upper CI 99.8 limit",
    "Count",
    "Denominator",
    "Value note",
    "Recent Trend",
    "Compared to England value or percentiles",
    "Compared to percentiles",
    "Time period Sortable",
    "New data",
    "Compared to goal",
    "Time period range",
]

INDICATOR_NAME = "Smoking Prevalence in adults (18+) - current smokers (APS)"


def row(
    area_code="E92000001",
    area_name="England",
    *,
    indicator_id="92443",
    indicator_name=INDICATOR_NAME,
    area_type="England",
    period="2022",
    value="12.7",
    lower="12.4",
    upper="13.0",
    count="5400000",
    denominator="42000000",
    compared="",
    trend="Decreasing and getting better",
    sex="Persons",
    age="18+ yrs",
    sortable=None,
    **extra,
) -> dict:
    cells = {
        "Indicator ID": indicator_id,
        "Indicator Name": indicator_name,
        "Parent Code": "",
        "Parent Name": "",
        "Area Code": area_code,
        "Area Name": area_name,
        "Area Type": area_type,
        "Sex": sex,
        "Age": age,
        "Category Type": "",
        "Category": "",
        "Time period": period,
        "Value": value,
        "Lower CI 95.0 limit": lower,
        "Upper CI 95.0 limit": upper,
        "Lower CI 99.8 limit": "",
        "Upper CI 99.8 limit": "",
        "Count": count,
        "Denominator": denominator,
        "Value note": "",
        "Recent Trend": trend,
        "Compared to England value or percentiles": compared,
        "Compared to percentiles": "Not compared",
        "Time period Sortable": sortable if sortable is not None else f"{period[:4]}0000",
        "New data": "",
        "Compared to goal": "",
        "Time period range": "1y",
    }
    cells.update(extra)
    return cells


def england_region_and_councils(*, period="2022", indicator_id="92443", values=(12.7, 11.9, 14.2, 10.1)) -> list[dict]:
    """England, the South West and two of its councils (the codes of the `councils` fixture)."""
    england, region, cornwall, devon = values
    return [
        row(indicator_id=indicator_id, period=period, value=str(england)),
        row(
            "E12000009",
            "South West region (statistical)",
            indicator_id=indicator_id,
            period=period,
            value=str(region),
            area_type="Region",
            compared="Better 95%",
        ),
        row(
            "E06000052",
            "Cornwall",
            indicator_id=indicator_id,
            period=period,
            value=str(cornwall),
            area_type="Counties & UAs (from Apr 2023)",
            compared="Worse 95%",
        ),
        row(
            "E10000008",
            "Devon",
            indicator_id=indicator_id,
            period=period,
            value=str(devon),
            area_type="Counties & UAs (from Apr 2023)",
            compared="Similar",
        ),
    ]


def export(rows: list[dict], *, header=HEADER, bom=True) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" if bom else "") + out.getvalue()
