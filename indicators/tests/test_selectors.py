"""The display selectors: latest values, councils, trend, missing data and the breakdown shown."""

import pytest

from indicators import selectors
from indicators.models import ENGLAND_CODE, IndicatorValue
from indicators.selectors import AreaValue, IndicatorPanel, compare_with_england, comparison_text, default_breakdown
from indicators.tests.factories import IndicatorFactory, IndicatorLinkFactory, value_row
from programmes.tests.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db


def panel_for(link, region):
    [panel] = selectors.indicator_panels(selectors.objective_links(link.key_objective), region)
    return panel


def test_the_panel_shows_the_latest_period_for_the_region_and_england(region, objective_1, smoking, smoking_values):
    panel = panel_for(IndicatorLinkFactory(indicator=smoking, key_objective=objective_1, target="Below 10%"), region)
    assert panel.latest_period == "2022"
    assert (panel.region.value, panel.england.value) == (11.0, 12.0)
    assert panel.target == "Below 10%" and panel.breakdown == "Persons, 18+ yrs"


def test_every_active_council_has_a_row_with_its_comparison_or_no_data(region, objective_1, smoking, smoking_values):
    LocalAuthorityFactory(name="Gone", gss_code="E06000099", region=region, active=False)
    panel = panel_for(IndicatorLinkFactory(indicator=smoking, key_objective=objective_1), region)
    assert [(c.area_name, c.value, c.comparison) for c in panel.councils] == [
        ("Devon", None, "No data"),  # its only value is of 2021, not the latest period
        ("Somerset", 20.0, "Worse than England"),
    ]


def test_a_comparison_missing_from_the_data_is_worked_out_from_the_ci(region, objective_1, smoking, smoking_values):
    panel = panel_for(IndicatorLinkFactory(indicator=smoking, key_objective=objective_1), region)
    # 11 (9 to 13) against England's 12: the interval overlaps it.
    assert panel.region.comparison == "Similar to England"
    assert compare_with_england(AreaValue("X", "X", 5.0, 4.0, 6.0), 12.0, "lower") == "Better 95%"
    assert compare_with_england(AreaValue("X", "X", 20.0, 19.0, 21.0), 12.0, "higher") == "Better 95%"
    assert compare_with_england(AreaValue("X", "X", 20.0, 19.0, 21.0), 12.0, "neither") == "Higher 95%"
    assert compare_with_england(AreaValue("X", "X", 20.0), 12.0, "lower") == "Not compared"


@pytest.mark.parametrize(
    "raw, words",
    [
        ("Better 95%", "Better than England"),
        ("Worse 99.8%", "Worse than England"),
        ("Similar", "Similar to England"),
        ("Lower", "Lower than England"),
        ("Not compared", "Not compared"),
        ("", "Not compared"),
        ("Highest quintile", "Highest quintile"),
    ],
)
def test_fingertips_comparisons_read_as_words(raw, words):
    assert comparison_text(raw) == words


def test_the_trend_orders_periods_and_keeps_the_last_ten(region, objective_1, smoking):
    rows = [value_row(smoking, ENGLAND_CODE, year, float(year - 2000)) for year in range(2008, 2023)]
    rows.append(value_row(smoking, region.gss_code, 2015, 9.5))
    IndicatorValue.objects.bulk_create(reversed(rows))
    panel = panel_for(IndicatorLinkFactory(indicator=smoking, key_objective=objective_1), region)
    assert [p.period for p in panel.trend] == [str(year) for year in range(2013, 2023)]
    assert [p.region for p in panel.trend][1:4] == [None, 9.5, None]
    assert panel.trend_summary == "South West: 9.5% in 2015; England: 13.0% in 2013, 22.0% in 2022."


def test_an_indicator_without_values_shows_no_data(region, objective_1, somerset):
    panel = panel_for(IndicatorLinkFactory(key_objective=objective_1), region)
    assert not panel.has_data and panel.region is None and panel.trend == []
    assert [(c.area_name, c.comparison) for c in panel.councils] == [("Somerset", "No data")]


def test_a_missing_value_in_the_latest_period_is_no_data(region, objective_1, smoking):
    IndicatorValue.objects.bulk_create(
        [value_row(smoking, ENGLAND_CODE, 2022, 12.0), value_row(smoking, region.gss_code, 2022, None)]
    )
    panel = panel_for(IndicatorLinkFactory(indicator=smoking, key_objective=objective_1), region)
    assert panel.latest_period == "2022" and panel.region.comparison == "No data"


