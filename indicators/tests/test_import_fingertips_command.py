"""`python manage.py import_fingertips FILE.csv`."""

import io

import pytest
from django.core.management import CommandError, call_command

from indicators.models import IndicatorImport, IndicatorValue

from .fingertips_csv import HEADER, england_region_and_councils, export, row

pytestmark = pytest.mark.django_db


def run(path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_fingertips", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_same_file_twice_prints_nothing_created_the_second_time(tmp_path, councils):
    path = tmp_path / "indicators-CountyUA.data.csv"
    path.write_text(export(england_region_and_councils()), encoding="utf-8")

    first, _ = run(path)
    second, errors = run(path)

    assert first.splitlines()[-1] == "created 4, updated 0, unchanged 0, rejected 0"
    assert second.splitlines()[-1] == "created 0, updated 0, unchanged 4, rejected 0"
    assert errors == ""
    assert IndicatorImport.objects.filter(source="command", file_name="indicators-CountyUA.data.csv").count() == 2


def test_a_file_with_bad_rows_loads_the_good_ones_and_names_the_bad_lines(tmp_path, councils):
    rows = [row(), row("E06000001", "Hartlepool"), row("E06000052", "Cornwall", value="n/a"), row("E10000008", "Devon")]
    path = tmp_path / "export.csv"
    path.write_text(export(rows), encoding="utf-8")

    out, errors = run(path)

    assert out.splitlines()[-1] == "created 2, updated 0, unchanged 0, rejected 2"
    assert errors.splitlines() == [
        "Line 3: area E06000001 (Hartlepool) is neither England, an English region nor a council "
        "in the portal's register",
        "Line 4: Value “n/a” is not a number",
    ]
    assert sorted(IndicatorValue.objects.values_list("area_code", flat=True)) == ["E10000008", "E92000001"]


def test_a_file_without_the_required_columns_stops_with_their_names(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text(export([row()], header=[name for name in HEADER if name != "Time period"]), encoding="utf-8")

    with pytest.raises(CommandError, match="“Time period”"):
        run(path)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "missing.csv")
