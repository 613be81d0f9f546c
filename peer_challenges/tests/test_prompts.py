"""The network's part: councils to prompt, prompts recorded, the LGA adviser, agreed challenges."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from peer_challenges import services
from peer_challenges.models import LgaAdviser, PeerChallenge, PeerChallengeSettings, Prompt
from peer_challenges.tests.factories import PeerChallengeFactory
from programmes.tests.factories import LocalAuthorityFactory
from sli_portal.tests.helpers import COORDINATOR_ONLY_MATRIX

D = datetime.date
TODAY = D(2026, 12, 1)
Stage = PeerChallenge.Stage


def _visit(council, end, kind="corporate"):
    return PeerChallengeFactory(
        local_authority=council,
        kind=kind,
        stage=Stage.CLOSED,
        onsite_start=end - datetime.timedelta(days=3),
        onsite_end=end,
    )


@pytest.fixture
def councils(region):
    """Never recorded, overdue by a year, overdue by a month, due, current; one with a sector challenge only."""
    made = {
        name: LocalAuthorityFactory(region=region, name=name)
        for name in ("Bath", "Devon", "Exeter", "Poole", "Truro", "Wells")
    }
    _visit(made["Devon"], D(2020, 11, 1))
    _visit(made["Exeter"], D(2021, 10, 1))
    _visit(made["Poole"], D(2022, 6, 1), kind="finance")
    _visit(made["Truro"], D(2024, 6, 1), kind="governance")
    _visit(made["Wells"], D(2025, 6, 1), kind="public_health")
    return made


def test_councils_to_prompt_most_overdue_first(region, councils):
    rows = services.councils_to_prompt(region, today=TODAY)
    # Never recorded first (a public health challenge does not count), then the longest overdue.
    assert [row.cycle.local_authority.name for row in rows] == ["Bath", "Wells", "Devon", "Exeter", "Poole"]
    assert [row.cycle.status for row in rows] == ["never", "never", "overdue", "overdue", "due"]


def test_a_council_with_a_challenge_under_way_is_not_prompted(region, councils, coordinator):
    services.plan_challenge(local_authority=councils["Devon"], by=coordinator, today=TODAY)
    assert "Devon" not in [row.cycle.local_authority.name for row in services.councils_to_prompt(region, today=TODAY)]
    challenge = PeerChallenge.objects.get(local_authority=councils["Devon"], stage=Stage.PROPOSED)
    assert challenge.requested_on == TODAY
    assert "Agreed with the LGA" in challenge.notes


def test_the_kinds_counting_towards_the_cycle_are_the_regions(region, councils):
    PeerChallengeSettings.objects.create(
        region=region, cycle_kinds=["corporate", "finance", "governance", "public_health"]
    )
    names = [row.cycle.local_authority.name for row in services.councils_to_prompt(region, today=TODAY)]
    assert "Wells" not in names  # its public health challenge counts now


def test_the_list_reads_in_a_fixed_number_of_queries(region, councils, coordinator, django_assert_num_queries):
    for council in councils.values():
        services.record_prompt(
            local_authority=council, action="raised_with_dph", prompted_on=D(2026, 11, 1), by=coordinator
        )
        services.save_lga_adviser(local_authority=council, name="Pat Adviser")
    with django_assert_num_queries(6):
        rows = services.councils_to_prompt(region, today=TODAY)
        [(row.adviser.name, row.last_prompt.get_action_display()) for row in rows]


def test_the_coordinator_records_prompts_and_the_adviser(client, region, councils, coordinator):
    client.force_login(coordinator)
    devon = councils["Devon"]
    url = reverse("peer_challenge_council", args=[region.slug, devon.pk])
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC)):
        page = client.get(url).content.decode()
        assert "Devon: prompts for a peer challenge" in page and "None yet" in page
        response = client.post(
            url,
            {
                "action": "asked_lga_adviser",
                "prompted_on_0": "30",
                "prompted_on_1": "11",
                "prompted_on_2": "2026",
                "note": "Will raise at the chief executives' meeting",
            },
        )
        assert response.status_code == 302
        client.post(
            reverse("peer_challenge_adviser", args=[region.slug, devon.pk]),
            {"name": "Pat Adviser", "email": "pat.adviser@local.gov.uk", "phone": ""},
        )
        planner = client.get(reverse("peer_challenge_planner", args=[region.slug])).content.decode()
    prompt = Prompt.objects.get(local_authority=devon)
    assert (prompt.action, prompt.prompted_on, prompt.recorded_by) == (
        "asked_lga_adviser",
        D(2026, 11, 30),
        coordinator,
    )
    assert prompt.history.get().history_user == coordinator
    assert LgaAdviser.objects.get(local_authority=devon).email == "pat.adviser@local.gov.uk"
    assert "30 Nov 2026: Asked the LGA principal adviser" in planner
    assert "Pat Adviser" in planner
    assert "Councils to prompt" in planner and "Plan a challenge" not in planner


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"action": "booked"}, "Select one of the options"),
        ({"action": ""}, "Select what you did"),
        (
            {"prompted_on_0": "2", "prompted_on_1": "12", "prompted_on_2": "2026"},
            "The date of the prompt must be today or in the past",
        ),
        ({"prompted_on_0": "31", "prompted_on_1": "2", "prompted_on_2": "2026"}, "must be a real date"),
    ],
)
def test_a_bad_prompt_is_a_form_error_and_records_nothing(client, region, councils, coordinator, data, error):
    client.force_login(coordinator)
    posted = {"action": "raised_with_dph", "prompted_on_0": "1", "prompted_on_1": "12", "prompted_on_2": "2026", **data}
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC)):
        response = client.post(reverse("peer_challenge_council", args=[region.slug, councils["Devon"].pk]), posted)
    assert response.status_code == 200 and error in response.content.decode()
    assert not Prompt.objects.exists()


def test_a_bad_adviser_is_a_form_error(client, region, councils, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("peer_challenge_adviser", args=[region.slug, councils["Devon"].pk]), {"name": "", "email": "nope"}
    )
    page = response.content.decode()
    assert (
        response.status_code == 200
        and "Enter the adviser" in page
        and "Enter an e-mail address in the correct format" in page
    )
    assert not LgaAdviser.objects.exists()


@pytest.mark.parametrize(("persona", "expected"), COORDINATOR_ONLY_MATRIX)
def test_only_the_coordinator_prompts(client, region, councils, request, persona, expected):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    devon = councils["Devon"]
    assert client.get(reverse("peer_challenge_council", args=[region.slug, devon.pk])).status_code == expected
    if expected != 200:
        posted = {"action": "raised_with_dph", "prompted_on_0": "1", "prompted_on_1": "11", "prompted_on_2": "2026"}
        assert (
            client.post(reverse("peer_challenge_council", args=[region.slug, devon.pk]), posted).status_code == expected
        )
        assert (
            client.post(reverse("peer_challenge_adviser", args=[region.slug, devon.pk]), {"name": "X"}).status_code
            == expected
        )
        assert not Prompt.objects.exists() and not LgaAdviser.objects.exists()


def test_another_regions_council_is_not_found(client, region, other_region, coordinator):
    elsewhere = LocalAuthorityFactory(region=other_region)
    client.force_login(coordinator)
    assert client.get(reverse("peer_challenge_council", args=[region.slug, elsewhere.pk])).status_code == 404
    assert (
        client.post(reverse("peer_challenge_adviser", args=[region.slug, elsewhere.pk]), {"name": "X"}).status_code
        == 404
    )
