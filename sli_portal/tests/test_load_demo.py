import datetime
import functools
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from annual_reports.models import AnnualReport
from case_studies.models import CaseStudy, CaseStudyAttachment
from peer_challenges import services as peer_challenge_services
from peer_challenges.models import PeerChallenge, PeerTeamMember
from peer_challenges.selectors import recommendation_themes
from priorities.models import KeyObjective, MeetingAction, PriorityArea, Project, QuarterlyMeeting, QuarterlyUpdate
from priorities.reporting import last_due_quarter, update_due_date
from programmes.models import ActionPlan, LocalAuthority, Region
from sli_portal.core.quarters import Quarter
from sli_portal.data.demo import PEOPLE, load_demo
from sli_portal.management.commands import load_demo as load_demo_module
from snapshots.models import Snapshot

User = get_user_model()

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


@pytest.fixture(autouse=True)
def media_root(demo_media_root):
    """The demo is loaded (and its files written) once for the module; its tests read them."""
    return demo_media_root


# The demo is built relative to its day: the class loads it and reads it on one pinned day, so
# a run that crosses midnight (London) reads what it loaded.
DEMO_DAY = datetime.datetime(2026, 11, 30, 10, tzinfo=datetime.UTC)


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker, demo_media):
    """The demo loaded once for a class of read-only tests, like TestCase.setUpTestData: it is
    loaded in a transaction rolled back after the class, and each test runs in a savepoint of it."""
    with (
        time_machine.travel(DEMO_DAY, tick=False),
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=demo_media, **DEMO_SETTINGS),
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


def load_demo_without_rendering(*, today=None) -> str:
    """The demo's rows without its twenty-odd PDFs (a second each), for the tests of what the
    rows do; the class below loads it as `make run` does, rendering included."""
    out = StringIO()
    load_demo(today=today, stdout=out, render_snapshots=False)
    return out.getvalue()


