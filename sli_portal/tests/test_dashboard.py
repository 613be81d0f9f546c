import datetime

import pytest
import time_machine
from django.urls import reverse

from peer_challenges.tests.factories import PeerChallengeFactory
from priorities.models import MeetingAction
from priorities.tests.factories import PriorityAreaFactory, QuarterlyMeetingFactory, QuarterlyUpdateFactory
from programmes.models import ActionPlan
from programmes.tests.factories import ActionPlanFactory, EventFactory, LocalAuthorityFactory
from sli_portal.core.quarters import Quarter
from sli_portal.pages.dashboard import region_dashboard
from sli_portal.tests.plan_data import Q1, Q2, Q3, TODAY, grow, signed_off_objective
from snapshots.tests.conftest import make_ready
from snapshots.tests.factories import SnapshotFactory

pytestmark = pytest.mark.django_db


def cell_texts(dashboard, number):
    row = next(r for r in dashboard.matrix if r.priority_area.number == number)
    return {cell.quarter: cell.text for cell in row.cells}


def test_the_matrix_counts_submitted_rag_per_priority_and_quarter_up_to_the_last_due_quarter(region, plan, progress):
    dashboard = region_dashboard(region, today=TODAY)
    # 20 January 2025: Q3 was due on 14 January; Q4 is being collected and is no column.
    assert dashboard.quarters == [Q3, Q2, Q1]  # newest first
    assert cell_texts(dashboard, 1) == {Q1: "1 red", Q2: "1 amber", Q3: "1 green"}
    # Objective 2's Q3 update is still a draft: it does not count.
    assert cell_texts(dashboard, 2) == {Q1: "1 amber", Q2: "No updates", Q3: "No updates"}


def test_a_cell_lists_worst_first_in_words(region, plan, priority_1, objective_1):
    now = datetime.datetime(2024, 7, 5, tzinfo=datetime.UTC)
    for number, rag in ((20, "green"), (21, "green"), (22, "amber")):
        QuarterlyUpdateFactory(
            key_objective=signed_off_objective(priority_1, number), quarter=Q1, rag_status=rag, submitted_at=now
        )
    QuarterlyUpdateFactory(key_objective=objective_1, quarter=Q1, rag_status="not_started", submitted_at=now)
    assert cell_texts(region_dashboard(region, today=TODAY), 1)[Q1] == "1 amber, 2 green, 1 not started"


def test_objectives_without_a_submitted_update_are_overdue_after_the_due_date(region, plan, progress, objective_2):
    dashboard = region_dashboard(region, today=TODAY)
    assert dashboard.reporting_quarter == Q3
    assert dashboard.updates_due_on == datetime.date(2025, 1, 14)
    # The proposed objective is not expected to report; objective 2 has only a draft.
    assert dashboard.missing_updates == [objective_2]


def test_on_the_due_day_the_quarter_is_still_being_collected(region, plan, progress, objective_2):
    dashboard = region_dashboard(region, today=datetime.date(2025, 1, 14))
    # The headline stays on Q2 (due 14 October), where objective 2 never submitted.
    assert dashboard.reporting_quarter == Q2
    assert dashboard.missing_updates == [objective_2]
    assert dashboard.collecting.summary == "2024/25 Q3: 1 of 2 submitted, due 14 January 2025"
    # The day after, Q3 is the headline and its missing update is overdue.
    assert region_dashboard(region, today=datetime.date(2025, 1, 15)).reporting_quarter == Q3


def test_a_plan_not_started_has_no_quarters(region):
    ActionPlanFactory(region=region, start_date=datetime.date(2025, 4, 1), end_date=datetime.date(2027, 3, 31))
    dashboard = region_dashboard(region, today=TODAY)
    assert dashboard.quarters == [] and dashboard.reporting_quarter is None


def test_without_an_active_plan_the_rest_still_shows(region):
    ActionPlan.objects.all().delete()
    EventFactory(region=region, starts_at=datetime.datetime(2025, 2, 3, 10, tzinfo=datetime.UTC))
    dashboard = region_dashboard(region, today=TODAY)
    assert dashboard.plan is None and dashboard.matrix == []
    assert len(dashboard.upcoming_events) == 1


