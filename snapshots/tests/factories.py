import datetime

import factory

from programmes.tests.factories import RegionFactory
from snapshots.models import Snapshot, Subscriber


class SnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Snapshot

    region = factory.SubFactory(RegionFactory)
    month = factory.Sequence(lambda n: datetime.date(2020 + n // 12, n % 12 + 1, 1))
    title = factory.LazyAttribute(lambda s: f"{s.region.name} SLI snapshot {s.month:%B %Y}")


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    region = factory.SubFactory(RegionFactory)
    email = factory.Sequence(lambda n: f"reader{n}@example.org")
