"""The one importer behind the command, the upload page and the API refresh."""

import io

import pytest
from django.core.exceptions import ValidationError

from indicators.importer import import_values
from indicators.models import Indicator, IndicatorImport, IndicatorValue

from .factories import IndicatorFactory
from .fingertips_csv import HEADER, INDICATOR_NAME, england_region_and_councils, export, row

pytestmark = pytest.mark.django_db


def load(text: str, **kwargs) -> IndicatorImport:
    return import_values(file=io.StringIO(text), source=IndicatorImport.Source.COMMAND, **kwargs)


def counts(record: IndicatorImport) -> tuple[int, int, int, int]:
    return record.created, record.updated, record.unchanged, record.rejected


def test_an_export_loads_england_the_region_and_the_councils_with_every_field(councils):
    record = load(export(england_region_and_councils()))

    assert counts(record) == (4, 0, 0, 0)
    cornwall = IndicatorValue.objects.get(area_code="E06000052")
    assert (cornwall.area_name, cornwall.period, cornwall.period_sortable) == ("Cornwall", "2022", 20220000)
    assert (cornwall.value, cornwall.lower_ci, cornwall.upper_ci) == (14.2, 12.4, 13.0)
    assert (cornwall.count, cornwall.denominator) == (5400000, 42000000)
    assert (cornwall.sex, cornwall.age) == ("Persons", "18+ yrs")
    assert cornwall.compared_to_england == "Worse 95%"
    assert cornwall.recent_trend == "Decreasing and getting better"


def test_a_new_indicator_is_created_from_the_files_id_and_name(councils):
    load(export(england_region_and_councils()))

    indicator = Indicator.objects.get(fingertips_id=92443)
    assert indicator.name == INDICATOR_NAME


def test_an_existing_indicators_metadata_is_kept(councils):
    IndicatorFactory(fingertips_id=92443, name="Adult smoking", unit="%", profile="Tobacco Control")

    load(export(england_region_and_councils()))

    indicator = Indicator.objects.get(fingertips_id=92443)
    assert (indicator.name, indicator.unit, indicator.profile) == ("Adult smoking", "%", "Tobacco Control")


def test_the_same_data_twice_changes_nothing(councils):
    text = export(england_region_and_councils())
    load(text)
    before = list(IndicatorValue.objects.values())

    second = load(text)

    assert counts(second) == (0, 0, 4, 0)
    assert list(IndicatorValue.objects.values()) == before


def test_a_changed_value_updates_its_row_and_leaves_the_rest(councils):
    load(export(england_region_and_councils()))

    record = load(export(england_region_and_councils(values=(12.7, 11.9, 15.0, 10.1))))

    assert counts(record) == (0, 1, 3, 0)
    assert IndicatorValue.objects.get(area_code="E06000052").value == 15.0
    assert IndicatorValue.objects.count() == 4


def test_a_new_period_adds_rows_beside_the_old_ones(councils):
    load(export(england_region_and_councils(period="2021")))

    record = load(export(england_region_and_councils(period="2022")))

    assert counts(record) == (4, 0, 0, 0)
    assert IndicatorValue.objects.filter(area_code="E06000052").count() == 2


def test_each_breakdown_is_its_own_row(councils):
    rows = [row(sex="Male", value="14.1"), row(sex="Female", value="11.2"), row(sex="Persons")]

    record = load(export(rows))

    assert counts(record) == (3, 0, 0, 0)


def test_blank_numbers_are_stored_as_none(councils):
    record = load(export([row("E06000052", "Cornwall", value="", lower="", upper="", count="", denominator="")]))

    assert counts(record) == (1, 0, 0, 0)
    value = IndicatorValue.objects.get()
    assert (value.value, value.lower_ci, value.upper_ci, value.count, value.denominator) == (None,) * 5


