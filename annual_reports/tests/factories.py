import factory
from django.utils import timezone

from annual_reports.models import AnnualReport
from programmes.tests.factories import RegionFactory


class AnnualReportFactory(factory.django.DjangoModelFactory):
    """A report in the state asked for, with the times its state needs."""

    class Meta:
        model = AnnualReport

    region = factory.SubFactory(RegionFactory)
    year = 2024
    version = 1
    state = AnnualReport.State.DRAFT
    summary = "A year of working together."
    submitted_at = factory.LazyAttribute(lambda r: None if r.state == "draft" else timezone.now())
    acknowledged_at = factory.LazyAttribute(lambda r: timezone.now() if r.state == "acknowledged" else None)
    content = factory.LazyAttribute(
        lambda r: (
            {}
            if r.state == "draft"
            else {"region": {"name": r.region.name, "slug": r.region.slug}, "financial_year": "2024/25", "quarters": []}
        )
    )