def test_meetings_actions_and_peer_challenges(region, plan, priority_1):
    meeting = QuarterlyMeetingFactory(
        priority_area=priority_1,
        quarter=Quarter(2024, 4),
        starts_at=datetime.datetime(2025, 2, 3, 10, tzinfo=datetime.UTC),
    )
    late = MeetingAction.objects.create(meeting=meeting, description="Late", due_date=datetime.date(2025, 1, 2))
    MeetingAction.objects.create(meeting=meeting, description="Not yet", due_date=datetime.date(2025, 2, 2))
    council = LocalAuthorityFactory(region=region, name="Cornwall")
    PeerChallengeFactory(
        local_authority=council, onsite_start=datetime.date(2019, 1, 7), onsite_end=datetime.date(2019, 1, 10)
    )
    booked = LocalAuthorityFactory(region=region, name="Devon")
    visit = PeerChallengeFactory(
        local_authority=booked, onsite_start=datetime.date(2025, 3, 3), onsite_end=datetime.date(2025, 3, 6)
    )
    LocalAuthorityFactory(region=region, name="Dorset")

    dashboard = region_dashboard(region, today=TODAY)

    assert dashboard.overdue_actions == [late]
    assert dashboard.upcoming_meetings == [meeting]
    counts = {c.status: c.count for c in dashboard.cycle_counts}
    assert counts == {"current": 0, "due": 0, "overdue": 1, "booked": 1, "never": 1}
    assert dashboard.cycles_needing_attention == 2
    assert [c.next_booked for c in dashboard.next_visits] == [visit]


@pytest.mark.parametrize("factor", [1, 10])
def test_the_dashboard_page_issues_a_fixed_number_of_queries(
    client, region, plan, progress, coordinator, factor, django_assert_max_num_queries
):
    grow(region, plan, factor)
    # session, user; navigation: memberships, leads a priority; access; active plan; priority
    # areas; RAG matrix; the last due and the collecting quarter's owed objectives (2); the
    # objectives awaiting sign-off; overdue actions (the first ten, and how many); upcoming
    # meetings; events; councils; their
    # peer challenges and the region's peer-challenge settings; the coordinator's tasks:
    # draft plans, the month's snapshot, the last due quarter's meetings, late peer challenges.
    with time_machine.travel(datetime.datetime(2025, 1, 20, 12, tzinfo=datetime.UTC), tick=False):
        client.force_login(coordinator)  # signed in on the same pinned day, so never expired
        with django_assert_max_num_queries(23):
            response = client.get(reverse("dashboard", args=[region.slug]))
    assert response.status_code == 200
    assert response.context["dashboard"].missing_updates


def test_the_page_shows_counts_as_text_in_a_captioned_table(client, region, plan, progress, member):
    with time_machine.travel(datetime.datetime(2025, 1, 20, 12, tzinfo=datetime.UTC), tick=False):
        client.force_login(member)
        page = client.get(reverse("dashboard", args=[region.slug])).content.decode()
    assert "<caption" in page and '<th scope="row"' in page
    assert '<strong class="govuk-tag govuk-tag--red">1 red</strong>' in page
    assert "Overdue: 1 key objective has no submitted update for 2024/25 Q3, due by 14 January 2025." in page


def test_a_cycle_status_has_the_same_colour_on_the_dashboard_as_on_the_schedule(client, region, plan, member):
    from peer_challenges.services import STATUS_TAG_CLASSES

    council = LocalAuthorityFactory(region=region, name="Cornwall")
    PeerChallengeFactory(
        local_authority=council, onsite_start=datetime.date(2020, 10, 5), onsite_end=datetime.date(2020, 10, 8)
    )
    with time_machine.travel(datetime.datetime(2025, 1, 20, 12, tzinfo=datetime.UTC), tick=False):
        client.force_login(member)
        page = client.get(reverse("dashboard", args=[region.slug])).content.decode()
    # Cornwall's last visit ended in October 2020: due from its fourth anniversary.
    assert f'<strong class="govuk-tag {STATUS_TAG_CLASSES["due"]}">Due</strong>' in page
    assert STATUS_TAG_CLASSES["due"] == "govuk-tag--yellow"


def test_objectives_awaiting_sign_off_are_listed_for_those_who_record_it(
    client, region, plan, proposed_objective, objective_1, sli_lead, member
):
    sign_off_url = reverse("objective_sign_off", args=[region.slug, proposed_objective.pk])
    with time_machine.travel(datetime.datetime(2025, 1, 20, 12, tzinfo=datetime.UTC), tick=False):
        client.force_login(sli_lead)
        page = client.get(reverse("dashboard", args=[region.slug])).content.decode()
        assert sign_off_url in page and "Key Objective 3: Draft idea not yet agreed" in page
        assert reverse("objective_sign_off", args=[region.slug, objective_1.pk]) not in page
        client.force_login(member)
        assert sign_off_url not in client.get(reverse("dashboard", args=[region.slug])).content.decode()


