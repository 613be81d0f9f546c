"""The demo's snapshots: published past months with their files, this month's draft, idempotent."""

import datetime

import pytest

from snapshots import demo
from snapshots.models import Snapshot

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 11, 20)


def test_the_demo_publishes_past_months_with_files_and_drafts_this_month(plan, publisher, monkeypatch):
    monkeypatch.setattr(demo, "PUBLISHED_MONTHS", 1)  # one render is enough to prove the path
    assert demo.load_demo_snapshots(region=plan.region, today=TODAY) == 2
    october, november = Snapshot.objects.order_by("month")
    assert (october.month, october.state, october.published_by) == (datetime.date(2024, 10, 1), "published", publisher)
    assert october.pdf.read().startswith(b"%PDF-") and october.page_count > 1
    assert (november.month, november.state) == (datetime.date(2024, 11, 1), "draft")


def test_loading_the_demo_twice_adds_nothing(plan):
    assert demo.load_demo_snapshots(region=plan.region, today=TODAY, render=False) == 4
    assert demo.load_demo_snapshots(region=plan.region, today=TODAY, render=False) == 0
    assert Snapshot.objects.count() == 4
