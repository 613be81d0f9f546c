"""`import_local_authorities FILE.csv`: idempotent, bad rows reported with their line numbers."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from programmes.models import LocalAuthority, Region
from programmes.tests.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db

SOUTH_WEST = Path(__file__).resolve().parents[1] / "data" / "south_west_local_authorities.csv"


def _run(path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_local_authorities", str(path), stdout=out, stderr=err)
    return out.getvalue().strip().splitlines()[-1], err.getvalue()


def test_the_south_west_file_loads_then_a_second_run_changes_nothing():
    assert _run(SOUTH_WEST)[0] == "created 15, updated 0, unchanged 0, rejected 0"
    region = Region.objects.get(name="South West")
    assert (region.slug, region.gss_code) == ("south-west", "E12000009")
    assert LocalAuthority.objects.get(gss_code="E10000008").kind == LocalAuthority.Kind.COUNTY
    assert _run(SOUTH_WEST)[0] == "created 0, updated 0, unchanged 15, rejected 0"
    assert LocalAuthority.objects.count() == 15


def test_an_existing_council_is_updated_and_councils_missing_from_the_file_are_kept(tmp_path, region):
    LocalAuthorityFactory(region=region, gss_code="E06000052", name="Cornwall Council")
    kept = LocalAuthorityFactory(region=region, gss_code="E06000099", name="Not in the file")
    path = tmp_path / "councils.csv"
    path.write_text(
        "gss_code,name,region,type,active\n"
        "E06000052,Cornwall,South West,Unitary authority,\n"
        "E06000053,Isles of Scilly,South West,Unitary authority,no\n"
    )
    assert _run(path)[0] == "created 1, updated 1, unchanged 0, rejected 0"
    assert LocalAuthority.objects.get(gss_code="E06000052").name == "Cornwall"
    assert LocalAuthority.objects.get(gss_code="E06000053").active is False
    assert LocalAuthority.objects.filter(pk=kept.pk, active=True).exists()


def test_bad_rows_are_rejected_with_their_line_numbers(tmp_path):
    path = tmp_path / "councils.csv"
    path.write_text(
        "gss_code,name,region,type\n"
        "E06000052,Cornwall,South West,Unitary authority\n"
        "X123,Nowhere,South West,Unitary authority\n"
        "E06000053,Isles of Scilly,Atlantis,Unitary authority\n"
        "E06000054,Wiltshire,South West,District\n"
        "E06000052,Cornwall again,South West,Unitary authority\n"
        "E09000001,City of London,London,City corporation\n"
    )
    last, errors = _run(path)
    assert last == "created 2, updated 0, unchanged 0, rejected 4"
    assert "Line 3: gss_code: Enter an ONS code" in errors
    assert "Line 4: region “Atlantis” is not one of England's nine regions" in errors
    assert "Line 5: type “District”" in errors
    assert "Line 6: E06000052 is already on line 2" in errors
    assert Region.objects.get(name="London").gss_code == "E12000007"
    assert not Region.objects.filter(name="Atlantis").exists()


def test_a_file_without_the_columns_is_refused(tmp_path):
    path = tmp_path / "councils.csv"
    path.write_text("code,name\nE06000052,Cornwall\n")
    with pytest.raises(CommandError, match="no column gss_code, region, type"):
        _run(path)
