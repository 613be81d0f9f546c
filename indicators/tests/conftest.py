import pytest
from pytest_httpserver import HTTPServer

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
