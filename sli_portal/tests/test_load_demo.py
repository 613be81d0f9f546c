import datetime
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from peer_challenges.models import PeerChallenge, PeerTeamMember
from priorities.models import KeyObjective, MeetingAction, PriorityArea, QuarterlyUpdate
from programmes.models import ActionPlan, LocalAuthority, Region
from sli_portal.core.quarters import Quarter
from sli_portal.data.demo import PEOPLE
from snapshots.models import Snapshot

SOUTH_WEST_COUNCILS = {
    "E06000022": "unitary",
    "E06000023": "unitary",
    "E06000024": "unitary",
    "E06000025": "unitary",
    "E06000026": "unitary",
    "E06000027": "unitary",
    "E06000030": "unitary",
    "E06000052": "unitary",
    "E06000053": "unitary",
    "E06000054": "unitary",
    "E06000058": "unitary",
    "E06000059": "unitary",
    "E06000066": "unitary",
    "E10000008": "county",
    "E10000013": "county",
}


# pytest-django runs tests with DEBUG off, which the command refuses; the MD5 hasher keeps
# creating and logging in ten users fast.
DEMO_SETTINGS = {"DEBUG": True, "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"]}


@pytest.fixture(autouse=True)
def demo_settings(settings):
    for name, value in DEMO_SETTINGS.items():
        setattr(settings, name, value)


