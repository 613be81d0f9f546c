import datetime

import pytest
import time_machine
from django.urls import reverse

from priorities import services
from priorities.models import KeyObjective, PriorityArea, QuarterlyUpdate
from priorities.tests.factories import KeyObjectiveFactory, PriorityAreaFactory, QuarterlyUpdateFactory
from programmes.tests.factories import UserFactory
from sli_portal.core.quarters import Quarter
from sli_portal.tests.plan_data import signed_off_objective

pytestmark = pytest.mark.django_db

# On 5 July 2024 the reporting quarter is 2024/25 Q1, due 14 July 2024.
JULY_5 = datetime.datetime(2024, 7, 5, 10, tzinfo=datetime.UTC)
Q1 = Quarter(2024, 1)


# My priorities


@time_machine.travel(JULY_5, tick=False)
def test_my_priorities_lists_the_leads_objectives_with_their_update_status(client, region, dph_lead, priority_1):
    not_started = signed_off_objective(priority_1, 1, title="Not started objective")
    draft = signed_off_objective(priority_1, 2, title="Draft objective")
    done = signed_off_objective(priority_1, 3, title="Submitted objective")
    QuarterlyUpdateFactory(key_objective=draft, quarter=Q1, submitted_at=None)
    QuarterlyUpdateFactory(key_objective=done, quarter=Q1, submitted_at=JULY_5)
    client.force_login(dph_lead)

    page = client.get(reverse("my_priorities", args=[region.slug])).content.decode()

    assert "Updates for <strong>2024/25 Q1</strong> are due by <strong>Sunday 14 July 2024</strong>" in page
    assert 'class="govuk-task-list"' in page
    for objective, status in [(not_started, "To write"), (draft, "Draft saved"), (done, "Submitted")]:
        row = page.split(f"objective-{objective.pk}-status")[2].split("</div>")[0]
        assert status in row, objective.title
        # A task's status never uses a RAG word.
        assert "Not started" not in row
    assert reverse("update_edit", args=[region.slug, not_started.pk, Q1.code]) in page


@time_machine.travel(datetime.datetime(2024, 7, 20, 10, tzinfo=datetime.UTC), tick=False)
def test_after_the_due_date_the_current_quarter_is_reported(client, region, dph_lead, priority_1):
    signed_off_objective(priority_1, 1)
    client.force_login(dph_lead)
    page = client.get(reverse("my_priorities", args=[region.slug])).content.decode()
    assert "Updates for <strong>2024/25 Q2</strong> are due by <strong>Monday 14 October 2024</strong>" in page


@time_machine.travel(JULY_5, tick=False)
def test_a_lead_sees_only_their_priorities_and_the_coordinator_sees_all(
    client, region, dph_lead, coordinator, priority_1, priority_2
):
    client.force_login(dph_lead)
    page = client.get(reverse("my_priorities", args=[region.slug])).content.decode()
    assert priority_1.title in page and priority_2.title not in page

    client.force_login(coordinator)
    page = client.get(reverse("my_priorities", args=[region.slug])).content.decode()
    assert priority_1.title in page and priority_2.title in page


@pytest.mark.parametrize("count", [1, 10])
@time_machine.travel(datetime.datetime(2025, 1, 20, 10, tzinfo=datetime.UTC), tick=False)
def test_my_priorities_has_a_bounded_number_of_queries(
    client, region, coordinator, plan, count, django_assert_max_num_queries
):
    for number in range(1, count + 1):
        area = PriorityAreaFactory(plan=plan, number=number, lead=UserFactory(), deputy_lead=UserFactory())
        for n in range(3):
            objective = signed_off_objective(area, number * 10 + n)
            # A draft for the last due quarter (2024/25 Q3): overdue, with its draft listed.
            QuarterlyUpdateFactory(key_objective=objective, quarter=Quarter(2024, 3))
    client.force_login(coordinator)
    # Plus three for the session save that renews the sign-in on every request (savepoint, update, release).
    # Session, user, navigation (memberships, leads a priority), region, roles, active plan; the
    # calendar (last due and collecting quarters: 2); priority areas with leads, their
    # objectives, the quarter's updates, which objectives owe it; the overdue ones' drafts:
    # 14 whatever the size.
    with django_assert_max_num_queries(17):
        response = client.get(reverse("my_priorities", args=[region.slug]))
    assert response.status_code == 200


