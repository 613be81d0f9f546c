import factory

from indicators.models import Indicator, IndicatorLink, IndicatorValue


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
