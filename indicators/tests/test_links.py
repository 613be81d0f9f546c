"""Linking indicators to priority areas and key objectives: the services and their pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from indicators import services
from indicators.models import IndicatorLink
from indicators.tests.factories import IndicatorFactory, IndicatorLinkFactory
from priorities.tests.factories import PriorityAreaFactory
from programmes.models import ActionPlan
from programmes.tests.factories import ActionPlanFactory
from sli_portal.tests.plan_data import signed_off_objective

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_objective(other_region):
    plan = ActionPlanFactory(region=other_region, title="NE plan")
    return signed_off_objective(PriorityAreaFactory(plan=plan, number=1), 1)


def close(plan):
    plan.status = ActionPlan.Status.CLOSED
    plan.save()


# --- Services ----------------------------------------------------------------------------------


def test_the_coordinator_links_an_indicator_with_a_target(coordinator, objective_1, smoking):
    link = services.link_indicator(
        indicator=smoking, key_objective=objective_1, target="  Below England  ", by=coordinator
    )
    assert (link.key_objective, link.target, link.position) == (objective_1, "Below England", 1)


def test_links_are_numbered_in_the_order_they_are_made(coordinator, priority_1, smoking):
    first = services.link_indicator(indicator=smoking, priority_area=priority_1, by=coordinator)
    second = services.link_indicator(indicator=IndicatorFactory(), priority_area=priority_1, by=coordinator)
    assert (first.position, second.position) == (1, 2)


def test_the_same_indicator_twice_is_refused(coordinator, objective_1, smoking):
    services.link_indicator(indicator=smoking, key_objective=objective_1, by=coordinator)
    with pytest.raises(ValidationError, match="already linked to Key Objective 1"):
        services.link_indicator(indicator=smoking, key_objective=objective_1, by=coordinator)
    assert IndicatorLink.objects.count() == 1


@pytest.mark.parametrize("persona", ["sli_lead", "dph_lead", "member", "other_coordinator", "national"])
def test_only_the_coordinator_links(personas, persona, objective_1, smoking):
    with pytest.raises(PermissionDenied):
        services.link_indicator(indicator=smoking, key_objective=objective_1, by=personas[persona])
    assert not IndicatorLink.objects.exists()


def test_a_closed_plan_is_not_changed(coordinator, plan, objective_1, smoking):
    link = IndicatorLinkFactory(indicator=smoking, key_objective=objective_1, target="Old")
    close(plan)
    for change in (
        lambda: services.link_indicator(indicator=IndicatorFactory(), key_objective=objective_1, by=coordinator),
        lambda: services.change_target(link=link, target="New", by=coordinator),
        lambda: services.unlink_indicator(link=link, by=coordinator),
        lambda: services.move_link(link=link, up=True, by=coordinator),
    ):
        with pytest.raises(ValidationError, match="is closed"):
            change()
    assert list(IndicatorLink.objects.values_list("target", flat=True)) == ["Old"]


def test_moving_swaps_a_link_with_its_neighbour(coordinator, objective_1):
    links = [IndicatorLinkFactory(key_objective=objective_1, position=n) for n in (1, 2, 3)]
    services.move_link(link=links[2], up=True, by=coordinator)
    order = list(IndicatorLink.objects.order_by("position").values_list("pk", flat=True))
    assert order == [links[0].pk, links[2].pk, links[1].pk]
    services.move_link(link=links[0], up=True, by=coordinator)  # already first: nothing moves
    assert list(IndicatorLink.objects.order_by("position").values_list("pk", flat=True)) == order


# --- Pages -------------------------------------------------------------------------------------


def link_url(region, objective):
    return reverse("indicator_link_objective", args=[region.slug, objective.pk])


def test_anonymous_visitors_are_sent_to_sign_in(client, region, objective_1):
    for response in (client.get(link_url(region, objective_1)), client.post(link_url(region, objective_1), {})):
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not IndicatorLink.objects.exists()


@pytest.mark.parametrize("persona", ["dph_lead", "member", "sli_lead", "other_coordinator"])
def test_the_link_page_is_the_coordinators(client, personas, persona, region, objective_1):
    client.force_login(personas[persona])
    assert client.get(link_url(region, objective_1)).status_code == 403


def test_an_objective_of_another_region_is_not_found(client, coordinator, region, other_objective):
    client.force_login(coordinator)
    assert client.get(link_url(region, other_objective)).status_code == 404


def test_the_coordinator_links_from_the_page(client, coordinator, region, objective_1, smoking):
    client.force_login(coordinator)
    page = client.get(link_url(region, objective_1))
    assert "Smoking prevalence in adults (18+) (Fingertips ID 92443)" in page.content.decode()
    response = client.post(link_url(region, objective_1), {"indicator": smoking.pk, "target": "Below 10% by 2027"})
    assert response.status_code == 302
    assert response["Location"] == reverse("objective_detail", args=[region.slug, objective_1.pk])
    assert IndicatorLink.objects.get().target == "Below 10% by 2027"


def test_the_search_narrows_the_list_by_fingertips_id(client, coordinator, region, objective_1, smoking):
    IndicatorFactory(fingertips_id=41001, name="Suicide rate")
    client.force_login(coordinator)
    html = client.get(link_url(region, objective_1), {"q": "41001"}).content.decode()
    assert "Suicide rate (Fingertips ID 41001)" in html and "92443" not in html


def test_a_duplicate_is_a_form_error_and_nothing_is_saved(client, coordinator, region, objective_1, smoking):
    IndicatorLinkFactory(indicator=smoking, key_objective=objective_1, target="Kept")
    client.force_login(coordinator)
    response = client.post(link_url(region, objective_1), {"indicator": smoking.pk, "target": "New"})
    assert response.status_code == 200
    assert "is already linked to Key Objective 1" in response.content.decode()
    assert list(IndicatorLink.objects.values_list("target", flat=True)) == ["Kept"]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"indicator": ""}, "Select an indicator"),
        ({"indicator": "999999999999999999999999"}, "Select an indicator from the list"),
        ({"indicator": "x"}, "Select an indicator from the list"),
        ({"indicator": "{smoking}", "target": "x" * 201}, "The target must be 200 characters or fewer"),
        ({"indicator": "{smoking}", "target": "two\nlines"}, "line"),
    ],
)
def test_bad_input_gets_a_clear_message(client, coordinator, region, objective_1, smoking, data, message):
    client.force_login(coordinator)
    data = {key: value.replace("{smoking}", str(smoking.pk)) for key, value in data.items()}
    response = client.post(link_url(region, objective_1), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not IndicatorLink.objects.exists()


def test_a_closed_plan_says_so_on_the_link_page(client, coordinator, region, plan, objective_1, smoking):
    close(plan)
    client.force_login(coordinator)
    assert "is closed" in client.get(link_url(region, objective_1)).content.decode()
    response = client.post(link_url(region, objective_1), {"indicator": smoking.pk})
    assert response.status_code == 200 and "is closed" in response.content.decode()
    assert not IndicatorLink.objects.exists()


def test_the_coordinator_links_to_a_priority_area(client, coordinator, region, priority_1, smoking):
    client.force_login(coordinator)
    url = reverse("indicator_link_priority_area", args=[region.slug, priority_1.pk])
    response = client.post(url, {"indicator": smoking.pk})
    assert response["Location"] == reverse("priority_area_detail", args=[region.slug, priority_1.pk])
    assert IndicatorLink.objects.get().priority_area == priority_1


def test_the_target_is_changed(client, coordinator, region, objective_1, smoking):
    link = IndicatorLinkFactory(indicator=smoking, key_objective=objective_1, target="Old")
    client.force_login(coordinator)
    url = reverse("indicator_link_edit", args=[region.slug, link.pk])
    assert 'value="Old"' in client.get(url).content.decode()
    client.post(url, {"target": "Below England by 2027"})
    link.refresh_from_db()
    assert link.target == "Below England by 2027"


def test_unlinking_asks_first_then_unlinks(client, coordinator, region, objective_1, smoking):
    link = IndicatorLinkFactory(indicator=smoking, key_objective=objective_1)
    client.force_login(coordinator)
    url = reverse("indicator_link_delete", args=[region.slug, link.pk])
    page = client.get(url)
    assert "Unlink “Smoking prevalence in adults (18+)”?" in page.content.decode()
    assert IndicatorLink.objects.exists()
    response = client.post(url)
    assert response["Location"] == reverse("objective_detail", args=[region.slug, objective_1.pk])
    assert not IndicatorLink.objects.exists()
    smoking.refresh_from_db()  # the indicator stays in the catalogue


def test_a_link_of_another_region_is_not_found(client, coordinator, region, other_objective, smoking):
    link = IndicatorLinkFactory(indicator=smoking, key_objective=other_objective)
    client.force_login(coordinator)
    for name in ("indicator_link_edit", "indicator_link_delete"):
        assert client.get(reverse(name, args=[region.slug, link.pk])).status_code == 404
    assert client.post(reverse("indicator_link_move", args=[region.slug, link.pk])).status_code == 404
    assert IndicatorLink.objects.exists()


def test_a_member_cannot_unlink(client, member, region, objective_1, smoking):
    link = IndicatorLinkFactory(indicator=smoking, key_objective=objective_1)
    client.force_login(member)
    assert client.post(reverse("indicator_link_delete", args=[region.slug, link.pk])).status_code == 403
    assert IndicatorLink.objects.exists()


def test_moving_from_the_page(client, coordinator, region, objective_1):
    first = IndicatorLinkFactory(key_objective=objective_1, position=1)
    second = IndicatorLinkFactory(key_objective=objective_1, position=2)
    client.force_login(coordinator)
    client.post(reverse("indicator_link_move", args=[region.slug, second.pk]), {"direction": "up"})
    assert list(IndicatorLink.objects.order_by("position").values_list("pk", flat=True)) == [second.pk, first.pk]