def test_my_priorities_without_an_active_plan(client, region, member):
    client.force_login(member)
    page = client.get(reverse("my_priorities", args=[region.slug])).content.decode()
    assert "no active action plan" in page


# Plan's priorities page


@pytest.mark.parametrize("count", [1, 10])
def test_plan_priorities_has_a_bounded_number_of_queries(
    client, region, member, plan, count, django_assert_max_num_queries
):
    for number in range(1, count + 1):
        area = PriorityAreaFactory(plan=plan, number=number, lead=UserFactory())
        for n in range(2):
            QuarterlyUpdateFactory(key_objective=signed_off_objective(area, number * 10 + n), submitted_at=JULY_5)
    client.force_login(member)
    # Plus three for the session save that renews the sign-in on every request (savepoint, update, release).
    # Session, user, navigation (2), region, roles, plan, latest updates, areas, objectives.
    with django_assert_max_num_queries(13):
        response = client.get(reverse("plan_priorities", args=[region.slug, plan.pk]))
    assert response.status_code == 200


# Priority areas


def test_the_coordinator_adds_a_priority_area_with_a_lead(client, region, coordinator, plan, dph_lead):
    client.force_login(coordinator)
    response = client.post(
        reverse("priority_area_create", args=[region.slug, plan.pk]),
        {"number": 1, "title": "Mental health", "description": "", "lead": dph_lead.pk, "deputy_lead": ""},
    )
    area = PriorityArea.objects.get()
    assert response.status_code == 302
    assert (area.plan, area.lead) == (plan, dph_lead)


