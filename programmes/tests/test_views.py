import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from priorities.tests.factories import PriorityAreaFactory
from programmes.models import ActionPlan, Event
from programmes.tests.factories import ActionPlanFactory, EventFactory
from sli_portal.tests.helpers import PERSONAS
from sli_portal.tests.plan_data import grow

pytestmark = pytest.mark.django_db

# What each persona gets from a page only the region's readers see, and from a coordinator's page.
# The national board reads a region's workspace only when the region shares it (issue 15).
READ = dict.fromkeys(PERSONAS, 200) | {"anonymous": 302, "other_coordinator": 403, "national": 403}
COORDINATE = dict.fromkeys(PERSONAS, 403) | {"anonymous": 302, "coordinator": 200}
PUBLIC = dict.fromkeys(PERSONAS, 200)


@pytest.fixture
def event(region):
    return EventFactory(region=region, title="Network meeting")


@pytest.fixture
def pages(region, plan, event):
    """(URL name, URL arguments, method, expected status by persona)."""
    s, p, e = region.slug, plan.pk, event.pk
    return {
        "region_home": ([s], "get", PUBLIC),
        "public_plan": ([s], "get", PUBLIC),
        "dashboard": ([s], "get", READ),
        "plan_list": ([s], "get", READ),
        "plan_detail": ([s, p], "get", READ),
        "plan_export_csv": ([s, p], "get", READ),
        "plan_export_xlsx": ([s, p], "get", READ),
        "plan_export_pdf": ([s, p], "get", READ),
        "event_list": ([s], "get", READ),
        "plan_create": ([s], "get", COORDINATE),
        "plan_import": ([s], "get", COORDINATE),
        "plan_edit": ([s, p], "get", COORDINATE),
        "plan_copy": ([s, p], "get", COORDINATE),
        # A refused POST changes nothing; the coordinator's is redirected back to the plan.
        "plan_status": ([s, p], "post", COORDINATE | {"coordinator": 302}),
        "event_create": ([s], "get", COORDINATE),
        "event_edit": ([s, e], "get", COORDINATE),
        "event_delete": ([s, e], "get", COORDINATE),
    }


@pytest.fixture
def as_persona(request, client, priority_1, priority_2):
    def log_in(persona):
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(persona))
        return client

    return log_in


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(persona, pages, as_persona, monkeypatch):
    # The matrix is about who may see the PDF, not about rendering it (tested in test_exports).
    monkeypatch.setattr("priorities.exports.render_pdf", lambda html: b"%PDF-1.7 stub")
    client = as_persona(persona)
    results = {}
    for name, (args, method, _) in pages.items():
        url = reverse(name, args=args)
        response = getattr(client, method)(url, {"to": "closed"} if method == "post" else {})
        results[name] = response.status_code
        if persona == "anonymous" and response.status_code == 302:
            assert response["Location"].startswith(reverse("login")), name
    assert results == {name: expected[persona] for name, (_, _, expected) in pages.items()}
    assert ActionPlan.objects.get().status == ("closed" if persona == "coordinator" else "active")


@pytest.mark.parametrize("name", ["dashboard", "plan_list", "plan_detail", "plan_create", "event_list"])
def test_a_superuser_reads_and_runs_every_region(client, superuser, region, plan, name):
    client.force_login(superuser)
    args = [region.slug, plan.pk] if name == "plan_detail" else [region.slug]
    assert client.get(reverse(name, args=args)).status_code == 200


@pytest.mark.parametrize(
    "name", ["plan_detail", "plan_edit", "plan_copy", "plan_export_csv", "plan_export_xlsx", "plan_export_pdf"]
)
def test_another_regions_plan_id_is_404(client, other_region, other_coordinator, plan, name):
    client.force_login(other_coordinator)
    assert client.get(reverse(name, args=[other_region.slug, plan.pk])).status_code == 404


@pytest.mark.parametrize("name", ["event_edit", "event_delete"])
def test_another_regions_event_id_is_404(client, other_region, other_coordinator, event, name):
    client.force_login(other_coordinator)
    assert client.get(reverse(name, args=[other_region.slug, event.pk])).status_code == 404
    assert client.post(reverse(name, args=[other_region.slug, event.pk])).status_code == 404
    assert Event.objects.filter(pk=event.pk).exists()