# The demo is built relative to its day: the class loads it and reads it on one pinned day, so
# a run that crosses midnight (London) reads what it loaded.
DEMO_DAY = datetime.datetime(2026, 11, 30, 10, tzinfo=datetime.UTC)


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for a class of read-only tests, like TestCase.setUpTestData: it is
    loaded in a transaction rolled back after the class, and each test runs in a savepoint of it."""
    with (
        time_machine.travel(DEMO_DAY, tick=False),
        django_db_blocker.unblock(),
        override_settings(**DEMO_SETTINGS),
        transaction.atomic(),
    ):
        try:
            load_demo_command()
            yield
        finally:
            transaction.set_rollback(True)


def load_demo_command(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every table, history and many-to-many tables included."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models(include_auto_created=True)}


def active_plan() -> ActionPlan:
    return ActionPlan.objects.get(region__slug="south-west", status=ActionPlan.Status.ACTIVE)


def test_running_twice_changes_no_table(db):
    load_demo_command()
    first = row_counts()

    output = load_demo_command()

    assert row_counts() == first
    assert "0 rows created, 0 changed, 0 deleted" in output
    assert first["priorities.HistoricalQuarterlyUpdate"] == first["priorities.QuarterlyUpdate"]


@pytest.mark.usefixtures("demo")
class TestTheLoadedDemo:
    def test_south_west_has_its_fifteen_councils(self, db):
        councils = LocalAuthority.objects.filter(region__slug="south-west")

        assert dict(councils.values_list("gss_code", "kind")) == SOUTH_WEST_COUNCILS
        assert Region.objects.get(slug="south-west").gss_code == "E12000009"

    def test_active_plan_covers_today_and_builds_on_the_closed_plan(self, db):
        plan = active_plan()

        assert plan.start_date <= timezone.localdate() <= plan.end_date
        assert plan.builds_on.title == "SW ADPH SLI Action Plan 2022-2024"
        assert plan.builds_on.status == ActionPlan.Status.CLOSED
        assert plan.title == f"SW ADPH SLI Action Plan {plan.start_date.year}-{plan.end_date.year}"

    def test_key_objective_14_is_the_sw_adph_voice(self, db):
        objective = KeyObjective.objects.get(plan=active_plan(), number=14)

        assert objective.title == "The SW ADPH Voice"
        assert "monthly SLI snapshots" in objective.description

    def test_key_objectives_are_numbered_1_to_16_across_the_plan(self, db):
        numbers = list(active_plan().key_objectives.values_list("number", flat=True))

        assert sorted(numbers) == list(range(1, 17))

    def test_dph_lead_leads_priority_1_only(self, db):
        led = PriorityArea.objects.filter(lead__username="dph-lead")

        assert [(area.plan, area.number) for area in led] == [(active_plan(), 1)]
        assert not PriorityArea.objects.filter(deputy_lead__username="dph-lead").exists()

    def test_every_demo_user_can_log_in_with_the_demo_password(self, db, client, settings):
        for person in PEOPLE:
            assert client.login(username=person.username, password=settings.DEMO_PASSWORD), person.username
            client.logout()

    def test_some_objectives_have_no_submitted_update_for_the_last_closed_quarter(self, db):
        last_closed = Quarter.from_date(timezone.localdate()).previous()
        submitted = QuarterlyUpdate.objects.filter(quarter=last_closed, submitted_at__isnull=False)
        signed_off = active_plan().key_objectives.filter(sign_off_state=KeyObjective.SignOff.SIGNED_OFF)

        missing = signed_off.exclude(updates__in=submitted)

        assert sorted(missing.values_list("number", flat=True)) == [5, 7, 11]
        assert QuarterlyUpdate.objects.get(key_objective__in=missing, quarter=last_closed).submitted_at is None

    def test_a_meeting_action_is_overdue(self, db):
        actions = MeetingAction.objects.filter(meeting__priority_area__plan=active_plan())

        assert any(action.is_overdue() for action in actions)

    def test_peer_challenges_cover_every_cycle_status(self, db):
        today = timezone.localdate()
        cycle = PeerChallenge.objects.filter(kind__in=PeerChallenge.CYCLE_KINDS, onsite_end__lte=today)
        years = {}
        for challenge in cycle:
            age = (today - challenge.onsite_end).days / 365.25
            years[challenge.local_authority_id] = min(age, years.get(challenge.local_authority_id, age))

        never = LocalAuthority.objects.exclude(pk__in=cycle.values("local_authority"))
        assert list(never.values_list("name", flat=True)) == ["Isles of Scilly"]
        assert {"current", "due", "overdue"} == {
            "current" if age < 4 else "due" if age <= 5 else "overdue" for age in years.values()
        }
        assert PeerChallenge.objects.filter(onsite_start__gt=today).count() == 1
        assert PeerChallenge.objects.filter(
            onsite_end__lt=today - datetime.timedelta(days=90), report_published_on__isnull=True
        ).exists()

    def test_no_peer_comes_from_the_council_challenged(self, db):
        assert PeerTeamMember.objects.filter(home_council__isnull=False).exists()
        assert not [
            peer for peer in PeerTeamMember.objects.all() if peer.home_council_id == peer.challenge.local_authority_id
        ]

    def test_the_demo_has_published_snapshots_and_this_months_draft(self, db):
        assert Snapshot.objects.filter(state=Snapshot.State.PUBLISHED).count() == 3
        assert Snapshot.objects.filter(state=Snapshot.State.DRAFT).count() == 1
        assert all(snapshot.pdf for snapshot in Snapshot.objects.published())

    def test_demo_snapshots_were_published_after_their_render_and_the_updates_due_date(self, db):
        for snapshot in Snapshot.objects.published():
            assert snapshot.rendered_at <= snapshot.published_at, snapshot.month
            # Published on the 20th: after the 14th, when a quarter's updates are due.
            assert timezone.localtime(snapshot.published_at).day == 20


def test_refuses_to_run_when_debug_is_off(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        load_demo_command()
    assert not Region.objects.exists()


def test_runs_with_force_when_debug_is_off(db, settings):
    settings.DEBUG = False

    load_demo_command("--force")

    assert Region.objects.filter(slug="south-west").exists()


def test_a_later_day_moves_the_demo_and_stays_idempotent(db):
    load_demo_command()
    later = timezone.localdate() + datetime.timedelta(days=400)

    with time_machine.travel(datetime.datetime.combine(later, datetime.time(9)), tick=False):
        load_demo_command()
        counts = row_counts()
        output = load_demo_command()

        assert row_counts() == counts
        assert "0 rows created, 0 changed, 0 deleted" in output
        plan = active_plan()
        assert plan.start_date <= later <= plan.end_date
        assert not QuarterlyUpdate.objects.filter(key_objective__plan=plan, quarter__lt=plan.quarters[0]).exists()