def test_a_lead_must_be_a_member_of_the_region(client, region, coordinator, plan, other_coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("priority_area_create", args=[region.slug, plan.pk]),
        {"number": 1, "title": "Mental health", "lead": other_coordinator.pk},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not PriorityArea.objects.exists()


def test_a_priority_number_clash_is_a_form_error(client, region, coordinator, priority_1):
    client.force_login(coordinator)
    response = client.post(
        reverse("priority_area_create", args=[region.slug, priority_1.plan_id]), {"number": 1, "title": "Again"}
    )
    assert "Priority 1 already exists in this plan" in response.content.decode()


def test_the_deputy_cannot_be_the_lead(client, region, coordinator, priority_1, dph_lead):
    client.force_login(coordinator)
    response = client.post(
        reverse("priority_area_edit", args=[region.slug, priority_1.pk]),
        {"number": 1, "title": "Healthy places", "lead": dph_lead.pk, "deputy_lead": dph_lead.pk},
    )
    assert response.status_code == 200
    assert "The deputy lead must be someone other than the DPH lead" in response.content.decode()


# Key objectives: create, propose, sign off


def test_a_lead_proposes_an_objective_with_the_next_number(client, region, dph_lead, priority_1, objective_2):
    client.force_login(dph_lead)
    response = client.post(
        reverse("objective_create", args=[region.slug, priority_1.pk]),
        {"priority_area": priority_1.pk, "title": "Vaping in schools", "number": 99},
    )
    objective = KeyObjective.objects.get(title="Vaping in schools")
    assert response.status_code == 302
    assert objective.sign_off_state == KeyObjective.SignOff.PROPOSED
    assert objective.number == 3  # the posted number is ignored: only the coordinator numbers


def test_a_lead_cannot_propose_into_another_priority(client, region, dph_lead, priority_1, priority_2):
    client.force_login(dph_lead)
    client.post(
        reverse("objective_create", args=[region.slug, priority_1.pk]),
        {"priority_area": priority_2.pk, "title": "Sneaky"},
    )
    assert not KeyObjective.objects.filter(priority_area=priority_2).exists()


def test_the_coordinator_numbers_an_objective_and_a_clash_is_a_form_error(client, region, coordinator, objective_1):
    client.force_login(coordinator)
    response = client.post(
        reverse("objective_create", args=[region.slug, objective_1.priority_area_id]),
        {"priority_area": objective_1.priority_area_id, "title": "Another", "number": 1},
    )
    assert response.status_code == 200
    assert "Key Objective 1 already exists in this plan" in response.content.decode()


def test_the_target_date_uses_the_govuk_date_input(client, region, coordinator, priority_1):
    client.force_login(coordinator)
    response = client.post(
        reverse("objective_create", args=[region.slug, priority_1.pk]),
        {
            "priority_area": priority_1.pk,
            "title": "Dated",
            "target_date_0": "31",
            "target_date_1": "2",
            "target_date_2": "2026",
        },
    )
    assert "Target date must be a real date" in response.content.decode()


SIGN_OFF = {
    "decided_on_0": "3",
    "decided_on_1": "7",
    "decided_on_2": "2024",
    "forum": "SW ADPH network meeting",
    "note": "Agreed at the June network",
}


def test_sign_off_records_the_decision_its_forum_who_recorded_it_and_when(client, region, sli_lead, proposed_objective):
    with time_machine.travel(JULY_5, tick=False):
        client.force_login(sli_lead)
        client.post(reverse("objective_sign_off", args=[region.slug, proposed_objective.pk]), SIGN_OFF)
    proposed_objective.refresh_from_db()
    assert proposed_objective.is_signed_off
    assert (
        proposed_objective.decided_on,
        proposed_objective.decision_forum,
        proposed_objective.signed_off_by,
        proposed_objective.signed_off_at,
        proposed_objective.sign_off_note,
    ) == (datetime.date(2024, 7, 3), "SW ADPH network meeting", sli_lead, JULY_5, "Agreed at the June network")
    assert proposed_objective.agreed_title == proposed_objective.title


def test_the_sign_off_page_shows_what_is_agreed_and_refuses_a_future_decision(
    client, region, sli_lead, proposed_objective
):
    with time_machine.travel(JULY_5, tick=False):
        client.force_login(sli_lead)
        url = reverse("objective_sign_off", args=[region.slug, proposed_objective.pk])
        page = client.get(url).content.decode()
        response = client.post(url, {**SIGN_OFF, "decided_on_0": "6"})
    assert "What the network agrees" in page and proposed_objective.title in page
    assert "The date of the network&#x27;s decision must be today or in the past" in response.content.decode()
    proposed_objective.refresh_from_db()
    assert not proposed_objective.is_signed_off


def test_signing_off_twice_is_a_form_error(client, region, coordinator, objective_1):
    client.force_login(coordinator)
    response = client.post(reverse("objective_sign_off", args=[region.slug, objective_1.pk]), SIGN_OFF)
    assert response.status_code == 200
    assert "already signed off" in response.content.decode()


def test_a_rewritten_objective_awaits_sign_off_and_the_public_keeps_the_agreed_wording(
    client, region, plan, coordinator, objective_1
):
    objective_1.title = "Health protection assurance, extended to care homes"
    objective_1.save()
    assert objective_1.has_changes_awaiting_sign_off
    assert objective_1.public_title == "Health protection assurance"
    assert list(KeyObjective.objects.awaiting_sign_off()) == [objective_1]
    public = client.get(reverse("public_plan", args=[region.slug])).content.decode()
    assert "Health protection assurance" in public and "care homes" not in public

    client.force_login(coordinator)
    client.post(reverse("objective_sign_off", args=[region.slug, objective_1.pk]), SIGN_OFF)
    objective_1.refresh_from_db()
    assert not objective_1.has_changes_awaiting_sign_off
    assert objective_1.public_title == "Health protection assurance, extended to care homes"
    assert not KeyObjective.objects.awaiting_sign_off().exists()


# Renumbering


def _numbers(plan):
    return list(KeyObjective.objects.filter(plan=plan).order_by("number").values_list("title", "number"))


def test_moving_an_objective_shifts_the_ones_in_between(plan, priority_1):
    for number, title in enumerate("ABCDE", start=1):
        KeyObjectiveFactory(priority_area=priority_1, number=number, title=title)
    services.move_objective(objective=KeyObjective.objects.get(title="E"), number=2)
    assert _numbers(plan) == [("A", 1), ("E", 2), ("B", 3), ("C", 4), ("D", 5)]

    services.move_objective(objective=KeyObjective.objects.get(title="E"), number=5)
    assert _numbers(plan) == [("A", 1), ("B", 2), ("C", 3), ("D", 4), ("E", 5)]


def test_renumbering_in_priority_order_closes_gaps(plan, priority_1, priority_2):
    KeyObjectiveFactory(priority_area=priority_2, number=1, title="P2 first")
    KeyObjectiveFactory(priority_area=priority_1, number=7, title="P1 second")
    KeyObjectiveFactory(priority_area=priority_1, number=4, title="P1 first")

    services.renumber_in_priority_order(plan=plan)

    assert _numbers(plan) == [("P1 first", 1), ("P1 second", 2), ("P2 first", 3)]


def test_the_coordinator_renumbers_through_the_page(client, region, coordinator, plan, priority_1):
    first = KeyObjectiveFactory(priority_area=priority_1, number=1, title="First")
    KeyObjectiveFactory(priority_area=priority_1, number=2, title="Second")
    client.force_login(coordinator)
    url = reverse("objective_renumber", args=[region.slug, plan.pk])

    response = client.post(url, {"action": "move", "objective": first.pk, "number": 2})

    assert response.status_code == 302
    assert _numbers(plan) == [("Second", 1), ("First", 2)]
    response = client.post(url, {"action": "move", "objective": first.pk, "number": 0})
    assert "Enter a number of 1 or more" in response.content.decode()


def test_renumbering_keeps_updates_with_their_objective(plan, priority_1):
    objective = KeyObjectiveFactory(priority_area=priority_1, number=9)
    update = QuarterlyUpdateFactory(key_objective=objective)
    services.renumber_in_priority_order(plan=plan)
    assert QuarterlyUpdate.objects.get(pk=update.pk).key_objective.number == 1


@time_machine.travel(datetime.datetime(2024, 7, 20, 10, tzinfo=datetime.UTC), tick=False)
def test_missing_updates_of_the_last_quarter_show_as_overdue_after_its_due_date(client, region, dph_lead, priority_1):
    missing = signed_off_objective(priority_1, 1, title="Still missing")
    done = signed_off_objective(priority_1, 2, title="Already in")
    QuarterlyUpdateFactory(key_objective=done, quarter=Q1, submitted_at=JULY_5)
    client.force_login(dph_lead)

    page = client.get(reverse("my_priorities", args=[region.slug])).content.decode()

    assert "1 update for 2024/25 Q1 is overdue" in page
    assert reverse("update_edit", args=[region.slug, missing.pk, Q1.code]) in page
    assert reverse("update_edit", args=[region.slug, done.pk, Q1.code]) not in page


def test_sign_off_names_the_recorder_in_the_history_outside_a_request(sli_lead, priority_1):
    from priorities.tests.factories import KeyObjectiveFactory

    objective = KeyObjectiveFactory(priority_area=priority_1)
    objective.sign_off(by=sli_lead, note="Agreed at the network meeting")
    assert objective.history.first().history_user == sli_lead
