"""Learning from reports: recommendation themes across the region's councils."""

import datetime

import pytest
from django.urls import reverse

from peer_challenges.models import PeerChallenge, Recommendation
from peer_challenges.selectors import recommendation_themes
from peer_challenges.tests.factories import PeerChallengeFactory
from programmes.tests.factories import LocalAuthorityFactory

D = datetime.date


def _challenge(council, start, stage=PeerChallenge.Stage.CLOSED):
    return PeerChallengeFactory(
        local_authority=council, kind="corporate", stage=stage, onsite_start=start, onsite_end=start
    )


@pytest.fixture
def reports(region, other_region):
    devon, poole, truro = (LocalAuthorityFactory(region=region, name=name) for name in ("Devon", "Poole", "Truro"))
    Recommendation.objects.create(
        challenge=_challenge(devon, D(2024, 3, 1)), text="Refresh the medium-term financial plan", themes=["finance"]
    )
    Recommendation.objects.create(
        challenge=_challenge(poole, D(2025, 3, 1)), text="Close the budget gap", themes=["finance", "governance"]
    )
    Recommendation.objects.create(
        challenge=_challenge(poole, D(2022, 3, 1)), text="Set out the savings", themes=["finance"]
    )
    Recommendation.objects.create(
        challenge=_challenge(truro, D(2025, 5, 1)),
        text="Bring public health into the corporate plan",
        themes=["public_health"],
    )
    Recommendation.objects.create(challenge=_challenge(truro, D(2025, 5, 2)), text="Untagged one")
    cancelled = _challenge(devon, D(2026, 1, 1), stage=PeerChallenge.Stage.CANCELLED)
    Recommendation.objects.create(challenge=cancelled, text="Never made", themes=["workforce"])
    elsewhere = LocalAuthorityFactory(region=other_region, name="Northumberland")
    Recommendation.objects.create(challenge=_challenge(elsewhere, D(2025, 1, 1)), text="Theirs", themes=["finance"])


def test_what_keeps_coming_up_comes_first(region, reports, django_assert_num_queries):
    with django_assert_num_queries(1):
        themes, untagged = recommendation_themes(region)
    assert [(row.label, row.council_names, len(row.recommendations)) for row in themes] == [
        ("Financial planning and management", ["Devon", "Poole"], 3),
        ("Governance and culture", ["Poole"], 1),
        ("Public health and prevention", ["Truro"], 1),
    ]
    assert untagged == 1
    # Newest visit first within a theme.
    assert [r.text for r in themes[0].recommendations] == [
        "Close the budget gap",
        "Refresh the medium-term financial plan",
        "Set out the savings",
    ]


def test_every_member_of_the_network_reads_the_learning(client, region, reports, member):
    client.force_login(member)
    page = client.get(reverse("peer_challenge_themes", args=[region.slug])).content.decode()
    assert "Financial planning and management" in page and "2 councils, 3 recommendations: Devon, Poole" in page
    assert "Theirs" not in page and "Never made" not in page
    assert "1 recommendation has no theme yet" in page


@pytest.mark.parametrize(("persona", "expected"), [("other_coordinator", 403), (None, 302), ("national", 403)])
def test_outside_the_network_the_learning_is_not_shown(client, region, reports, request, persona, expected):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("peer_challenge_themes", args=[region.slug])).status_code == expected


def test_the_coordinator_tags_a_recommendation(client, region, reports, coordinator):
    recommendation = Recommendation.objects.get(text="Untagged one")
    client.force_login(coordinator)
    url = reverse("peer_recommendation_edit", args=[region.slug, recommendation.challenge_id, recommendation.pk])
    response = client.post(url, {"text": "Untagged one", "status": "not_started", "themes": ["workforce", "data"]})
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.themes == ["workforce", "data"]
    refused = client.post(url, {"text": "Untagged one", "status": "not_started", "themes": ["gossip"]})
    assert "Select themes from the list" in refused.content.decode()
