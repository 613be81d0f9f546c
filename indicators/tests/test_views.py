"""The catalogue, the indicator page, adding and editing an indicator, the refresh, the upload
and the import history: who may do what, form errors, and bounded queries."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.importer import import_values
from indicators.models import Indicator, IndicatorImport, IndicatorLink, IndicatorValue
from priorities.tests.factories import KeyObjectiveFactory
from programmes.tests.factories import LocalAuthorityFactory
from sli_portal.tests.helpers import PERSONAS

from .factories import IndicatorFactory, IndicatorValueFactory
from .fingertips_csv import HEADER, england_region_and_councils, export, row

pytestmark = pytest.mark.django_db

LOGIN = "login"
READ = [LOGIN, 200, 200, 200, 200, 200, 403, 403]
COORDINATE = [LOGIN, 403, 403, 403, 200, 403, 403, 403]
COORDINATE_POST = [LOGIN, 403, 403, 403, 302, 403, 403, 403]
SMOKING = 92443


def url(name, *args):
    return reverse(name, args=["south-west", *args])


@pytest.fixture
def smoking(councils):
    return IndicatorFactory(fingertips_id=SMOKING, name="Smoking prevalence in adults", unit="%")


@pytest.fixture
def upload_record(region, coordinator):
    return IndicatorImport.objects.create(source="file", file_name="mine.csv", run_by=coordinator, region=region)


def csv_upload(text: str, name="indicators-CountyUA.data.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


MATRIX = {
    "indicator_list": ("get", lambda r: url("indicator_list"), READ),
    "indicator_detail": ("get", lambda r: url("indicator_detail", SMOKING), READ),
    "indicator_add": ("get", lambda r: url("indicator_add"), COORDINATE),
    "indicator_edit": ("get", lambda r: url("indicator_edit", SMOKING), COORDINATE),
    "indicator_refresh": ("post", lambda r: url("indicator_refresh", SMOKING), COORDINATE_POST),
    "indicator_upload": ("get", lambda r: url("indicator_upload"), COORDINATE),
    "indicator_import_list": ("get", lambda r: url("indicator_import_list"), COORDINATE),
    "indicator_import_detail": ("get", lambda r: url("indicator_import_detail", r.pk), COORDINATE),
}


@pytest.mark.parametrize("view", sorted(MATRIX))
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(client, request, smoking, upload_record, priority_1, priority_2, view, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    method, address, expected = MATRIX[view]

    response = getattr(client, method)(address(upload_record))

    want = expected[PERSONAS.index(persona)]
    if want == LOGIN:
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    else:
        assert response.status_code == want


def test_an_upload_by_a_user_of_another_region_changes_nothing(client, other_coordinator, councils):
    client.force_login(other_coordinator)

    response = client.post(url("indicator_upload"), {"file": csv_upload(export(england_region_and_councils()))})

    assert response.status_code == 403
    assert not IndicatorValue.objects.exists()


def test_an_unknown_indicator_is_not_found(client, member, region):
    client.force_login(member)

    assert client.get(url("indicator_detail", 1)).status_code == 404


# --- Upload ------------------------------------------------------------------------------------


def test_the_coordinator_uploads_an_export_and_sees_the_summary(client, coordinator, councils):
    client.force_login(coordinator)
    text = export(england_region_and_councils())

    first = client.post(url("indicator_upload"), {"file": csv_upload(text)}, follow=True)
    second = client.post(url("indicator_upload"), {"file": csv_upload(text)}, follow=True)

    assert "created 4, updated 0, unchanged 0, rejected 0" in first.content.decode()
    assert "created 0, updated 0, unchanged 4, rejected 0" in second.content.decode()
    record = IndicatorImport.objects.first()
    assert (record.run_by, record.region.slug, record.file_name) == (
        coordinator,
        "south-west",
        "indicators-CountyUA.data.csv",
    )


def test_the_result_page_names_the_rejected_lines(client, coordinator, councils):
    client.force_login(coordinator)
    rows = [row(), row("E06000001", "Hartlepool"), row("E06000052", "Cornwall", value="x")]

    response = client.post(url("indicator_upload"), {"file": csv_upload(export(rows))}, follow=True)

    page = response.content.decode()
    assert "created 1, updated 0, unchanged 0, rejected 2" in page
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">3</td>' in page and "E06000001" in page
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">4</td>' in page and "“x” is not a number" in page


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (None, "Select a CSV file"),
        (csv_upload("", name="empty.csv"), "The selected file is empty"),
        (csv_upload("a,b\n1,2\n", name="data.xlsx"), "The selected file must be a CSV file"),
        (
            csv_upload(export([row()], header=[name for name in HEADER if name != "Area Code"])),
            "The file has no column “Area Code”",
        ),
        (SimpleUploadedFile("latin.csv", "Indicator ID,Área\n".encode("latin-1")), "not UTF-8"),
    ],
    ids=["no file", "empty", "not csv", "missing column", "not utf-8"],
)
def test_a_bad_upload_is_a_form_error_and_saves_nothing(client, coordinator, councils, upload, message):
    client.force_login(coordinator)

    response = client.post(url("indicator_upload"), {"file": upload} if upload else {})

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert not IndicatorImport.objects.exists() and not IndicatorValue.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client, coordinator, monkeypatch):
    monkeypatch.setattr("indicators.forms.MAX_UPLOAD_BYTES", 10)
    client.force_login(coordinator)

    response = client.post(url("indicator_upload"), {"file": csv_upload(export([row()]))})

    assert "The selected file must be smaller than 10 MB" in response.content.decode()


def test_the_history_hides_another_regions_uploads(client, coordinator, other_coordinator, other_region):
    IndicatorImport.objects.create(source="file", file_name="theirs.csv", run_by=other_coordinator, region=other_region)
    theirs = IndicatorImport.objects.get()
    IndicatorImport.objects.create(source="api", file_name="Fingertips API, indicator 1")
    client.force_login(coordinator)

    page = client.get(url("indicator_import_list")).content.decode()

    assert "Fingertips API, indicator 1" in page and "theirs.csv" not in page
    assert client.get(url("indicator_import_detail", theirs.pk)).status_code == 404


# --- Catalogue and indicator page ---------------------------------------------------------------


def test_the_indicator_page_shows_england_the_region_and_the_councils_for_the_latest_period(client, member, smoking):
    for period in ("2021", "2022"):
        import_values(file=io.StringIO(export(england_region_and_councils(period=period))), source="command")
    client.force_login(member)

    page = client.get(url("indicator_detail", SMOKING)).content.decode()

    latest_values = page[: page.index("Trend: South West")]
    assert "Latest values: 2022" in latest_values and ">2021<" not in latest_values
    for area in ("England", "South West region (statistical)", "Cornwall", "Devon"):
        assert f'<th scope="row" class="govuk-table__header">{area}</th>' in page
    assert "Worse 95%" in page and "Better 95%" in page and "Similar" in page
    assert "12.4 to 13<" in page and ">14.2<" in page and ">5,400,000<" in page
    assert page.index("England") < page.index("South West region") < page.index("Cornwall") < page.index("Devon")


def test_the_indicator_page_says_plainly_that_the_last_refresh_failed(client, member, smoking):
    Indicator.objects.filter(pk=smoking.pk).update(
        last_refreshed_at=datetime.datetime(2025, 3, 2, 2, 15, tzinfo=datetime.UTC),
        last_refresh_failed_at=datetime.datetime(2025, 3, 9, 2, 15, tzinfo=datetime.UTC),
        last_refresh_error="Fingertips did not answer in time",
    )
    client.force_login(member)

    page = client.get(url("indicator_detail", SMOKING)).content.decode()

    assert (
        "The last refresh from Fingertips failed on 9 March 2025 at 02:15: Fingertips did not answer in time." in page
    )
    assert "The values shown are from the last successful refresh on 2 March 2025 at 02:15." in page


def test_the_coordinator_refreshes_an_indicator_now(client, coordinator, smoking, fingertips):
    fingertips.expect_request("/api/all_data/csv/by_indicator_id").respond_with_data(
        export(england_region_and_councils()), content_type="text/csv"
    )
    client.force_login(coordinator)

    response = client.post(url("indicator_refresh", SMOKING), follow=True)

    assert "Refresh of “Smoking prevalence in adults” from Fingertips requested" in response.content.decode()
    smoking.refresh_from_db()
    assert smoking.last_refreshed_at and smoking.values.count() == 4


def test_a_member_sees_no_coordinator_buttons(client, member, smoking):
    client.force_login(member)

    page = client.get(url("indicator_detail", SMOKING)).content.decode()

    assert "Refresh from Fingertips now" not in page and "Change the indicator" not in page


@pytest.mark.parametrize("scale", [1, 10])
def test_the_catalogue_takes_a_fixed_number_of_queries(client, member, region, scale, django_assert_num_queries):
    for _ in range(3 * scale):
        indicator = IndicatorFactory()
        for year in range(2015, 2015 + scale):
            IndicatorValueFactory(indicator=indicator, period=str(year), period_sortable=year * 10000)
    client.force_login(member)

    # session, user, region, the member's roles, the count for the pager, the page of indicators
    # with their latest period (one query with a subquery), and the navigation's memberships and
    # led priorities: 8 whatever the number of indicators and values.
    with django_assert_num_queries(8):
        response = client.get(url("indicator_list"))

    assert (
        response.status_code == 200 and response.content.count(b'href="/regions/south-west/indicators/9') == 3 * scale
    )


@pytest.mark.parametrize("scale", [1, 10])
def test_the_indicator_page_takes_a_fixed_number_of_queries(
    client, member, smoking, region, scale, django_assert_num_queries
):
    councils = [LocalAuthorityFactory(region=region, gss_code=f"E06{900 + n:06d}") for n in range(3 * scale)]
    for year in range(2015, 2015 + 3 * scale):
        for council in councils:
            IndicatorValueFactory(
                indicator=smoking,
                area_code=council.gss_code,
                area_name=council.name,
                period=str(year),
                period_sortable=year * 10000,
            )
    client.force_login(member)

    # session, user, region, the member's roles, the indicator, the region's councils, its values
    # (the latest period's table and the trend from one read), the region's links, and the
    # navigation's memberships and led priorities.
    with django_assert_num_queries(10):
        response = client.get(url("indicator_detail", SMOKING))

    assert response.content.count(b'<th scope="row"') == 3 * scale  # the latest period's, one a council


# --- Adding and editing an indicator ------------------------------------------------------------

BY_DEFAULT = {"polarity": "neither", "area_type_id": "502"}
METADATA_CSV = (
    "Indicator ID,Indicator,Definition,Unit,Value type,Polarity\r\n"
    "90366,Life expectancy at birth,Average years a newborn would live,Years,Life expectancy,RAG - High is good\r\n"
)


def test_the_coordinator_adds_an_indicator_read_from_fingertips(client, coordinator, fingertips):
    fingertips.expect_request(
        "/api/indicator_metadata/csv/by_indicator_id", query_string={"indicator_ids": "90366"}
    ).respond_with_data(METADATA_CSV, content_type="text/csv")
    client.force_login(coordinator)

    response = client.post(
        url("indicator_add"), {"fingertips_id": "90366", "polarity": "neither", "area_type_id": "502"}
    )

    assert response.url == url("indicator_detail", 90366)
    indicator = Indicator.objects.get(fingertips_id=90366)
    assert (indicator.name, indicator.unit, indicator.polarity) == ("Life expectancy at birth", "Years", "higher")


def test_without_fingertips_the_coordinator_is_asked_to_enter_the_name(client, coordinator):
    client.force_login(coordinator)

    response = client.post(
        url("indicator_add"), {"fingertips_id": "90366", "polarity": "neither", "area_type_id": "502"}
    )

    page = response.content.decode()
    assert "The name could not be read from Fingertips (Fingertips could not be reached)" in page
    assert not Indicator.objects.exists()


def test_an_indicator_entered_by_hand_needs_no_fingertips(client, coordinator):
    client.force_login(coordinator)
    data = {"fingertips_id": "93088", "name": "Physically active adults", "unit": "%", "polarity": "higher"}

    client.post(url("indicator_add"), {**data, "profile": "Physical activity", "area_type_id": "502"})

    indicator = Indicator.objects.get(fingertips_id=93088)
    assert (indicator.name, indicator.profile, indicator.polarity) == (
        "Physically active adults",
        "Physical activity",
        "higher",
    )


@pytest.mark.parametrize(
    ("fingertips_id", "message"),
    [
        ("", "Enter the Fingertips indicator ID"),
        ("abc", "Enter the Fingertips indicator ID as a number, like 92443"),
        ("0", "Enter the Fingertips indicator ID as a number, like 92443"),
        (str(SMOKING), "This indicator is already in the catalogue"),
    ],
)
def test_a_bad_fingertips_id_is_a_form_error(client, coordinator, smoking, fingertips_id, message):
    client.force_login(coordinator)

    response = client.post(
        url("indicator_add"),
        {"fingertips_id": fingertips_id, "name": "X", "polarity": "neither", "area_type_id": "502"},
    )

    assert response.status_code == 200 and message in response.content.decode()
    assert Indicator.objects.count() == 1


def test_the_coordinator_edits_an_indicators_metadata(client, coordinator, smoking):
    client.force_login(coordinator)
    data = {"name": "Adult smoking", "unit": "per cent", "polarity": "lower", "profile": "Tobacco Control"}

    response = client.post(url("indicator_edit", SMOKING), {**data, "area_type_id": "502"})

    assert response.url == url("indicator_detail", SMOKING)
    smoking.refresh_from_db()
    assert (smoking.name, smoking.unit, smoking.polarity, smoking.profile, smoking.fingertips_id) == (
        "Adult smoking",
        "per cent",
        "lower",
        "Tobacco Control",
        SMOKING,
    )


def test_an_edit_without_a_name_is_a_form_error(client, coordinator, smoking):
    client.force_login(coordinator)

    response = client.post(url("indicator_edit", SMOKING), {"name": "", "polarity": "lower", "area_type_id": "502"})

    assert "Enter the name of the indicator" in response.content.decode()


def test_the_indicator_page_shows_the_trend_and_where_the_region_tracks_it(client, member, smoking, region):
    for period in ("2021", "2022"):
        import_values(file=io.StringIO(export(england_region_and_councils(period=period))), source="command")
    objective = KeyObjectiveFactory(priority_area__plan__region=region, title="Reduce smoking")
    IndicatorLink.objects.create(indicator=smoking, key_objective=objective, target="Below England by 2027")
    client.force_login(member)

    page = client.get(url("indicator_detail", SMOKING)).content.decode()

    trend = page[page.index("Trend: South West") :]
    assert "<svg" in trend and 'role="img"' in trend
    assert ">2021<" in trend and ">2022<" in trend
    assert f"Key Objective {objective.number}: Reduce smoking" in trend and "target Below England by 2027" in trend
