from django.urls import reverse


def _labels(response):
    return [item.label for item in response.context["navigation"]]


def test_an_anonymous_visitor_sees_home_and_the_case_studies(client, region):
    assert _labels(client.get(reverse("home"))) == ["Home", "Case studies"]


def test_case_studies_lead_members_to_their_region_and_others_to_the_public_list(client, member, national, region):
    client.force_login(member)
    items = {item.label: item.url for item in client.get(reverse("home")).context["navigation"]}
    assert items["Case studies"] == reverse("case_study_region_list", args=[region.slug])
    client.force_login(national)
    items = {item.label: item.url for item in client.get(reverse("home")).context["navigation"]}
    assert items["Case studies"] == reverse("case_study_list")


def test_staff_see_the_administration(client, superuser, region):
    client.force_login(superuser)
    assert "Administration" in _labels(client.get(reverse("home")))


def test_entries_whose_pages_do_not_exist_are_left_out(client, coordinator, region):
    client.force_login(coordinator)
    labels = _labels(client.get(reverse("home")))
    assert labels[0] == "Dashboard"
    assert "Administration" not in labels


def test_a_members_bar_leaves_home_to_the_service_name(client, coordinator, national, region):
    # Nine entries wrap at 1280 px; the header's "SLI Portal" goes home.
    client.force_login(coordinator)
    assert "Home" not in _labels(client.get(reverse("home")))
    client.force_login(national)
    assert _labels(client.get(reverse("home")))[0] == "Home"


def test_a_coordinator_lands_on_the_dashboard(client, coordinator, region):
    response = client.post(reverse("login"), {"username": "coordinator", "password": "correct-horse-battery"})
    assert response["Location"] == f"/regions/{region.slug}/dashboard/"


def test_someone_without_a_region_lands_home(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("login"))["Location"] == reverse("home")


def test_next_wins_over_the_landing_page(client, coordinator, region):
    response = client.post(
        reverse("login") + "?next=/regions/south-west/",
        {"username": "coordinator", "password": "correct-horse-battery"},
    )
    assert response["Location"] == "/regions/south-west/"
