"""The Django admin: every page of every portal model opens for a superuser, changelists make a
fixed number of queries however many rows they show, and the admin-only tools work."""

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from peer_challenges.tests.factories import PeerChallengeFactory, PeerTeamMemberFactory
from priorities.models import KeyObjective
from priorities.tests.factories import (
    KeyObjectiveFactory,
    PriorityAreaFactory,
    ProjectFactory,
    QuarterlyMeetingFactory,
    QuarterlyUpdateFactory,
)
from programmes.tests.factories import (
    ActionPlanFactory,
    EventFactory,
    LocalAuthorityFactory,
    MembershipFactory,
    RegionFactory,
)
from sli_portal.core.quarters import Quarter
from snapshots.tests.factories import SnapshotFactory, SubscriberFactory

PORTAL_APPS = {"programmes", "priorities", "snapshots", "peer_challenges"}

# One factory per registered model; Evidence, MeetingAction and PeerTeamMember are inlines.
FACTORIES = [
    RegionFactory,
    LocalAuthorityFactory,
    MembershipFactory,
    ActionPlanFactory,
    EventFactory,
    PriorityAreaFactory,
    KeyObjectiveFactory,
    QuarterlyUpdateFactory,
    QuarterlyMeetingFactory,
    ProjectFactory,
    SnapshotFactory,
    SubscriberFactory,
    PeerChallengeFactory,
]
by_model = pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f._meta.model.__name__)
by_model_with_history = pytest.mark.parametrize(
    "factory", [f for f in FACTORIES if hasattr(f._meta.model, "history")], ids=lambda f: f._meta.model.__name__
)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


def test_every_portal_model_is_registered():
    registered = {model for model in admin.site._registry if model._meta.app_label in PORTAL_APPS}
    assert registered == {factory._meta.model for factory in FACTORIES}


def test_admin_index_opens(superuser_client):
    assert superuser_client.get(reverse("admin:index")).status_code == 200


@by_model
def test_changelist_opens(superuser_client, factory):
    factory()
    assert superuser_client.get(admin_url(factory._meta.model, "changelist")).status_code == 200


@by_model
def test_add_page_opens(superuser_client, factory):
    assert superuser_client.get(admin_url(factory._meta.model, "add")).status_code == 200


@by_model
def test_change_page_opens(superuser_client, factory):
    obj = factory()
    assert superuser_client.get(admin_url(factory._meta.model, "change", obj.pk)).status_code == 200


@by_model
def test_history_page_opens(superuser_client, factory):
    obj = factory()
    assert superuser_client.get(admin_url(factory._meta.model, "history", obj.pk)).status_code == 200


@by_model_with_history
def test_history_admin_is_used_where_history_is_kept(factory):
    assert isinstance(admin.site._registry[factory._meta.model], SimpleHistoryAdmin)


@by_model_with_history
def test_a_past_version_opens(superuser_client, factory):
    model = factory._meta.model
    obj = factory()
    version = obj.history.earliest()
    url = admin_url(model, "simple_history", obj.pk, version.history_id)
    assert superuser_client.get(url).status_code == 200


def _changelist_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_key_objective_changelist_queries_do_not_grow_with_objectives(superuser_client):
    # Each objective has its own priority area and plan, so a missing select_related would cost
    # one query per row; the count is session, user, filters, count and the one page query.
    url = admin_url(KeyObjective, "changelist")
    KeyObjectiveFactory.create_batch(3)
    superuser_client.get(url)  # warm the content-type and permission caches
    with_three = _changelist_queries(superuser_client, url)
    KeyObjectiveFactory.create_batch(7)
    assert _changelist_queries(superuser_client, url) == with_three


@by_model
def test_changelist_queries_do_not_grow_with_rows(superuser_client, factory):
    # Every row brings its own related objects (region, plan, council...), so a column that
    # list_select_related does not cover would add queries as rows are added.
    url = admin_url(factory._meta.model, "changelist")
    factory.create_batch(2)
    superuser_client.get(url)
    with_two = _changelist_queries(superuser_client, url)
    factory.create_batch(4)
    assert _changelist_queries(superuser_client, url) == with_two