@pytest.mark.usefixtures("demo")
class TestTheLoadedDemo:
    def test_running_twice_changes_no_table(self, db):
        first = row_counts()

        output = load_demo_command()

        assert row_counts() == first
        assert "0 rows created, 0 changed, 0 deleted" in output
        assert first["priorities.HistoricalQuarterlyUpdate"] == first["priorities.QuarterlyUpdate"]

    def test_the_demo_has_case_studies_and_this_months_snapshot_features_one(self, db):
        ours = CaseStudy.objects.filter(region__slug="south-west")
        assert ours.published().count() == 2 and ours.filter(state=CaseStudy.State.DRAFT).count() == 1
        assert CaseStudyAttachment.objects.filter(case_study__in=ours.published()).exists()
        this_month = Snapshot.objects.get(region__slug="south-west", month=DEMO_DAY.date().replace(day=1))
        assert this_month.featured_case_study.title.startswith("Falls prevention")

    def test_the_sli_lead_submitted_last_years_annual_report_to_the_board(self, db):
        (report,) = AnnualReport.objects.filter(region__slug="south-west")
        assert report.financial_year == "2025/26" and report.state == AnnualReport.State.SUBMITTED
        assert report.submitted_by.username == "sli-lead" and report.summary
        # Frozen as it was sent: the four quarters of the year, all due by now.
        assert [q["due"] for q in report.content["quarters"]] == [True] * 4
        assert report.content["priorities"] and report.content["plan"]["title"]

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
        missing = active_plan().key_objectives.owing(last_closed).exclude(updates__in=submitted)

        assert sorted(missing.values_list("number", flat=True)) == [5, 7, 11]
        assert QuarterlyUpdate.objects.get(key_objective__in=missing, quarter=last_closed).submitted_at is None

    def test_a_meeting_action_is_overdue(self, db):
        actions = MeetingAction.objects.filter(meeting__priority_area__plan=active_plan())

        assert any(action.is_overdue() for action in actions)

    def test_the_networks_part_of_peer_challenges_is_shown(self, db):
        region = Region.objects.get()
        coordinator = User.objects.get(username="coordinator")
        today = timezone.localdate()
        pool = peer_challenge_services.peer_pool(region, reader=coordinator, today=today)
        # The two DsPH never served; the three officer peers have, on South West teams.
        assert [row.peer.name for row in pool[:2]] == ["Amelia Hart", "Gareth Lloyd"]
        assert all(row.served for row in pool[2:])
        to_prompt = {row.cycle.local_authority.name: row for row in peer_challenge_services.councils_to_prompt(region)}
        assert to_prompt["Dorset"].last_prompt.get_action_display() == "Asked the LGA principal adviser"
        assert to_prompt["Dorset"].adviser.name == "Helen Baxter"
        themes, _ = recommendation_themes(region)
        assert themes[0].label == "Financial planning and management" and len(themes[0].councils) == 3
        # Cornwall's public health challenge follows the sector timetable: its report is out, so
        # nothing of it is late, whatever its progress review.
        late = peer_challenge_services.late_challenges(region, today=today)
        assert not [item for item in late if item.challenge.kind == PeerChallenge.Kind.PUBLIC_HEALTH]

    def test_peer_challenges_cover_every_cycle_status(self, db):
        today = timezone.localdate()
        cycle = PeerChallenge.objects.filter(kind__in=PeerChallenge.LGA_KINDS, onsite_end__lte=today)
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
        published = Snapshot.objects.published()
        recent = published.filter(month__gte=datetime.date(2026, 8, 1))

        assert [snapshot.month.month for snapshot in recent.order_by("month")] == [8, 9, 10]
        assert Snapshot.objects.get(state=Snapshot.State.DRAFT).month == datetime.date(2026, 11, 1)
        assert all(snapshot.pdf for snapshot in published)

    def test_demo_snapshots_were_published_after_their_render_and_the_updates_due_date(self, db):
        for snapshot in Snapshot.objects.published():
            assert snapshot.rendered_at <= snapshot.published_at, snapshot.month
            # Published on the 20th: after the 14th, when a quarter's updates are due.
            assert timezone.localtime(snapshot.published_at).day == 20

    # The demo is true to the plan it imitates (the SW ADPH SLI Action Plan 2022-2024).

    def test_the_active_plan_builds_on_the_networks_earlier_plans(self, db):
        chain, plan = [], active_plan()
        while plan.builds_on is not None:
            plan = plan.builds_on
            chain.append((plan.title, plan.status, plan.start_date, plan.end_date))

        assert chain == [
            ("SW ADPH SLI Action Plan 2022-2024", "closed", datetime.date(2022, 10, 1), datetime.date(2024, 3, 31)),
            ("SW ADPH SLI Action Plan 2022/23", "closed", datetime.date(2022, 4, 1), datetime.date(2022, 9, 30)),
            ("SW ADPH SLI Action Plan 2021/22", "closed", datetime.date(2021, 4, 1), datetime.date(2022, 3, 31)),
        ]

    def test_the_2022_2024_plan_has_five_priority_areas_and_key_objective_14(self, db):
        plan = ActionPlan.objects.get(title="SW ADPH SLI Action Plan 2022-2024")
        areas = list(plan.priority_areas.all())

        assert len(areas) == 5
        assert all(area.lead_id for area in areas)
        assert sum(1 for area in areas if area.deputy_lead_id) == 4
        assert sorted(plan.key_objectives.values_list("number", flat=True)) == list(range(1, 16))
        voice = plan.key_objectives.get(number=14)
        assert voice.title == "The SW ADPH Voice"
        assert "monthly SLI snapshots" in voice.description
        assert voice.sign_off_state == KeyObjective.SignOff.SIGNED_OFF

    def test_qi_projects_were_badged_under_the_2022_2024_plan(self, db):
        plan = ActionPlan.objects.get(title="SW ADPH SLI Action Plan 2022-2024")
        projects = Project.objects.filter(key_objectives__plan=plan).distinct()

        assert projects.count() >= 3
        assert all(plan.start_date <= project.badged_on <= plan.end_date for project in projects)

    def test_the_snapshot_archive_has_every_month_of_the_2022_2024_plan(self, db):
        archive = Snapshot.objects.published().filter(month__lte=datetime.date(2024, 5, 1)).order_by("month")
        months = [snapshot.month for snapshot in archive]

        assert months[0] == datetime.date(2022, 10, 1) and months[-1] == datetime.date(2024, 5, 1)
        assert len(months) == 20  # one a month, none missing
        january = archive.get(month=datetime.date(2024, 1, 1))
        with january.html.open("rb") as page:
            html = page.read().decode()
        # Rendered as of its own month: the plan running then, its last due quarter then.
        assert "SW ADPH SLI Action Plan 2022-2024" in html
        assert "2023/24 Q3" in html
        assert "Key Objective 14: The SW ADPH Voice" in html

    def test_every_updates_narrative_matches_its_rag_status(self, db):
        openings = {
            QuarterlyUpdate.Rag.NOT_STARTED: "Not started",
            QuarterlyUpdate.Rag.RED: "Behind plan",
            QuarterlyUpdate.Rag.AMBER: "Progressing, with some slippage",
            QuarterlyUpdate.Rag.GREEN: "On track",
            QuarterlyUpdate.Rag.COMPLETE: "Complete",
        }
        for update in QuarterlyUpdate.objects.all():
            assert update.progress.startswith(openings[update.rag_status]), (update, update.progress)
            if update.rag_status == QuarterlyUpdate.Rag.RED:
                assert not update.achievements
                assert update.risks_and_issues != "No new risks this quarter."

    def test_no_update_follows_a_complete_one(self, db):
        for update in QuarterlyUpdate.objects.filter(rag_status=QuarterlyUpdate.Rag.COMPLETE):
            later = QuarterlyUpdate.objects.filter(key_objective=update.key_objective, quarter__gt=update.quarter.code)
            assert not later.exists(), update

    def test_each_meeting_reviews_a_quarter_whose_updates_were_due_before_it(self, db):
        plan = active_plan()
        today = timezone.localdate()
        last_due = last_due_quarter(plan.region, today)
        meetings = QuarterlyMeeting.objects.filter(priority_area__plan=plan).select_related("priority_area")

        assert meetings.exists()
        for meeting in meetings:
            assert timezone.localdate(meeting.starts_at) > update_due_date(plan.region, meeting.quarter), meeting
            held = timezone.localdate(meeting.starts_at) < today
            assert held == (meeting.quarter < last_due), meeting
        # The next meeting of every priority area reviews the last due quarter.
        upcoming = meetings.filter(starts_at__gte=timezone.now())
        assert sorted(meeting.priority_area.number for meeting in upcoming) == [1, 2, 3, 4, 5]
        assert {meeting.quarter for meeting in upcoming} == {last_due}


