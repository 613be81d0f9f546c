"""Fixtures of the indicators tests: an indicator with values for England, the South West (the
shared `region` fixture, E12000009) and two of its councils, over three years."""

import pytest

from indicators.models import ENGLAND_CODE, IndicatorValue
from indicators.tests.factories import IndicatorFactory, value_row
from programmes.tests.factories import LocalAuthorityFactory

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
