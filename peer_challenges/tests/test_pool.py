"""The pool of peers: who has not served for longest, with their teams and offers."""

import datetime

import pytest
from django.urls import reverse

from peer_challenges import services
from peer_challenges.models import Peer, PeerChallenge
from peer_challenges.tests.factories import PeerChallengeFactory, PeerTeamMemberFactory
from programmes.tests.factories import LocalAuthorityFactory
from sli_portal.tests.helpers import COORDINATOR_ONLY_MATRIX

D = datetime.date
TODAY = D(2026, 12, 1)


def _served(council, name, end, stage=PeerChallenge.Stage.CLOSED):
    challenge = PeerChallengeFactory(
        local_authority=council,
        kind="corporate",
        stage=stage,
        onsite_start=end - datetime.timedelta(days=3),
        onsite_end=end,
    )
    PeerTeamMemberFactory(challenge=challenge, name=name)
    return challenge


@pytest.fixture
def pool(region, other_region):
    devon = LocalAuthorityFactory(region=region, name="Devon")
    elsewhere = LocalAuthorityFactory(region=other_region, name="Northumberland")
    peers = {
        name: Peer.objects.create(region=region, name=name, kind=kind, expertise="Health protection")
        for name, kind in (
            ("Amelia Hart", "dph"),
            ("Gareth Lloyd", "dph"),
            ("Priya Nair", "consultant"),
            ("Sam Old", "officer"),
        )
    }
    _served(devon, "amelia  HART", D(2025, 3, 1))  # matched whatever the case and spacing
    _served(elsewhere, "Gareth Lloyd", D(2022, 5, 1))
    _served(devon, "Priya Nair", D(2026, 6, 1), stage=PeerChallenge.Stage.CANCELLED)  # never held
    Peer.objects.create(region=other_region, name="Someone Else", kind="dph")
    Peer.objects.filter(name="Sam Old").update(active=False)
    return peers


def test_who_has_not_served_for_longest_comes_first(region, pool, coordinator):
    rows = services.peer_pool(region, reader=coordinator, today=TODAY)
    assert [row.peer.name for row in rows] == ["Priya Nair", "Gareth Lloyd", "Amelia Hart"]
    assert [row.last_served for row in rows] == [None, D(2022, 5, 1), D(2025, 3, 1)]


def test_another_regions_team_is_shown_without_its_detail(client, region, pool, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("peer_pool", args=[region.slug])).content.decode()
    assert "A challenge in another region (May 2022)" in page
    assert "Northumberland" not in page
    assert "Devon, corporate peer challenge (Mar 2025)" in page
    assert "Someone Else" not in page and "Sam Old" not in page


def test_offers_are_counted(region, pool, coordinator):
    challenge = PeerChallengeFactory(local_authority=LocalAuthorityFactory(region=region), kind="corporate")
    challenge.peers_offered.add(pool["Priya Nair"])
    rows = {row.peer.name: row for row in services.peer_pool(region, reader=coordinator, today=TODAY)}
    assert rows["Priya Nair"].offered == 1 and rows["Amelia Hart"].offered == 0


def test_the_pool_reads_in_a_fixed_number_of_queries(region, pool, coordinator, django_assert_num_queries):
    with django_assert_num_queries(4):
        rows = services.peer_pool(region, reader=coordinator, today=TODAY)
        [(row.peer.home_council, [s.text for s in row.served]) for row in rows]


def test_the_coordinator_adds_and_edits_a_peer(client, region, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("peer_create", args=[region.slug]),
        {
            "name": "Nadia Rahman",
            "kind": "consultant",
            "expertise": "Suicide prevention",
            "active": "on",
            "available_from_0": "1",
            "available_from_1": "1",
            "available_from_2": "2027",
        },
    )
    assert response.status_code == 302
    peer = Peer.objects.get(name="Nadia Rahman")
    assert peer.region == region and peer.available_from == D(2027, 1, 1)
    assert peer.history.get().history_user == coordinator
    edit = reverse("peer_edit", args=[region.slug, peer.pk])
    assert "Nadia Rahman" in client.get(edit).content.decode()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"name": ""}, "Enter the peer"),
        ({"kind": "inspector"}, "Select a valid choice"),
        (
            {
                "available_from_0": "1",
                "available_from_1": "6",
                "available_from_2": "2027",
                "available_until_0": "1",
                "available_until_1": "1",
                "available_until_2": "2027",
            },
            "The end of the availability must be on or after its start",
        ),
    ],
)
def test_a_bad_peer_is_a_form_error(client, region, coordinator, data, error):
    client.force_login(coordinator)
    response = client.post(reverse("peer_create", args=[region.slug]), {"name": "X Y", "kind": "dph", **data})
    assert response.status_code == 200 and error in response.content.decode()
    assert not Peer.objects.exists()


def test_a_council_of_another_region_cannot_be_given(client, region, other_region, coordinator):
    elsewhere = LocalAuthorityFactory(region=other_region)
    client.force_login(coordinator)
    response = client.post(
        reverse("peer_create", args=[region.slug]), {"name": "X Y", "kind": "dph", "home_council": elsewhere.pk}
    )
    assert "Select a council of the region" in response.content.decode()


@pytest.mark.parametrize(("persona", "expected"), COORDINATOR_ONLY_MATRIX)
def test_only_the_coordinator_keeps_the_pool(client, region, pool, request, persona, expected):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    peer = pool["Amelia Hart"]
    for url in (
        reverse("peer_pool", args=[region.slug]),
        reverse("peer_create", args=[region.slug]),
        reverse("peer_edit", args=[region.slug, peer.pk]),
    ):
        assert client.get(url).status_code == expected, url
    if expected != 200:
        client.post(reverse("peer_edit", args=[region.slug, peer.pk]), {"name": "Changed", "kind": "dph"})
        peer.refresh_from_db()
        assert peer.name == "Amelia Hart"


def test_a_peer_of_another_region_is_not_found(client, region, other_region, coordinator):
    theirs = Peer.objects.create(region=other_region, name="Someone Else", kind="dph")
    client.force_login(coordinator)
    assert client.get(reverse("peer_edit", args=[region.slug, theirs.pk])).status_code == 404