def test_persons_is_shown_when_an_indicator_is_broken_down_by_sex(region, objective_1, smoking):
    IndicatorValue.objects.bulk_create(
        [
            value_row(smoking, ENGLAND_CODE, 2022, 15.0, sex="Male"),
            value_row(smoking, ENGLAND_CODE, 2022, 12.0, sex="Persons"),
            value_row(smoking, ENGLAND_CODE, 2022, 10.0, sex="Female"),
            value_row(smoking, ENGLAND_CODE, 2022, 9.0, sex="Persons", age="18-64 yrs", period="2022"),
            value_row(smoking, ENGLAND_CODE, 2022, 8.0, sex="Persons", age="18+ yrs", period="2022 cat",
                      category_type="Ethnic groups", category="White"),
        ]
    )  # fmt: skip
    panel = panel_for(IndicatorLinkFactory(indicator=smoking, key_objective=objective_1), region)
    assert panel.england.value == 12.0 and panel.breakdown == "Persons, 18+ yrs"


def test_without_persons_the_panel_names_the_sex_it_shows(region, objective_1):
    life_expectancy = IndicatorFactory(fingertips_id=90366, name="Life expectancy at birth", unit="years")
    IndicatorValue.objects.bulk_create(
        [
            value_row(life_expectancy, ENGLAND_CODE, 2020, 79.0, sex="Male", age="All ages"),
            value_row(life_expectancy, ENGLAND_CODE, 2020, 83.0, sex="Female", age="All ages"),
        ]
    )
    panel = panel_for(IndicatorLinkFactory(indicator=life_expectancy, key_objective=objective_1), region)
    # Two sexes equally common: the first alphabetically, named on the panel.
    assert (panel.breakdown, panel.england.value) == ("Female, All ages", 83.0)


def test_the_most_common_age_is_the_default():
    rows = [IndicatorValue(sex="Persons", age=age) for age in ("10+ yrs", "10+ yrs", "All ages")]
    assert default_breakdown(rows).label == "Persons, 10+ yrs"
    assert default_breakdown([]) is None


def test_the_plan_panels_are_grouped_and_public_ones_leave_proposed_objectives_out(
    region, plan, priority_1, objective_1, proposed_objective, smoking, smoking_values
):
    on_area = IndicatorLinkFactory(indicator=smoking, priority_area=priority_1)
    on_objective = IndicatorLinkFactory(indicator=smoking, key_objective=objective_1)
    IndicatorLinkFactory(indicator=smoking, key_objective=proposed_objective)
    public = selectors.plan_indicators(plan, region, public=True)
    assert [p.link_id for p in public.for_priority_area(priority_1.pk)] == [on_area.pk]
    assert [p.link_id for p in public.for_objective(objective_1.pk)] == [on_objective.pk]
    assert public.for_objective(proposed_objective.pk) == []
    assert selectors.plan_indicators(plan, region).for_objective(proposed_objective.pk)


def test_a_panel_survives_a_round_trip_through_json(region, objective_1, smoking, smoking_values):
    import json

    panel = panel_for(IndicatorLinkFactory(indicator=smoking, key_objective=objective_1), region)
    again = IndicatorPanel.from_dict(json.loads(json.dumps({**panel.as_dict(), "from_the_future": 1})))
    assert again == panel


@pytest.mark.parametrize("extra", [1, 10])
def test_panels_take_three_queries_whatever_the_number_of_indicators_and_values(
    region, objective_1, somerset, extra, django_assert_num_queries
):
    rows = []
    for number in range(extra):
        indicator = IndicatorFactory()
        IndicatorLinkFactory(indicator=indicator, key_objective=objective_1)
        for year in range(2010, 2010 + 2 * extra):
            for code in (ENGLAND_CODE, region.gss_code, somerset.gss_code):
                rows.append(value_row(indicator, code, year, 10.0 + number))
    IndicatorValue.objects.bulk_create(rows)
    # the links with their indicators, the region's councils, the values
    with django_assert_num_queries(3):
        panels = selectors.indicator_panels(selectors.objective_links(objective_1), region)
    assert len(panels) == extra and all(panel.councils[0].value is not None for panel in panels)


def test_no_links_take_one_query(region, objective_1, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert selectors.indicator_panels(selectors.objective_links(objective_1), region) == []
