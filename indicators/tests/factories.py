import factory

from indicators.models import ENGLAND_CODE, Indicator, IndicatorLink, IndicatorValue


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        django_get_or_create = ("fingertips_id",)

    fingertips_id = factory.Sequence(lambda n: 90000 + n)
    name = factory.Sequence(lambda n: f"Indicator {n}")
    unit = "%"
    polarity = Indicator.Polarity.LOWER_IS_BETTER
    profile = "Public Health Outcomes Framework"


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    area_code = "E92000001"
    area_name = "England"
    period = "2022/23"
    period_sortable = 20220000
    value = 12.5


class IndicatorLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorLink

    indicator = factory.SubFactory(IndicatorFactory)


def value_row(indicator, area_code, year, value, *, area_name="", sex="Persons", age="18+ yrs", **fields):
    """One unsaved value of `year` ("2022", sortable 20220000), its CI two either side."""
    return IndicatorValue(
        indicator=indicator,
        area_code=area_code,
        area_name=area_name or ("England" if area_code == ENGLAND_CODE else area_code),
        period=fields.pop("period", str(year)),
        period_sortable=year * 10000,
        sex=sex,
        age=age,
        value=value,
        lower_ci=None if value is None else value - 2,
        upper_ci=None if value is None else value + 2,
        **fields,
    )
