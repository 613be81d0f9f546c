import pytest
from django.urls import reverse

from priorities.models import Project
from priorities.tests.factories import ProjectFactory
from programmes.tests.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db


def project_form(**fields):
    return {
        "title": "Healthy weight QI",
        "description": "",
        "status": "in_progress",
        "badged_on_0": "1",
        "badged_on_1": "9",
        "badged_on_2": "2024",
        "link": "",
        **fields,
    }


def test_the_coordinator_registers_a_project_with_councils_and_objectives(
    client, region, coordinator, somerset, objective_1
):
    client.force_login(coordinator)
    response = client.post(
        reverse("project_create", args=[region.slug]),
        project_form(councils=[somerset.pk], key_objectives=[objective_1.pk]),
    )
    project = Project.objects.get()
    assert response.status_code == 302
    assert project.region == region
    assert list(project.councils.all()) == [somerset]
    assert list(project.key_objectives.all()) == [objective_1]


def test_another_regions_council_or_objective_cannot_be_linked(
    client, region, coordinator, other_region, other_objective
):
    elsewhere = LocalAuthorityFactory(region=other_region)
    client.force_login(coordinator)
    response = client.post(
        reverse("project_create", args=[region.slug]),
        project_form(councils=[elsewhere.pk], key_objectives=[other_objective.pk]),
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Project.objects.exists()


def test_a_project_needs_a_title_and_a_badge_date(client, region, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("project_create", args=[region.slug]),
        project_form(title="", badged_on_0="", badged_on_1="", badged_on_2=""),
    )
    page = response.content.decode()
    assert "Enter the project&#x27;s title" in page
    assert "Enter the date the project was badged as SLI" in page
    assert not Project.objects.exists()


def test_the_coordinator_edits_a_project(client, region, coordinator, project_1):
    client.force_login(coordinator)
    client.post(
        reverse("project_edit", args=[region.slug, project_1.pk]), project_form(title="Renamed", status="completed")
    )
    project_1.refresh_from_db()
    assert (project_1.title, project_1.status) == ("Renamed", "completed")
    assert not project_1.councils.exists()


def test_the_list_filters_by_status_and_council(client, region, member, project_1, somerset):
    ProjectFactory(region=region, title="Paused work", status=Project.Status.PAUSED)
    client.force_login(member)
    url = reverse("project_list", args=[region.slug])

    assert [p.title for p in client.get(url, {"status": "paused"}).context["projects"]] == ["Paused work"]
    assert [p.title for p in client.get(url, {"council": somerset.pk}).context["projects"]] == [project_1.title]
    assert len(client.get(url).context["projects"]) == 2


def test_an_unknown_filter_value_is_not_a_500(client, region, member, project_1):
    client.force_login(member)
    response = client.get(reverse("project_list", args=[region.slug]), {"status": "bogus", "council": "x"})
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 10])
def test_project_list_has_a_bounded_number_of_queries(
    client, region, member, somerset, objective_1, count, django_assert_max_num_queries
):
    for _ in range(count):
        project = ProjectFactory(region=region)
        project.councils.add(somerset)
        project.key_objectives.add(objective_1)
    client.force_login(member)
    # Plus three for the session save that renews the sign-in on every request (savepoint, update, release).
    # Session, user, navigation (2), region, roles, the filter's councils, projects, their
    # councils, their key objectives.
    with django_assert_max_num_queries(14):
        response = client.get(reverse("project_list", args=[region.slug]))
    assert len(response.context["projects"]) == count