def test_another_regions_plan_status_cannot_be_changed(client, other_region, other_coordinator, plan):
    client.force_login(other_coordinator)
    response = client.post(reverse("plan_status", args=[other_region.slug, plan.pk]), {"to": "closed"})
    assert response.status_code == 404
    plan.refresh_from_db()
    assert plan.status == "active"


def test_an_unknown_region_is_404(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("dashboard", args=["atlantis"])).status_code == 404


def test_closing_a_plan_asks_first_and_says_what_will_happen(client, coordinator, region, plan):
    client.force_login(coordinator)
    url = reverse("plan_status", args=[region.slug, plan.pk])

    response = client.get(url, {"to": "closed"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Close the plan" in page
    assert "can no longer be changed" in page
    assert "show no active plan" in page
    assert 'class="govuk-button govuk-button--warning"' in page
    plan.refresh_from_db()
    assert plan.status == "active"  # nothing happens until the confirmation is posted

    response = client.post(url, {"to": "closed"}, follow=True)
    assert f"“{plan.title}” is now closed" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == "closed"


def test_the_plan_page_links_to_confirmations_not_one_click_forms(client, coordinator, region, plan):
    client.force_login(coordinator)
    page = client.get(reverse("plan_detail", args=[region.slug, plan.pk])).content.decode()
    status_url = reverse("plan_status", args=[region.slug, plan.pk])
    assert f'href="{status_url}?to=closed"' in page
    assert f'action="{status_url}"' not in page


def test_a_closed_plan_is_reopened_after_confirmation(client, coordinator, region):
    today = timezone.localdate()
    plan = ActionPlanFactory(
        region=region,
        status="closed",
        start_date=today - datetime.timedelta(days=200),
        end_date=today + datetime.timedelta(days=100),
    )
    client.force_login(coordinator)
    url = reverse("plan_status", args=[region.slug, plan.pk])

    page = client.get(url, {"to": "active"}).content.decode()
    assert "Reopen the plan" in page

    response = client.post(url, {"to": "active"}, follow=True)
    assert f"“{plan.title}” is now reopened" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == "active"


def test_a_move_the_plan_cannot_make_is_refused_without_a_page(client, coordinator, region, plan):
    client.force_login(coordinator)
    response = client.get(reverse("plan_status", args=[region.slug, plan.pk]), {"to": "approved"}, follow=True)
    assert "cannot make that move" in response.content.decode()


def test_only_the_coordinator_sees_the_close_confirmation(client, sli_lead, region, plan):
    client.force_login(sli_lead)
    assert client.get(reverse("plan_status", args=[region.slug, plan.pk]), {"to": "closed"}).status_code == 403


# Plans: the coordinator's journey


def plan_form(title="SW ADPH SLI Action Plan 2026-2028", **more):
    return {
        "title": title,
        "start_date_0": "1",
        "start_date_1": "4",
        "start_date_2": "2026",
        "end_date_0": "31",
        "end_date_1": "3",
        "end_date_2": "2028",
        **more,
    }


def test_the_coordinator_creates_approves_and_activates_a_plan(client, coordinator, region, plan):
    client.force_login(coordinator)
    response = client.post(reverse("plan_create", args=[region.slug]), plan_form(builds_on=str(plan.pk)))
    new = ActionPlan.objects.get(title="SW ADPH SLI Action Plan 2026-2028")
    assert response["Location"] == reverse("plan_detail", args=[region.slug, new.pk])
    assert (new.status, new.builds_on) == ("draft", plan)

    status_url = reverse("plan_status", args=[region.slug, new.pk])
    assert "Record the network’s approval" in client.get(status_url, {"to": "approved"}).content.decode()
    client.post(status_url, {"to": "approved"})
    new.refresh_from_db()
    assert (new.status, new.approved_on) == ("approved", timezone.localdate())

    # The confirmation says another plan is active, and offers no button.
    page = client.get(status_url, {"to": "active"}).content.decode()
    assert "is the region’s active plan" in page
    assert "<button" not in page.split("<main", 1)[1]
    response = client.post(status_url, {"to": "active"}, follow=True)
    assert "is already the region’s active plan: close it before making this one active" in response.content.decode()
    new.refresh_from_db()
    assert new.status == "approved"

    client.post(reverse("plan_status", args=[region.slug, plan.pk]), {"to": "closed"})
    response = client.post(status_url, {"to": "active"}, follow=True)
    assert "is now active" in response.content.decode()
    new.refresh_from_db()
    assert new.status == "active"


def test_the_plan_form_reports_errors_in_the_govuk_way(client, coordinator, region):
    client.force_login(coordinator)
    response = client.post(
        reverse("plan_create", args=[region.slug]), plan_form(title="", end_date_0="31", end_date_1="2")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Enter the title of the plan" in page
    assert "End date must be a real date" in page
    assert not ActionPlan.objects.exists()


def test_the_end_date_must_follow_the_start_date(client, coordinator, region):
    client.force_login(coordinator)
    response = client.post(reverse("plan_create", args=[region.slug]), plan_form(end_date_2="2025"))
    assert "The end date must be after the start date" in response.content.decode()


def test_the_coordinator_edits_a_plan(client, coordinator, region, plan):
    client.force_login(coordinator)
    response = client.post(reverse("plan_edit", args=[region.slug, plan.pk]), plan_form(title="Renamed", intro="Hi"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.title, plan.intro, plan.start_date) == ("Renamed", "Hi", datetime.date(2026, 4, 1))


def test_a_closed_plan_has_no_edit_page(client, coordinator, region):
    plan = ActionPlanFactory(region=region, status="closed")
    client.force_login(coordinator)
    response = client.get(reverse("plan_edit", args=[region.slug, plan.pk]))
    assert response.status_code == 302


def test_the_coordinator_copies_a_plan(client, coordinator, region, plan, progress):
    client.force_login(coordinator)
    copy_url = reverse("plan_copy", args=[region.slug, plan.pk])
    form = client.get(copy_url).context["form"]
    assert (form.initial["start_date"], form.initial["end_date"]) == (
        datetime.date(2026, 4, 1),
        datetime.date(2028, 3, 31),
    )
    response = client.post(copy_url, plan_form(title="Next"))
    new = ActionPlan.objects.get(title="Next")
    assert response["Location"] == reverse("plan_detail", args=[region.slug, new.pk])
    assert new.key_objectives.count() == 3


def test_the_plan_page_shows_sign_off_and_latest_rag(client, member, region, plan, progress):
    client.force_login(member)
    page = client.get(reverse("plan_detail", args=[region.slug, plan.pk])).content.decode()
    assert "Health protection assurance" in page
    assert '<strong class="govuk-tag govuk-tag--green">Green</strong>' in page
    assert "Proposed" in page
    assert "Record approval" not in page and "Close plan" not in page  # members only read


def test_the_coordinator_sees_the_next_step_only(client, coordinator, region, plan):
    client.force_login(coordinator)
    page = client.get(reverse("plan_detail", args=[region.slug, plan.pk])).content.decode()
    assert "Close plan" in page and "Record approval" not in page


def test_the_sli_lead_approves_a_draft_plan_as_the_coordinator_can(client, sli_lead, region):
    draft = ActionPlanFactory(region=region, title="Next plan", status=ActionPlan.Status.DRAFT)
    client.force_login(sli_lead)
    page = client.get(reverse("plan_detail", args=[region.slug, draft.pk])).content.decode()
    assert "Record approval" in page
    response = client.post(reverse("plan_status", args=[region.slug, draft.pk]), {"to": "approved"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ActionPlan.Status.APPROVED and draft.approved_on is not None


def test_the_sli_lead_may_not_activate_or_close_a_plan(client, sli_lead, region, plan):
    client.force_login(sli_lead)
    page = client.get(reverse("plan_detail", args=[region.slug, plan.pk])).content.decode()
    assert "Close plan" not in page
    response = client.post(reverse("plan_status", args=[region.slug, plan.pk]), {"to": "closed"})
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.ACTIVE


@pytest.mark.parametrize("factor", [1, 10])
def test_the_plan_page_issues_a_fixed_number_of_queries(
    client, member, region, plan, progress, factor, django_assert_max_num_queries
):
    grow(region, plan, factor)
    client.force_login(member)
    # region, session, user, access, plan; priority areas, their objectives, latest updates;
    # plans that follow this one; navigation: memberships, leads a priority area; the session
    # save (savepoint, update, release).
    with django_assert_max_num_queries(14):
        assert client.get(reverse("plan_detail", args=[region.slug, plan.pk])).status_code == 200


@pytest.mark.parametrize("factor", [1, 10])
def test_the_plan_list_issues_a_fixed_number_of_queries(
    client, member, region, plan, factor, django_assert_max_num_queries
):
    for index in range(factor):
        ActionPlanFactory(region=region, status="closed", builds_on=plan, title=f"Old {index}")
    client.force_login(member)
    # region, session, user, access; plans with what they build on; navigation: memberships,
    # leads a priority area; the session save (savepoint, update, release).
    with django_assert_max_num_queries(10):
        response = client.get(reverse("plan_list", args=[region.slug]))
    assert len(response.context["filter"].qs) == factor + 1


def test_the_plan_list_filters_by_status(client, member, region, plan):
    ActionPlanFactory(region=region, status="draft", title="A draft")
    client.force_login(member)
    response = client.get(reverse("plan_list", args=[region.slug]), {"status": "draft"})
    assert [p.title for p in response.context["filter"].qs] == ["A draft"]


@pytest.mark.parametrize(
    ("name", "content_type"), [("plan_export_csv", "text/csv"), ("plan_export_xlsx", "spreadsheet")]
)
def test_members_download_the_plan(client, member, region, plan, name, content_type):
    client.force_login(member)
    response = client.get(reverse(name, args=[region.slug, plan.pk]))
    assert content_type in response["Content-Type"]
    assert response["Content-Disposition"].startswith('attachment; filename="sw-adph-sli-action-plan-2024-2026-')


@pytest.mark.parametrize("factor", [1, 10])
def test_the_csv_export_issues_a_fixed_number_of_queries(
    client, member, region, plan, progress, factor, django_assert_max_num_queries
):
    grow(region, plan, factor)
    client.force_login(member)
    # region, session, user, access, plan; priority areas, their objectives, latest updates;
    # the session save (savepoint, update, release).
    with django_assert_max_num_queries(11):
        assert client.get(reverse("plan_export_csv", args=[region.slug, plan.pk])).status_code == 200


# Public plan


def test_the_public_plan_shows_signed_off_objectives_and_submitted_progress_only(
    client, region, plan, progress, dph_lead
):
    page = client.get(reverse("public_plan", args=[region.slug])).content.decode()
    assert plan.title in page
    assert "Priority 1: Healthy places" in page
    assert dph_lead.get_full_name() in page
    assert "Health protection assurance" in page
    assert "Progress in 2024/25 Q3" in page
    assert "Draft idea not yet agreed" not in page
    assert "SECRET DRAFT NARRATIVE" not in page


def test_the_public_plan_is_the_latest_approved_one_without_an_active_plan(client, region, plan):
    plan.status = "closed"
    plan.save()
    ActionPlanFactory(
        region=region,
        status="draft",
        title="Secret draft",
        start_date=datetime.date(2026, 4, 1),
        end_date=datetime.date(2028, 3, 31),
    )
    page = client.get(reverse("public_plan", args=[region.slug])).content.decode()
    assert plan.title in page and "Secret draft" not in page


def test_no_published_plan_is_404(client, region):
    ActionPlanFactory(region=region, status="draft")
    assert client.get(reverse("public_plan", args=[region.slug])).status_code == 404


def test_the_region_page_links_the_public_plan(client, region, plan, progress):
    page = client.get(reverse("region_home", args=[region.slug])).content.decode()
    assert reverse("public_plan", args=[region.slug]) in page
    assert "Health protection assurance" in page


@pytest.mark.parametrize("factor", [1, 10])
def test_the_public_plan_issues_a_fixed_number_of_queries(
    client, region, plan, progress, factor, django_assert_max_num_queries
):
    grow(region, plan, factor)
    # plan; priority areas; signed-off objectives; latest submitted updates; region.
    with django_assert_max_num_queries(6):
        assert client.get(reverse("public_plan", args=[region.slug])).status_code == 200


# Events


def event_form(**more):
    return {
        "title": "Winter workshop",
        "day_0": "12",
        "day_1": "1",
        "day_2": "2027",
        "start_time": "9:30",
        "end_time": "12:00",
        "location": "Exeter",
        "link": "https://example.org/workshop",
        "description": "",
        **more,
    }


def test_the_coordinator_adds_an_event_in_london_time(client, coordinator, region):
    client.force_login(coordinator)
    response = client.post(reverse("event_create", args=[region.slug]), event_form(day_1="7"))
    assert response["Location"] == reverse("event_list", args=[region.slug])
    event = Event.objects.get()
    # 12 July is British Summer Time: 09:30 in London is 08:30 UTC.
    assert event.starts_at == datetime.datetime(2027, 7, 12, 8, 30, tzinfo=datetime.UTC)
    assert event.ends_at == datetime.datetime(2027, 7, 12, 11, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Enter the title of the event"),
        ({"day_0": "", "day_1": "", "day_2": ""}, "Enter the date of the event"),
        ({"day_0": "31", "day_1": "2"}, "Date of the event must be a real date"),
        ({"start_time": ""}, "Enter the start time"),
        ({"start_time": "25:00"}, "Enter the start time as hours and minutes, like 14:30"),
        ({"end_time": "09:00"}, "The end time must be after the start time"),
        ({"link": "not a link at all"}, "Enter a link in the correct format"),
    ],
)
def test_the_event_form_says_what_to_fix(client, coordinator, region, changes, message):
    client.force_login(coordinator)
    response = client.post(reverse("event_create", args=[region.slug]), event_form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Event.objects.exists()


def test_the_coordinator_edits_and_deletes_an_event(client, coordinator, region, event):
    client.force_login(coordinator)
    edit = client.get(reverse("event_edit", args=[region.slug, event.pk]))
    assert edit.context["form"].initial["title"] == "Network meeting"
    client.post(reverse("event_edit", args=[region.slug, event.pk]), event_form(title="Renamed"))
    event.refresh_from_db()
    assert event.title == "Renamed"
    client.post(reverse("event_delete", args=[region.slug, event.pk]))
    assert not Event.objects.exists()


def test_events_are_listed_and_filtered(client, member, region):
    EventFactory(region=region, title="Past", starts_at=timezone.now() - datetime.timedelta(days=3))
    EventFactory(region=region, title="Soon", starts_at=timezone.now() + datetime.timedelta(days=3))
    client.force_login(member)
    everything = client.get(reverse("event_list", args=[region.slug]))
    upcoming = client.get(reverse("event_list", args=[region.slug]), {"when": "upcoming"})
    assert [e.title for e in everything.context["filter"].qs] == ["Past", "Soon"]
    assert [e.title for e in upcoming.context["filter"].qs] == ["Soon"]
    assert "Add an event" not in everything.content.decode()


@pytest.mark.parametrize("factor", [1, 10])
def test_the_event_list_issues_a_fixed_number_of_queries(client, member, region, factor, django_assert_max_num_queries):
    EventFactory.create_batch(factor, region=region)
    client.force_login(member)
    # region, session, user, access; events; navigation: memberships, leads a priority area;
    # the session save (savepoint, update, release).
    with django_assert_max_num_queries(10):
        response = client.get(reverse("event_list", args=[region.slug]))
    assert len(response.context["filter"].qs) == factor


def test_a_priority_area_without_objectives_shows_on_the_plan_page(client, member, region, plan):
    PriorityAreaFactory(plan=plan, number=7, title="Lonely")
    client.force_login(member)
    page = client.get(reverse("plan_detail", args=[region.slug, plan.pk])).content.decode()
    assert "Priority 7: Lonely" in page and "No key objectives yet." in page


def test_a_coordinator_signing_in_lands_on_the_dashboard(client, coordinator, region):
    response = client.post(reverse("login"), {"username": "coordinator", "password": "correct-horse-battery"})
    assert response["Location"] == reverse("dashboard", args=[region.slug])
