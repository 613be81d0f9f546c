"""The audit trail: who may read it, what it shows, that it stays a bounded number of queries,
and that the changes that matter (publishing, withdrawing, signing off, roles) name who made them."""

import datetime

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from indicators.models import IndicatorLink
from indicators.tests.factories import IndicatorFactory
from peer_challenges.tests.factories import PeerChallengeFactory
from priorities.models import KeyObjective
from priorities.tests.factories import KeyObjectiveFactory, QuarterlyUpdateFactory
from programmes.models import ActionPlan, Membership
from programmes.tests.factories import ActionPlanFactory, LocalAuthorityFactory, MembershipFactory, UserFactory
from sli_portal.pages import audit
from snapshots.models import Snapshot
from snapshots.tests.factories import SnapshotFactory

PERSONAS = [
    "anonymous",
    "member",
    "dph_lead",
    "dph_lead_2",
    "coordinator",
    "sli_lead",
    "publisher",
    "national",
    "other_coordinator",
    "superuser",
]


def login(client, request, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    return client


def object_url(region, kind, pk):
    return reverse("audit_object", args=[region.slug, kind, pk])


def edit_plan(plan, times: int, *, by=None):
    for n in range(times):
        plan.intro = f"Version {n}"
        plan._history_user = by
        plan.save(update_fields=["intro"])


# --- Who may read it --------------------------------------------------------------------------

AUDIT_READERS = {"coordinator": 200, "sli_lead": 200, "superuser": 200}


@pytest.mark.parametrize("persona", PERSONAS)
def test_object_audit_is_for_the_coordinator_sli_lead_and_superusers(client, request, persona, plan, priority_1):
    login(client, request, persona)
    response = client.get(object_url(plan.region, "plan", plan.pk))
    expected = AUDIT_READERS.get(persona, 302 if persona == "anonymous" else 403)
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_region_audit_log_is_for_the_coordinator_sli_lead_and_superusers(client, request, persona, region, priority_1):
    login(client, request, persona)
    response = client.get(reverse("audit_region", args=[region.slug]))
    assert response.status_code == AUDIT_READERS.get(persona, 302 if persona == "anonymous" else 403)


@pytest.mark.parametrize(
    "persona, expected", [("coordinator", 200), ("superuser", 200), ("sli_lead", 403), ("member", 403)]
)
def test_membership_audit_is_for_the_coordinator_and_superusers(client, request, persona, expected, member):
    login(client, request, persona)
    membership = Membership.objects.get(user=member)
    assert client.get(object_url(membership.region, "membership", membership.pk)).status_code == expected


def test_another_regions_object_is_404(client, region, coordinator, other_region):
    other_plan = ActionPlanFactory(region=other_region)
    client.force_login(coordinator)
    assert client.get(object_url(region, "plan", other_plan.pk)).status_code == 404


@pytest.mark.parametrize("kind, pk", [("user", 1), ("plans", 1), ("plan", 999999)])
def test_an_unknown_kind_or_record_is_404(client, region, coordinator, plan, kind, pk):
    client.force_login(coordinator)
    assert client.get(object_url(region, kind, pk)).status_code == 404


def test_every_kind_opens_for_a_superuser(client, superuser, region, plan, priority_1, member):
    objective = KeyObjectiveFactory(priority_area=priority_1, number=1)
    update = QuarterlyUpdateFactory(key_objective=objective)
    challenge = PeerChallengeFactory(local_authority=LocalAuthorityFactory(region=region))
    snapshot = SnapshotFactory(region=region)
    membership = Membership.objects.get(user=member)
    client.force_login(superuser)
    for kind, obj in [
        ("plan", plan),
        ("objective", objective),
        ("update", update),
        ("challenge", challenge),
        ("snapshot", snapshot),
        ("membership", membership),
    ]:
        response = client.get(object_url(region, kind, obj.pk))
        assert response.status_code == 200, kind
        assert "Created" in response.content.decode(), kind


# --- What it shows ----------------------------------------------------------------------------


def test_a_change_shows_readable_labels_and_values_and_who(client, region, coordinator, priority_1, sli_lead):
    objective = KeyObjectiveFactory(priority_area=priority_1, number=7, title="Winter plan")
    objective._history_user = sli_lead
    objective.sign_off(by=sli_lead, note="Agreed")
    client.force_login(coordinator)
    page = client.get(object_url(region, "objective", objective.pk)).content.decode()
    assert "History of Key Objective 7: Winter plan" in page
    assert "<strong>Sign off state</strong>: Proposed" in page
    assert "Signed off" in page
    assert "<strong>Signed off by</strong>: (empty)" in page
    assert sli_lead.get_full_name() in page
    # The creation by a factory outside any request has no acting user.
    assert "System" in page and "Created" in page


def test_times_are_shown_in_uk_time(client, region, coordinator, plan):
    with time_machine.travel(datetime.datetime(2024, 7, 1, 9, 30, tzinfo=datetime.UTC), tick=False):
        edit_plan(plan, 1, by=coordinator)
    client.force_login(coordinator)
    page = client.get(object_url(region, "plan", plan.pk)).content.decode()
    assert "1 Jul 2024<br>10:30" in page


def test_newest_change_comes_first(client, region, coordinator, plan):
    edit_plan(plan, 2)
    client.force_login(coordinator)
    page = client.get(object_url(region, "plan", plan.pk)).content.decode()
    assert page.index("Version 1</li>") < page.index("Version 0</li>") < page.index("Created")


def test_history_is_paged(client, region, coordinator, plan):
    edit_plan(plan, 30)
    client.force_login(coordinator)
    first = client.get(object_url(region, "plan", plan.pk)).content.decode()
    second = client.get(object_url(region, "plan", plan.pk) + "?page=2").content.decode()
    assert "Older changes" in first and "Version 29</li>" in first and "Created" not in first
    assert "Newer changes" in second and "Created" in second
    assert client.get(object_url(region, "plan", plan.pk) + "?page=nonsense").status_code == 200


@pytest.mark.parametrize("edits", [1, 10])
def test_object_audit_takes_a_bounded_number_of_queries(
    client, region, coordinator, plan, edits, django_assert_max_num_queries
):
    edit_plan(plan, edits, by=coordinator)
    client.force_login(coordinator)
    # session, user, region, access, memberships and priority leads (navigation), the latest
    # row, the count, the page of rows, the previous rows' ids, the previous rows, and the
    # session's refresh (savepoint, update, release); changed foreign keys would add one query
    # per related model.
    with django_assert_max_num_queries(14):
        response = client.get(object_url(region, "plan", plan.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("scale", [1, 10])
def test_region_audit_takes_a_bounded_number_of_queries(
    client, region, coordinator, priority_1, member, scale, django_assert_max_num_queries
):
    for n in range(scale):
        objective = KeyObjectiveFactory(priority_area=priority_1, number=n + 1)
        QuarterlyUpdateFactory(key_objective=objective)
        objective.sign_off(by=coordinator)
        SnapshotFactory(region=region)
        PeerChallengeFactory(local_authority=LocalAuthorityFactory(region=region))
    client.force_login(coordinator)
    # session, user, region, access, navigation (2), then per kind (6) its rows, and for the
    # kinds on the page the previous rows' ids and rows (≤ 12), then one query per related
    # model named in a change (users, here).
    with django_assert_max_num_queries(28):
        response = client.get(reverse("audit_region", args=[region.slug]))
    assert response.status_code == 200
    assert "Key objective: " in response.content.decode()


def test_region_log_filters_by_kind(client, region, coordinator, plan, priority_1):
    KeyObjectiveFactory(priority_area=priority_1, number=4, title="Only objectives")
    client.force_login(coordinator)
    url = reverse("audit_region", args=[region.slug])
    page = client.get(url, {"kind": "objective"}).content.decode()
    assert "Only objectives" in page and "Action plan: <a" not in page
    everything = client.get(url).content.decode()
    assert "Only objectives" in everything and "Action plan: <a" in everything


def test_region_log_rejects_an_unknown_kind_with_a_message(client, region, coordinator, plan):
    client.force_login(coordinator)
    response = client.get(reverse("audit_region", args=[region.slug]), {"kind": "user", "page": "-3"})
    assert response.status_code == 200
    assert "Select a kind of record from the list" in response.content.decode()


def test_region_log_hides_memberships_from_the_sli_lead(client, region, sli_lead, member):
    client.force_login(sli_lead)
    response = client.get(reverse("audit_region", args=[region.slug]), {"kind": "membership"})
    assert response.status_code == 200
    assert "Select a kind of record from the list" in response.content.decode()
    assert member.get_full_name() not in response.content.decode()


def test_region_log_leaves_out_other_regions(client, region, coordinator, other_region):
    ActionPlanFactory(region=other_region, title="Their secret plan")
    client.force_login(coordinator)
    assert "Their secret plan" not in client.get(reverse("audit_region", args=[region.slug])).content.decode()


def test_the_merged_log_pages_through_recent_changes(client, region, coordinator, plan):
    edit_plan(plan, 30)
    client.force_login(coordinator)
    url = reverse("audit_region", args=[region.slug])
    first = client.get(url).content.decode()
    second = client.get(url, {"page": "2"}).content.decode()
    assert "Older changes" in first and "Created" not in first
    assert "Created" in second


@pytest.mark.parametrize("persona, shown", [("coordinator", True), ("sli_lead", True), ("member", False)])
def test_object_pages_link_to_the_audit_for_its_readers(client, request, persona, shown, region, plan, priority_1):
    login(client, request, persona)
    page = client.get(reverse("plan_detail", args=[region.slug, plan.pk])).content.decode()
    assert (object_url(region, "plan", plan.pk) in page) is shown


# --- The acting user is recorded --------------------------------------------------------------


def _ready_snapshot(region):
    snapshot = SnapshotFactory(region=region, month=datetime.date(2024, 10, 1))
    snapshot.pdf.save("x.pdf", ContentFile(b"%PDF-1.7 fake"), save=False)
    snapshot.html.save("x.html", ContentFile(b"<html></html>"), save=False)
    snapshot.state = Snapshot.State.READY
    snapshot.rendered_at = timezone.now()
    snapshot.save()
    return snapshot


def test_publishing_and_withdrawing_record_the_publisher(client, region, publisher, coordinator):
    snapshot = _ready_snapshot(region)
    client.force_login(publisher)
    client.post(reverse("snapshot_publish", args=[region.slug, "2024-10"]))
    published = snapshot.history.latest()
    assert (published.state, published.history_user) == (Snapshot.State.PUBLISHED, publisher)
    client.post(reverse("snapshot_withdraw", args=[region.slug, "2024-10"]), {"reason": "A wrong figure"})
    withdrawn = snapshot.history.latest()
    assert (withdrawn.state, withdrawn.history_user) == (Snapshot.State.WITHDRAWN, publisher)

    client.force_login(coordinator)
    page = client.get(object_url(region, "snapshot", snapshot.pk)).content.decode()
    assert page.count(publisher.get_full_name()) >= 2
    assert "<strong>State</strong>: Published" in page
    assert "Withdrawn" in page and "A wrong figure" in page


def test_signing_off_records_the_sli_lead(client, region, sli_lead, coordinator, priority_1):
    objective = KeyObjectiveFactory(priority_area=priority_1, number=3)
    client.force_login(sli_lead)
    client.post(
        reverse("objective_sign_off", args=[region.slug, objective.pk]),
        {
            "decided_on_0": "1",
            "decided_on_1": "4",
            "decided_on_2": "2024",
            "forum": "Network meeting",
            "note": "Agreed",
        },
    )
    record = objective.history.latest()
    assert (record.sign_off_state, record.history_user) == (KeyObjective.SignOff.SIGNED_OFF, sli_lead)
    client.force_login(coordinator)
    page = client.get(object_url(region, "objective", objective.pk)).content.decode()
    assert sli_lead.get_full_name() in page and "<strong>Sign off note</strong>" in page


def test_changing_a_membership_in_the_admin_records_the_admin(client, region, superuser, member, coordinator):
    membership = Membership.objects.get(user=member)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:programmes_membership_change", args=[membership.pk]),
        {"user": member.pk, "region": region.pk, "role": Membership.Role.PUBLISHER, "job_title": "Comms"},
    )
    assert response.status_code == 302
    record = membership.history.latest()
    assert (record.role, record.history_user) == (Membership.Role.PUBLISHER, superuser)
    client.force_login(coordinator)
    page = client.get(object_url(region, "membership", membership.pk)).content.decode()
    assert "<strong>Role</strong>: Network member" in page and "Publisher" in page
    assert superuser.get_username() in page or superuser.get_full_name() in page


def test_removing_a_membership_in_the_admin_is_in_the_log(client, region, superuser, coordinator):
    leaver = UserFactory(username="leaver", first_name="Lee", last_name="Ver")
    membership = MembershipFactory(user=leaver, region=region)
    client.force_login(superuser)
    client.post(reverse("admin:programmes_membership_delete", args=[membership.pk]), {"post": "yes"})
    assert not Membership.objects.filter(pk=membership.pk).exists()
    client.force_login(coordinator)
    page = client.get(reverse("audit_region", args=[region.slug]), {"kind": "membership"}).content.decode()
    assert "Lee Ver: Network member" in page and "Deleted" in page


def test_entries_name_the_system_when_no_one_acted(region, plan):
    edit_plan(plan, 1)
    entries = audit.entries_for(audit.KINDS["plan"], audit.object_history(audit.KINDS["plan"], region, plan.pk))
    assert [entry.who for entry in entries] == ["System", "System"]
    assert [entry.action for entry in entries] == ["Changed", "Created"]
    assert ActionPlan.objects.count() == 1


def test_linking_retargeting_and_unlinking_an_indicator_are_in_the_region_log(client, region, coordinator, priority_1):
    objective = KeyObjectiveFactory(priority_area=priority_1, number=9, title="Tobacco control")
    smoking = IndicatorFactory(fingertips_id=92443, name="Smoking prevalence in adults (18+)")
    client.force_login(coordinator)
    client.post(
        reverse("indicator_link_objective", args=[region.slug, objective.pk]),
        {"indicator": smoking.pk, "target": "Below England by 2027"},
    )
    link = IndicatorLink.objects.get()
    client.post(reverse("indicator_link_edit", args=[region.slug, link.pk]), {"target": "Below 10% by 2028"})
    client.post(reverse("indicator_link_delete", args=[region.slug, link.pk]))
    assert not IndicatorLink.objects.exists()

    page = client.get(reverse("audit_region", args=[region.slug]), {"kind": "indicator-link"}).content.decode()

    assert page.count("Smoking prevalence in adults (18+) on Key Objective 9") == 3
    assert "Below England by 2027" in page and "Below 10% by 2028" in page
    assert coordinator.get_full_name() in page


def test_the_region_log_leaves_out_other_regions_indicator_links(client, region, coordinator, other_region):
    theirs = KeyObjectiveFactory(priority_area__plan__region=other_region, number=3)
    IndicatorLink.objects.create(indicator=IndicatorFactory(name="Their indicator"), key_objective=theirs)
    ours = KeyObjectiveFactory(priority_area__plan__region=region, number=4)
    IndicatorLink.objects.create(indicator=IndicatorFactory(name="Our indicator"), priority_area=ours.priority_area)
    client.force_login(coordinator)

    page = client.get(reverse("audit_region", args=[region.slug]), {"kind": "indicator-link"}).content.decode()

    assert "Our indicator on Priority" in page and "Their indicator" not in page