# Each role's tasks on the dashboard it lands on


def tasks_of(client, user, region):
    with time_machine.travel(datetime.datetime(2025, 1, 20, 12, tzinfo=datetime.UTC), tick=False):
        client.force_login(user)
        response = client.get(reverse("dashboard", args=[region.slug]))
    return [(task.title, task.status) for task in response.context["tasks"]], response.content.decode()


def test_the_coordinator_is_told_whom_to_chase_and_what_is_next(client, region, plan, progress, coordinator):
    QuarterlyMeetingFactory(priority_area=plan.priority_areas.get(number=1), quarter=Q3, notes="")

    tasks, page = tasks_of(client, coordinator, region)

    assert ("Chase 1 overdue 2024/25 Q3 update", "Overdue") in tasks
    assert ("The January 2025 snapshot", "Not started") in tasks
    assert ("Priority 2: the 2024/25 Q3 meeting", "Not scheduled") in tasks
    # Its draft is in: the coordinator chases it differently (the table says which).
    assert "1 started as a draft" in page
    assert '<ul class="govuk-task-list">' in page.split("Your tasks")[1]


def test_the_sli_lead_records_sign_offs_and_approvals(client, region, plan, proposed_objective, sli_lead):
    ActionPlanFactory(region=region, title="SW ADPH SLI Action Plan 2026-2028", status=ActionPlan.Status.DRAFT)

    tasks, _ = tasks_of(client, sli_lead, region)

    assert tasks == [
        ("Record the network’s sign-off of 1 key objective", "To do"),
        ("Record the network’s approval of “SW ADPH SLI Action Plan 2026-2028”", "Draft"),
    ]


def test_the_publisher_sees_what_is_ready_to_publish(client, region, plan, publisher):
    make_ready(SnapshotFactory(region=region, month=datetime.date(2024, 12, 1)))

    tasks, _ = tasks_of(client, publisher, region)

    assert tasks == [("Publish the December 2024 snapshot", "Ready")]


def test_a_member_reads_the_dashboard_without_tasks(client, region, plan, progress, member):
    tasks, page = tasks_of(client, member, region)
    assert tasks == [] and "Your tasks" not in page


def test_a_member_lands_on_what_changed_since_their_previous_sign_in(client, region, plan, progress, member):
    member.set_password("correct-horse-battery")
    member.last_login = datetime.datetime(2024, 12, 1, 9, tzinfo=datetime.UTC)
    member.save()
    objective = plan.key_objectives.get(number=1)
    with time_machine.travel(datetime.datetime(2025, 1, 20, 12, tzinfo=datetime.UTC), tick=False):
        QuarterlyUpdateFactory(key_objective=objective, quarter=Quarter(2024, 4), rag_status="green")
        client.post(reverse("login"), {"username": "member", "password": "correct-horse-battery"})
        page = client.get(reverse("dashboard", args=[region.slug])).content.decode()

    assert "Since you last signed in" in page and "1 December 2024" in page
    assert "update submitted" in page or "updates submitted" in page


def test_overdue_actions_are_the_active_plan_s_oldest_ten_with_a_link_to_the_rest(
    client, region, plan, priority_1, member
):
    meeting = QuarterlyMeetingFactory(priority_area=priority_1, quarter=Q2)
    for day in range(1, 13):
        MeetingAction.objects.create(meeting=meeting, description=f"Action {day}", due_date=datetime.date(2025, 1, day))
    closed = ActionPlanFactory(region=region, title="Closed plan", status="closed")
    old_area = PriorityAreaFactory(plan=closed, number=1, title="Old priority")
    old_meeting = QuarterlyMeetingFactory(priority_area=old_area, quarter=Q1)
    MeetingAction.objects.create(meeting=old_meeting, description="A closed plan's", due_date=datetime.date(2024, 6, 1))

    dashboard = region_dashboard(region, today=TODAY)
    assert [a.description for a in dashboard.overdue_actions] == [f"Action {day}" for day in range(1, 11)]
    assert dashboard.overdue_actions_total == 12
    with time_machine.travel(datetime.datetime(2025, 1, 20, 12, tzinfo=datetime.UTC), tick=False):
        client.force_login(member)
        page = client.get(reverse("dashboard", args=[region.slug])).content.decode()
    assert "The oldest 10 of 12" in page and reverse("meeting_list", args=[region.slug]) in page
    assert "A closed plan&#x27;s" not in page
