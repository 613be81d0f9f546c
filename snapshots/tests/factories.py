import datetime

import factory

from programmes.tests.factories import RegionFactory
from snapshots.models import Snapshot


class SnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Snapshot

    region = factory.SubFactory(RegionFactory)
    month = factory.Sequence(lambda n: datetime.date(2020 + n // 12, n % 12 + 1, 1))
    title = factory.LazyAttribute(lambda s: f"{s.region.name} SLI snapshot {s.month:%B %Y}")
