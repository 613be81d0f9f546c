"""Fixtures of the indicators tests: no test reaches the real Fingertips; a local Fingertips API;
councils; an indicator with values for England, the South West (the shared `region` fixture,
E12000009) and two of its councils, over three years."""

import pytest
from pytest_httpserver import HTTPServer

from indicators.models import ENGLAND_CODE, IndicatorValue
from indicators.tests.factories import IndicatorFactory, value_row
from programmes.models import LocalAuthority
from programmes.tests.factories import LocalAuthorityFactory


@pytest.fixture(autouse=True)
def fingertips_out_of_reach(settings):
    """No test reaches the real Fingertips: without the local server below, the API is a closed
    local port (connection refused at once)."""
    settings.FINGERTIPS_API_URL = "http://127.0.0.1:9/api"
    settings.FINGERTIPS_RETRIES = 0


@pytest.fixture
def councils(region):
    """Two South West councils in the portal's register, as the Fingertips files name them."""
    return [
        LocalAuthorityFactory(name="Cornwall", gss_code="E06000052", region=region),
        LocalAuthorityFactory(name="Devon", gss_code="E10000008", region=region, kind=LocalAuthority.Kind.COUNTY),
    ]


READ_TIMEOUT = 0.2


@pytest.fixture
def fingertips(settings):
    """A local Fingertips API; threaded, so a slow answer does not hold up the next request."""
    server = HTTPServer(threaded=True)
    server.start()
    settings.FINGERTIPS_API_URL = server.url_for("/api")
    settings.FINGERTIPS_READ_TIMEOUT = READ_TIMEOUT
    settings.FINGERTIPS_RETRIES = 2
    settings.FINGERTIPS_BACKOFF = 0
    yield server
    server.clear()
    if server.is_running():
        server.stop()


YEARS = (2020, 2021, 2022)


@pytest.fixture
def somerset(region):
    return LocalAuthorityFactory(name="Somerset", gss_code="E06000066", region=region)


@pytest.fixture
def devon(region):
    return LocalAuthorityFactory(name="Devon", gss_code="E10000008", region=region)


@pytest.fixture
def smoking(db):
    return IndicatorFactory(fingertips_id=92443, name="Smoking prevalence in adults (18+)", unit="%", polarity="lower")


@pytest.fixture
def smoking_values(smoking, region, somerset, devon):
    """England 14 → 12, the region 13 → 11, Somerset 20 in 2022 (worse), Devon no value in 2022."""
    rows = []
    for offset, year in enumerate(YEARS):
        rows.append(value_row(smoking, ENGLAND_CODE, year, 14.0 - offset))
        rows.append(value_row(smoking, region.gss_code, year, 13.0 - offset, area_name="South West"))
    rows.append(
        value_row(smoking, somerset.gss_code, 2022, 20.0, area_name="Somerset", compared_to_england="Worse 95%")
    )
    rows.append(value_row(smoking, devon.gss_code, 2021, 10.0, area_name="Devon"))
    return IndicatorValue.objects.bulk_create(rows)
