import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sli_portal.tests.helpers import violates
from snapshots.models import Snapshot
from snapshots.tests.factories import SnapshotFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def test_database_refuses_a_month_that_is_not_its_first_day(region):
    with violates("snapshot_month_is_first_day"):
        SnapshotFactory(region=region, month=D(2024, 6, 15))


def test_clean_says_the_month_is_stored_as_its_first_day(region):
    snapshot = SnapshotFactory.build(region=region, month=D(2024, 6, 15))
    with pytest.raises(ValidationError) as error:
        snapshot.full_clean()
    assert error.value.message_dict["month"] == ["The month is stored as its first day"]


def test_a_region_has_one_snapshot_a_month(region):
    SnapshotFactory(region=region, month=D(2024, 6, 1))
    with violates("snapshot_one_per_region_and_month"):
        SnapshotFactory(region=region, month=D(2024, 6, 1))


def test_each_region_has_its_own_snapshot_of_a_month(region, other_region):
    SnapshotFactory(region=region, month=D(2024, 6, 1))
    SnapshotFactory(region=other_region, month=D(2024, 6, 1))
    assert Snapshot.objects.filter(month=D(2024, 6, 1)).count() == 2


def test_database_refuses_a_published_snapshot_without_its_time(region):
    with violates("snapshot_published_has_time"):
        SnapshotFactory(region=region, state=Snapshot.State.PUBLISHED, published_at=None)


def test_published_lists_only_published_snapshots(region, publisher):
    published = SnapshotFactory(
        region=region, state=Snapshot.State.PUBLISHED, published_at=timezone.now(), published_by=publisher
    )
    SnapshotFactory(region=region, state=Snapshot.State.READY)
    SnapshotFactory(region=region, state=Snapshot.State.WITHDRAWN)
    assert list(Snapshot.objects.published()) == [published]


def test_snapshot_changes_are_kept_in_history(region):
    snapshot = SnapshotFactory(region=region)
    snapshot.highlights = "Three councils joined the healthy weight declaration."
    snapshot.save()
    assert snapshot.history.count() == 2
