"""The trend chart: an accessible inline SVG, both series named, gaps left as gaps."""

from indicators.charts import trend_chart_svg
from indicators.selectors import IndicatorPanel, TrendPoint


def panel(points) -> IndicatorPanel:
    trend = [TrendPoint(period, 0, region, england) for period, region, england in points]
    return IndicatorPanel(
        link_id=1, fingertips_id=41001, name="Suicide rate <per 100,000>", unit="per 100,000", polarity="lower",
        polarity_label="Lower is better", profile="", illustrative=False, target="", region_name="South West",
        breakdown="Persons, 10+ yrs", trend=trend,
    )  # fmt: skip


def test_the_chart_is_an_image_named_in_words_with_both_series_labelled():
    svg = trend_chart_svg(panel([("2019 - 21", 11.0, 10.0), ("2020 - 22", 12.1, 10.3)]), element_id="c1")
    assert svg.startswith('<svg class="sli-indicator__chart" id="c1" role="img" aria-label="Line chart of Suicide')
    assert "South West: 11.0 per 100,000 in 2019 - 21, 12.1 per 100,000 in 2020 - 22" in svg
    assert "&lt;per 100,000&gt;" in svg and "<per 100,000>" not in svg  # names are escaped
    assert ">South West</text>" in svg and ">England</text>" in svg
    assert "South West (solid line)" in svg and "England (dashed line)" in svg
    assert svg.count("<polyline") == 2


def test_a_missing_value_breaks_the_line():
    svg = trend_chart_svg(panel([("2018", 1.0, 2.0), ("2019", 1.5, None), ("2020", None, 2.2), ("2021", 1.2, 2.4)]))
    # the region: one segment (2018-2019) and a lone point; England: a lone point and one segment
    assert svg.count("<polyline") == 2 and svg.count("<circle") == 3 and svg.count("<rect") == 3


def test_every_period_is_labelled_when_there_is_room_and_some_when_not():
    few = trend_chart_svg(panel([(f"20{n} - {n + 2}", 1.0, 2.0) for n in range(10, 16)]))
    assert all(f">20{n} - {n + 2}</text>" in few for n in range(10, 16))
    many = trend_chart_svg(panel([(f"20{n} - {n + 2}", 1.0, 2.0) for n in range(10, 20)]))
    shown = [n for n in range(10, 20) if f">20{n} - {n + 2}</text>" in many]
    assert shown[0] == 10 and shown[-1] == 19 and len(shown) < 10


def test_no_chart_for_fewer_than_two_periods_or_no_values():
    assert trend_chart_svg(panel([("2022", 1.0, 2.0)])) == ""
    assert trend_chart_svg(panel([("2021", None, None), ("2022", None, None)])) == ""