def test_record_sign_off_signs_off_the_proposed_objectives(superuser_client, superuser, priority_1, sli_lead):
    proposed = KeyObjectiveFactory.create_batch(2, priority_area=priority_1)
    already = KeyObjectiveFactory(priority_area=priority_1)
    already.sign_off(by=sli_lead)
    response = superuser_client.post(
        admin_url(KeyObjective, "changelist"),
        {"action": "record_sign_off", "_selected_action": [o.pk for o in [*proposed, already]]},
    )
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Recorded the network sign-off of 2 key objectives. 1 was already signed off."
    ]
    for objective in proposed:
        objective.refresh_from_db()
        assert objective.signed_off_by == superuser
    already.refresh_from_db()
    assert already.signed_off_by == sli_lead


def test_sign_off_is_not_editable_on_the_change_page(superuser_client, priority_1):
    objective = KeyObjectiveFactory(priority_area=priority_1)
    form = superuser_client.get(admin_url(KeyObjective, "change", objective.pk)).context["adminform"].form
    assert "sign_off_state" not in form.fields
    assert "signed_off_at" not in form.fields


def test_update_changelist_shows_and_filters_the_quarter_label(superuser_client, priority_1):
    objective = KeyObjectiveFactory(priority_area=priority_1)
    QuarterlyUpdateFactory(key_objective=objective, quarter=Quarter(2023, 4))
    QuarterlyUpdateFactory(key_objective=objective, quarter=Quarter(2024, 1))
    url = admin_url(QuarterlyUpdateFactory._meta.model, "changelist")

    response = superuser_client.get(url)
    assert "2023/24 Q4" in response.text
    assert "2024/25 Q1" in response.text

    response = superuser_client.get(url, {"quarter": "2024/25 Q1"})
    assert [update.quarter for update in response.context["cl"].result_list] == [Quarter(2024, 1)]


def test_update_change_page_shows_the_quarter_as_its_label(superuser_client, priority_1):
    update = QuarterlyUpdateFactory(key_objective=KeyObjectiveFactory(priority_area=priority_1))
    response = superuser_client.get(admin_url(update, "change", update.pk))
    assert 'value="2024/25 Q1"' in response.text


def test_add_an_update_with_a_quarter_label(superuser_client, priority_1):
    objective = KeyObjectiveFactory(priority_area=priority_1)
    response = superuser_client.post(
        admin_url(objective.updates.model, "add"),
        {
            "key_objective": objective.pk,
            "quarter": "2023/24 Q2",
            "rag_status": "amber",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert objective.updates.get().quarter == Quarter(2023, 2)


def test_add_an_update_refuses_a_quarter_that_is_not_a_label(superuser_client, priority_1):
    objective = KeyObjectiveFactory(priority_area=priority_1)
    response = superuser_client.post(
        admin_url(objective.updates.model, "add"),
        {
            "key_objective": objective.pk,
            "quarter": "2023/25 Q1",
            "rag_status": "amber",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
        },
    )
    assert response.context["adminform"].form.errors["quarter"] == ["Enter a quarter like 2023/24 Q2"]
    assert not objective.updates.exists()


def test_an_objective_number_used_elsewhere_in_the_plan_is_a_form_error(superuser_client, priority_1, priority_2):
    KeyObjectiveFactory(priority_area=priority_1, number=14)
    response = superuser_client.post(
        admin_url(KeyObjective, "add"), {"priority_area": priority_2.pk, "number": 14, "title": "Duplicate"}
    )
    assert response.status_code == 200
    assert "number" in response.context["adminform"].form.errors


def test_peer_challenge_change_page_lists_its_team(superuser_client):
    member = PeerTeamMemberFactory(name="Jo Bloggs")
    response = superuser_client.get(admin_url(member.challenge, "change", member.challenge.pk))
    assert "Jo Bloggs" in response.text