def test_refuses_to_run_when_debug_is_off(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        load_demo_command()
    assert not Region.objects.exists()


def test_runs_with_force_when_debug_is_off(db, settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.setattr(load_demo_module, "load_demo", functools.partial(load_demo, render_snapshots=False))

    load_demo_command("--force")

    assert Region.objects.filter(slug="south-west").exists()


def test_a_later_day_moves_the_demo_and_stays_idempotent(db):
    load_demo_without_rendering()
    later = timezone.localdate() + datetime.timedelta(days=400)

    with time_machine.travel(datetime.datetime.combine(later, datetime.time(9)), tick=False):
        load_demo_without_rendering()
        counts = row_counts()
        output = load_demo_without_rendering()

        assert row_counts() == counts
        assert "0 rows created, 0 changed, 0 deleted" in output
        plan = active_plan()
        assert plan.start_date <= later <= plan.end_date
        assert not QuarterlyUpdate.objects.filter(key_objective__plan=plan, quarter__lt=plan.quarters[0]).exists()


def test_the_demo_indicators_are_illustrative_linked_and_idempotent(db):
    from indicators.models import ENGLAND_CODE, Indicator, IndicatorLink, IndicatorValue

    load_demo_without_rendering()
    values = sorted(IndicatorValue.objects.values_list(*[f.attname for f in IndicatorValue._meta.concrete_fields]))
    output = load_demo_without_rendering()

    assert "0 rows created, 0 changed, 0 deleted" in output
    assert (
        sorted(IndicatorValue.objects.values_list(*[f.attname for f in IndicatorValue._meta.concrete_fields])) == values
    )
    assert set(Indicator.objects.values_list("fingertips_id", "illustrative")) == {
        (92443, True), (93088, True), (41001, True), (90366, True),
    }  # fmt: skip
    # England, the region and its fifteen councils, six periods (life expectancy by sex: twice).
    assert IndicatorValue.objects.filter(indicator__fingertips_id=92443).count() == 17 * 6
    assert IndicatorValue.objects.filter(indicator__fingertips_id=90366).count() == 17 * 6 * 2
    dashboard = KeyObjective.objects.get(plan=active_plan(), number=16)
    assert IndicatorLink.objects.filter(key_objective=dashboard).count() == 4
    assert IndicatorLink.objects.filter(key_objective__plan=active_plan()).exclude(target="").exists()
    # The comparison with England agrees with each value's confidence interval.
    england = {
        (row.indicator_id, row.period, row.sex): row.value
        for row in IndicatorValue.objects.filter(area_code=ENGLAND_CODE)
    }
    for row in IndicatorValue.objects.exclude(area_code=ENGLAND_CODE).exclude(value=None).select_related("indicator"):
        reference = england[(row.indicator_id, row.period, row.sex)]
        if row.lower_ci > reference or row.upper_ci < reference:
            assert row.compared_to_england in ("Better 95%", "Worse 95%"), row
        else:
            assert row.compared_to_england == "Similar", row
    # The Isles of Scilly are too small for a suicide rate: suppressed, with a note.
    scilly = IndicatorValue.objects.filter(indicator__fingertips_id=41001, area_code="E06000053")
    assert all(row.value is None and row.value_note for row in scilly)
