"""The pages read a region's present, not its past: with three times the history (plans,
updates, meetings and their actions, snapshots, peer challenges — `generate_scale_data
--history`) every page takes the same queries, and the dashboard lists no more.

Time is measured in bench/ (`make bench`), never here; these tests count queries and rows.
"""

import datetime
from dataclasses import dataclass

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmes.models import ActionPlan, Membership, Region
from programmes.tests.factories import MembershipFactory, UserFactory
from sli_portal.data.scale import delete_scale_data, generate_scale_data
from sli_portal.pages.dashboard import OVERDUE_ACTIONS_SHOWN

# A generated region, its pages read on one pinned day (the generator dates everything from it).
NOW = datetime.datetime(2025, 11, 12, 12, tzinfo=datetime.UTC)
DAY = NOW.date()
SLUG = "north-east"
HISTORIES = (1, 3)
PAGES = (
    "dashboard",
    "national view",
    "plan page",
    "plan list",
    "meetings",
    "peer-challenge schedule",
    "snapshot archive, signed in",
    "snapshot archive, anonymous",
    "my priorities (DPH lead)",
    "public plan",
)


@dataclass
class Reading:
    status: int
    queries: int
    size: int
    context: dict


def _pages() -> dict[str, tuple[str, str | None]]:
    """Page → (URL, who reads it: a generated user, the national viewer or anonymous)."""
    plan = ActionPlan.objects.get(region__slug=SLUG, status=ActionPlan.Status.ACTIVE)
    coordinator = f"{SLUG}-coordinator-scale"
    pages = {
        "dashboard": (reverse("dashboard", args=[SLUG]), coordinator),
        "national view": (reverse("national_view"), "national"),
        "plan page": (reverse("plan_detail", args=[SLUG, plan.pk]), coordinator),
        "plan list": (reverse("plan_list", args=[SLUG]), coordinator),
        "meetings": (reverse("meeting_list", args=[SLUG]), coordinator),
        "peer-challenge schedule": (reverse("peer_challenge_schedule", args=[SLUG]), coordinator),
        "snapshot archive, signed in": (reverse("snapshot_archive", args=[SLUG]), coordinator),
        "snapshot archive, anonymous": (reverse("snapshot_archive", args=[SLUG]), None),
        "my priorities (DPH lead)": (reverse("my_priorities", args=[SLUG]), f"{SLUG}-dph-1-scale"),
        "public plan": (reverse("public_plan", args=[SLUG]), None),
    }
    assert tuple(pages) == PAGES
    return pages


def _read_pages() -> dict[str, Reading]:
    users = get_user_model().objects
    readings = {}
    for label, (url, username) in _pages().items():
        client = Client()
        if username is not None:
            client.force_login(users.get(username=username))
        # The anonymous archive is cached: read it as its first visitor does.
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        readings[label] = Reading(response.status_code, len(queries), len(response.content), response.context)
    return readings


@pytest.fixture(scope="module")
def module_readings(django_db_setup, django_db_blocker) -> dict[int, dict[str, Reading]]:
    """Every page read with one region generated at history 1, then again at history 3; in a
    transaction rolled back after the module, like TestCase.setUpTestData."""
    by_history = {}
    with time_machine.travel(NOW, tick=False), django_db_blocker.unblock(), transaction.atomic():
        try:
            national = UserFactory(username="national", first_name="Harry", last_name="Holt")
            MembershipFactory(user=national, region=None, role=Membership.Role.NATIONAL)
            for history in HISTORIES:
                delete_scale_data()
                generate_scale_data(scale=1, regions=1, today=DAY, history=history)
                # The board reads its workspace too: the national view shows its RAG ratings.
                Region.objects.filter(slug=SLUG).update(share_workspace_with_national_board=True)
                by_history[history] = _read_pages()
        finally:
            transaction.set_rollback(True)
            cache.clear()
    return by_history


@pytest.fixture
def readings(module_readings, db):
    return module_readings


@pytest.mark.parametrize("page", PAGES)
def test_three_times_the_history_takes_the_same_queries(readings, page):
    once, thrice = readings[1][page], readings[3][page]
    assert once.status == thrice.status == 200
    assert thrice.queries == once.queries


def test_the_dashboard_lists_as_many_overdue_actions_with_three_times_the_history(readings):
    once, thrice = readings[1]["dashboard"].context["dashboard"], readings[3]["dashboard"].context["dashboard"]
    # The old plans' actions left open are history: only the active plan's are listed, ten at most.
    assert 0 < thrice.overdue_actions_total == once.overdue_actions_total
    assert len(thrice.overdue_actions) == len(once.overdue_actions) <= OVERDUE_ACTIONS_SHOWN
    assert {action.meeting.priority_area.plan_id for action in thrice.overdue_actions} == {thrice.plan.pk}


def test_the_dashboard_page_is_no_bigger_with_three_times_the_history(readings):
    # Ids in links may take a digit more; nothing listed grows with the past.
    assert readings[3]["dashboard"].size <= readings[1]["dashboard"].size * 1.02