def test_bad_rows_are_rejected_with_their_line_and_reason_and_the_good_ones_load(councils):
    rows = [
        row(),  # line 2
        row("E06000001", "Hartlepool"),  # line 3: a council outside the register
        row("E06000052", "Cornwall", indicator_id="abc"),  # line 4
        row("E06000052", "Cornwall", value="twelve"),  # line 5
        row("E10000008", "Devon", period=""),  # line 6
        row("E06000052", "Cornwall", value="14.2"),  # line 7: good
        row("W06000001", "Isle of Anglesey"),  # line 8: not in England
        row(),  # line 9: the same as line 2
    ]
    reported = []

    record = load(export(rows), on_reject=lambda line, reason: reported.append((line, reason)))

    assert counts(record) == (2, 0, 0, 6)
    assert [line for line, _reason in reported] == [3, 4, 5, 6, 8, 9]
    reasons = dict(reported)
    assert "E06000001" in reasons[3] and "register" in reasons[3]
    assert "abc" in reasons[4]
    assert "“twelve” is not a number" in reasons[5]
    assert "Time period is missing" in reasons[6]
    assert "W06000001" in reasons[8]
    assert "line 2" in reasons[9]
    assert record.rejections == [{"line": line, "reason": reason} for line, reason in reported]
    assert set(IndicatorValue.objects.values_list("area_code", flat=True)) == {"E92000001", "E06000052"}


def test_columns_are_found_by_name_in_any_order_with_extra_and_missing_optional_ones(councils):
    header = ["Area Code", "Value", "Time period", "Extra column", "Indicator Name", "Area Name", "Indicator ID"]

    record = load(export([row("E06000052", "Cornwall", **{"Extra column": "x"})], header=header, bom=False))

    assert counts(record) == (1, 0, 0, 0)
    value = IndicatorValue.objects.get()
    # Without Sex, Age or the sortable period: Fingertips' defaults, and the period's first year.
    assert (value.sex, value.age, value.period_sortable, value.lower_ci) == ("Persons", "All ages", 20220000, None)


def test_missing_required_columns_are_named_and_nothing_is_saved(councils):
    header = [name for name in HEADER if name not in ("Area Code", "Value")]

    with pytest.raises(ValidationError) as raised:
        load(export([row()], header=header))

    assert "“Area Code”" in raised.value.messages[0] and "“Value”" in raised.value.messages[0]
    assert not IndicatorImport.objects.exists() and not IndicatorValue.objects.exists()


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match="empty"):
        load("")


def test_the_import_is_recorded_with_who_ran_it(councils, coordinator, region):
    record = import_values(
        file=io.StringIO(export(england_region_and_councils())),
        source=IndicatorImport.Source.FILE,
        file_name="smoking.csv",
        run_by=coordinator,
        region=region,
    )

    record.refresh_from_db()
    assert (record.source, record.file_name) == ("file", "smoking.csv")
    assert (record.run_by, record.region) == (coordinator, region)
    assert record.summary == "created 4, updated 0, unchanged 0, rejected 0"


def test_the_kept_rejections_are_capped(councils, monkeypatch):
    monkeypatch.setattr("indicators.importer.MAX_KEPT_REJECTIONS", 3)

    record = load(export([row(f"E0600{n:04d}", "Elsewhere") for n in range(100, 110)]))

    assert record.rejected == 10 and len(record.rejections) == 3


def test_a_file_that_breaks_half_way_saves_nothing(councils):
    good = export(england_region_and_councils()).encode()
    stream = io.TextIOWrapper(io.BytesIO(good + b"92443,x,,,E06000052,Cornwall\xff,,,,,,2023,1\r\n"), encoding="utf-8")

    with pytest.raises(ValidationError, match="UTF-8"):
        import_values(file=stream, source=IndicatorImport.Source.FILE)

    assert not IndicatorValue.objects.exists() and not IndicatorImport.objects.exists()


def test_unknown_areas_are_skipped_quietly_when_asked(councils):
    record = load(export([row(), row("E06000001", "Hartlepool")]), skip_unknown_areas=True)

    assert counts(record) == (1, 0, 0, 0)


def test_a_large_file_loads_in_a_bounded_number_of_queries(councils, django_assert_max_num_queries, monkeypatch):
    monkeypatch.setattr("indicators.importer.CHUNK_ROWS", 1000)
    sexes = ("Male", "Female")
    rows = [row("E06000052", "Cornwall", period=str(year), sex=sex) for year in range(1500, 2000) for sex in sexes]

    # One chunk of 1,000 rows: the areas (2), the indicator (3, created), the existing values (1)
    # and the batched inserts: SQLite takes at most 999 parameters a statement (about 45 rows, so
    # 23 inserts), PostgreSQL 500 rows a batch; with the savepoint and the record, never a query a row.
    with django_assert_max_num_queries(32):
        record = load(export(rows))

    assert counts(record) == (1000, 0, 0, 0)
