import pytest

from programmes.models import LocalAuthority
from programmes.tests.factories import LocalAuthorityFactory


@pytest.fixture
def councils(region):
    """Two South West councils in the portal's register, as the Fingertips files name them."""
    return [
        LocalAuthorityFactory(name="Cornwall", gss_code="E06000052", region=region),
        LocalAuthorityFactory(name="Devon", gss_code="E10000008", region=region, kind=LocalAuthority.Kind.COUNTY),
    ]
