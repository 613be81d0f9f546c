"""Every priorities view × every persona, with the status code each one gets.

A 302 for the anonymous visitor always goes to the sign-in page; a 302 for a signed-in persona
is a successful POST (checked to go anywhere but the sign-in page).
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from priorities.tests.conftest import QUARTER
from sli_portal.tests.helpers import PERSONAS

pytestmark = pytest.mark.django_db


#                  anon member lead lead2 coord publ national other
# The national board reads a region's workspace only when the region shares it (issue 15).
READ = dict(zip(PERSONAS, [302, 200, 200, 200, 200, 200, 403, 403], strict=True))
# Evidence files are the network's own: the national board never downloads them, shared or not.
READ_EVIDENCE = READ
COORDINATE = dict(zip(PERSONAS, [302, 403, 403, 403, 200, 403, 403, 403], strict=True))
WRITE_PRIORITY_1 = dict(zip(PERSONAS, [302, 403, 200, 403, 200, 403, 403, 403], strict=True))
SIGN_OFF = COORDINATE  # and the SLI lead: see test_the_sli_lead_may_record_sign_off
POST_WRITE_PRIORITY_1 = dict(zip(PERSONAS, [302, 403, 302, 403, 302, 403, 403, 403], strict=True))
POST_COORDINATE = dict(zip(PERSONAS, [302, 403, 403, 403, 302, 403, 403, 403], strict=True))
# The action is owned by `member`, in a meeting of priority 1 (led by dph_lead).
POST_TICK_ACTION = dict(zip(PERSONAS, [302, 302, 302, 403, 302, 403, 403, 403], strict=True))


# (URL name, method, the args after the slug (given a fixture getter), the expected codes)
VIEWS = [
    ("my_priorities", "get", lambda o: [], READ),
    ("plan_priorities", "get", lambda o: [o("plan").pk], READ),
    ("priority_area_create", "get", lambda o: [o("plan").pk], COORDINATE),
    ("objective_renumber", "get", lambda o: [o("plan").pk], COORDINATE),
    ("priority_area_detail", "get", lambda o: [o("priority_1").pk], READ),
    ("priority_area_edit", "get", lambda o: [o("priority_1").pk], COORDINATE),
    ("objective_create", "get", lambda o: [o("priority_1").pk], WRITE_PRIORITY_1),
    ("objective_detail", "get", lambda o: [o("objective_1").pk], READ),
    ("objective_edit", "get", lambda o: [o("proposed_objective").pk], WRITE_PRIORITY_1),
    ("objective_sign_off", "get", lambda o: [o("proposed_objective").pk], SIGN_OFF),
    ("update_edit", "get", lambda o: [o("objective_1").pk, QUARTER.code], WRITE_PRIORITY_1),
    ("update_history", "get", lambda o: [o("update_1").pk], READ),
    ("evidence_download", "get", lambda o: [o("evidence_1").pk], READ_EVIDENCE),
    ("evidence_delete", "post", lambda o: [o("evidence_1").pk], POST_WRITE_PRIORITY_1),
    ("meeting_list", "get", lambda o: [], READ),
    ("meeting_create", "get", lambda o: [], COORDINATE),
    ("meeting_detail", "get", lambda o: [o("meeting_1").pk], READ),
    ("meeting_edit", "get", lambda o: [o("meeting_1").pk], COORDINATE),
    ("meeting_ics", "get", lambda o: [o("meeting_1").pk], READ),
    ("meeting_action_create", "post", lambda o: [o("meeting_1").pk], POST_COORDINATE),
    ("meeting_action_toggle", "post", lambda o: [o("action_1").pk], POST_TICK_ACTION),
    ("project_list", "get", lambda o: [], READ),
    ("project_create", "get", lambda o: [], COORDINATE),
    ("project_detail", "get", lambda o: [o("project_1").pk], READ),
    ("project_edit", "get", lambda o: [o("project_1").pk], COORDINATE),
]

POST_DATA = {"meeting_action_create": {"action-description": "Write to the ICB", "action-owner_name": "ICB lead"}}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "method", "args", "expected"), VIEWS, ids=[v[0] for v in VIEWS])
def test_permission_matrix(request, client, region, persona, name, method, args, expected):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    # Only the fixtures this view needs, so the matrix stays fast.
    url = reverse(name, args=[region.slug, *args(request.getfixturevalue)])

    response = getattr(client, method)(url, POST_DATA.get(name, {}))

    assert response.status_code == expected[persona], f"{persona} {method.upper()} {url}"
    if response.status_code == 302:
        signs_in = response["Location"].startswith(reverse("login"))
        assert signs_in == (persona == "anonymous"), response["Location"]


def test_the_sli_lead_may_record_sign_off(client, region, sli_lead, proposed_objective):
    client.force_login(sli_lead)
    response = client.get(reverse("objective_sign_off", args=[region.slug, proposed_objective.pk]))
    assert response.status_code == 200


def test_dph_lead_2_cannot_open_priority_1s_update_form(client, region, dph_lead_2, objective_1):
    client.force_login(dph_lead_2)
    response = client.get(reverse("update_edit", args=[region.slug, objective_1.pk, QUARTER.code]))
    assert response.status_code == 403


def test_dph_lead_2_cannot_post_priority_1s_update(client, region, dph_lead_2, objective_1):
    client.force_login(dph_lead_2)
    url = reverse("update_edit", args=[region.slug, objective_1.pk, QUARTER.code])
    response = client.post(url, {"version": 0, "rag_status": "red", "progress": "Hijacked", "submit": "1"})
    assert response.status_code == 403
    assert not objective_1.updates.exists()


def test_a_lead_may_not_edit_their_objective_once_signed_off(client, region, dph_lead, objective_1):
    client.force_login(dph_lead)
    assert client.get(reverse("objective_edit", args=[region.slug, objective_1.pk])).status_code == 403


def test_a_deputy_lead_writes_the_priority_s_updates(client, region, priority_2, dph_lead, objective_2):
    priority_2.deputy_lead = dph_lead
    priority_2.save()
    client.force_login(dph_lead)
    response = client.get(reverse("update_edit", args=[region.slug, objective_2.pk, QUARTER.code]))
    assert response.status_code == 200


def test_members_do_not_see_draft_history_or_files(client, region, member, update_1, evidence_1):
    update_1.submitted_at = None
    update_1.save()
    client.force_login(member)
    assert client.get(reverse("update_history", args=[region.slug, update_1.pk])).status_code == 403
    assert client.get(reverse("evidence_download", args=[region.slug, evidence_1.pk])).status_code == 403


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("objective_detail", lambda o: [o.pk]),
        ("objective_edit", lambda o: [o.pk]),
        ("objective_sign_off", lambda o: [o.pk]),
        ("update_edit", lambda o: [o.pk, QUARTER.code]),
        ("priority_area_detail", lambda o: [o.priority_area_id]),
        ("priority_area_edit", lambda o: [o.priority_area_id]),
        ("objective_create", lambda o: [o.priority_area_id]),
        ("plan_priorities", lambda o: [o.plan_id]),
        ("objective_renumber", lambda o: [o.plan_id]),
    ],
)
def test_another_regions_ids_are_404(client, region, coordinator, other_objective, name, args):
    client.force_login(coordinator)
    response = client.get(reverse(name, args=[region.slug, *args(other_objective)]))
    assert response.status_code == 404


def test_another_regions_meetings_updates_evidence_and_projects_are_404(
    client, region, other_region, other_coordinator, meeting_1, update_1, evidence_1, project_1, action_1
):
    client.force_login(other_coordinator)
    for name, pk in [
        ("meeting_detail", meeting_1.pk),
        ("meeting_ics", meeting_1.pk),
        ("update_history", update_1.pk),
        ("evidence_download", evidence_1.pk),
        ("project_detail", project_1.pk),
        ("project_edit", project_1.pk),
    ]:
        assert client.get(reverse(name, args=[other_region.slug, pk])).status_code == 404, name
    response = client.post(reverse("meeting_action_toggle", args=[other_region.slug, action_1.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name", ["evidence_delete", "meeting_action_create", "meeting_action_toggle"], ids=lambda name: name
)
def test_post_only_views_refuse_get(client, region, coordinator, evidence_1, meeting_1, action_1, name):
    pk = {"evidence_delete": evidence_1.pk, "meeting_action_create": meeting_1.pk, "meeting_action_toggle": action_1.pk}
    client.force_login(coordinator)
    assert client.get(reverse(name, args=[region.slug, pk[name]])).status_code == 405


def test_a_shared_workspace_opens_to_the_national_board_but_never_its_evidence(
    client, region, objective_1, evidence_1, national
):
    region.share_workspace_with_national_board = True
    region.save()
    evidence_1.update.submitted_at = evidence_1.update.submitted_at or timezone.now()
    evidence_1.update.save()
    client.force_login(national)
    page = client.get(reverse("objective_detail", args=[region.slug, objective_1.pk])).content.decode()
    assert reverse("evidence_download", args=[region.slug, evidence_1.pk]) not in page
    assert "Pilot report (a file for the network's members)" in page
    assert client.get(reverse("evidence_download", args=[region.slug, evidence_1.pk])).status_code == 403
