"""A closed plan is the record of what happened: every write path refuses to change it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from priorities import services
from priorities.models import Evidence, KeyObjective, MeetingAction, PriorityArea, QuarterlyMeeting, QuarterlyUpdate
from programmes import services as programme_services
from programmes.access import region_access
from programmes.models import ActionPlan
from sli_portal.core.quarters import Quarter

pytestmark = pytest.mark.django_db

REFUSAL = "is closed: it can no longer be changed"


@pytest.fixture
def closed(plan, objective_1, objective_2, proposed_objective, update_1, evidence_1, meeting_1, action_1):
    plan.status = ActionPlan.Status.CLOSED
    plan.save()
    return plan


def _state():
    """Every row a write path could touch, to prove a refusal changed nothing."""
    return (
        list(ActionPlan.objects.values_list("title", "start_date", "end_date", "status").order_by("pk")),
        list(PriorityArea.objects.values_list("pk", "title", "lead_id").order_by("pk")),
        list(KeyObjective.objects.values_list("pk", "number", "title", "sign_off_state").order_by("pk")),
        list(QuarterlyUpdate.objects.values_list("pk", "progress", "version", "submitted_at").order_by("pk")),
        list(Evidence.objects.values_list("pk", "title").order_by("pk")),
        list(QuarterlyMeeting.objects.values_list("pk", "quarter", "notes").order_by("pk")),
        list(MeetingAction.objects.values_list("pk", "description", "done_at").order_by("pk")),
    )


def _write_paths(plan, coordinator):
    """(name, a call of the service as the coordinator would make it) for every write path."""
    access = region_access(coordinator, plan.region)
    area = PriorityArea.objects.get(plan=plan, number=1)
    objective = KeyObjective.objects.get(plan=plan, number=1)
    proposed = KeyObjective.objects.get(plan=plan, number=3)
    update = QuarterlyUpdate.objects.get(key_objective=objective)
    evidence = Evidence.objects.get(update=update)
    meeting = QuarterlyMeeting.objects.get(priority_area=area)
    action = MeetingAction.objects.get(meeting=meeting)

    def rename_area():
        area.title = "Renamed"
        services.save_priority_area(priority_area=area)

    def edit_objective():
        objective.title = "Rewritten"
        services.save_objective(objective=objective)

    def new_meeting():
        services.save_meeting(
            meeting=QuarterlyMeeting(
                priority_area=area,
                quarter=Quarter(2025, 1),
                starts_at=datetime.datetime(2025, 7, 10, 10, tzinfo=datetime.UTC),
            ),
            attendees=[],
        )

    return [
        ("edit the plan", lambda: programme_services.update_plan(plan=plan, title="Renamed plan")),
        ("rename a priority area", rename_area),
        ("edit a key objective", edit_objective),
        (
            "sign off an objective",
            lambda: services.sign_off_objective(objective=proposed, by=coordinator, access=access),
        ),
        ("move an objective", lambda: services.move_objective(objective=objective, number=2)),
        ("renumber the plan", lambda: services.renumber_in_priority_order(plan=plan)),
        (
            "save an update",
            lambda: services.save_update(
                objective=objective,
                quarter=update.quarter,
                by=coordinator,
                version=update.version,
                values={**{f: getattr(update, f) for f in services.UPDATE_FIELDS}, "progress": "Changed"},
                submit=False,
            ),
        ),
        (
            "add evidence",
            lambda: services.add_evidence(update=update, by=coordinator, title="Late", link="https://a.example"),
        ),
        ("delete evidence", lambda: services.delete_evidence(evidence=evidence, by=coordinator)),
        ("record a meeting", new_meeting),
        (
            "add a meeting action",
            lambda: services.add_meeting_action(
                action=MeetingAction(meeting=meeting, description="More", owner=coordinator)
            ),
        ),
        ("tick an action", lambda: services.toggle_action(action=action, by=coordinator, access=access)),
    ]


@pytest.mark.parametrize("index", range(12))
def test_every_write_path_refuses_a_closed_plan_and_changes_nothing(closed, coordinator, index):
    name, write = _write_paths(closed, coordinator)[index]
    before = _state()
    with pytest.raises(ValidationError) as error:
        write()
    assert REFUSAL in " ".join(error.value.messages), name
    assert _state() == before, name


def test_the_write_paths_are_all_listed(closed, coordinator):
    assert len(_write_paths(closed, coordinator)) == 12


def test_the_same_writes_work_while_the_plan_is_active(plan, objective_1, coordinator):
    services.move_objective(objective=objective_1, number=5)
    objective_1.refresh_from_db()
    assert objective_1.number == 5


@pytest.mark.parametrize(
    ("url_name", "args", "data"),
    [
        ("objective_renumber", lambda p, o, a, e: [p.pk], {"action": "priority_order"}),
        ("meeting_action_toggle", lambda p, o, a, e: [a.pk], {}),
        ("evidence_delete", lambda p, o, a, e: [e.pk], {}),
    ],
)
def test_a_refused_write_is_a_message_not_a_500(
    client, closed, coordinator, action_1, evidence_1, url_name, args, data
):
    client.force_login(coordinator)
    before = _state()
    url = reverse(url_name, args=[closed.region.slug, *args(closed, None, action_1, evidence_1)])
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "is closed: it can no longer be changed" in response.content.decode()
    assert _state() == before
