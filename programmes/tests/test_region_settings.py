"""The coordinator's region settings."""

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from programmes.models import Region
from sli_portal.tests.helpers import COORDINATOR_ONLY_MATRIX

# A 1×1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

VALID = {
    "coordinator_email": "sli@swadph.example.org",
    "intro": "Directors of Public Health of the South West, improving together.",
    "update_due_days": "21",
    "peer_challenge_due_years": "4",
    "peer_challenge_overdue_years": "5",
    "show_rag_publicly": "on",
    "accent_colour": "#00703c",
}


@pytest.mark.parametrize(("persona", "expected"), COORDINATOR_ONLY_MATRIX)
def test_only_the_coordinator_and_administrators_change_settings(client, region, personas, persona, expected):
    if persona:
        client.force_login(personas[persona])
    url = reverse("region_settings", args=[region.slug])
    assert client.get(url).status_code == expected
    if expected != 200:
        assert client.post(url, {**VALID, "intro": "Defaced"}).status_code == expected
        region.refresh_from_db()
        assert region.intro != "Defaced"


def test_the_coordinator_saves_the_settings_and_the_trail_says_who(client, region, coordinator):
    client.force_login(coordinator)
    url = reverse("region_settings", args=[region.slug])
    logo = SimpleUploadedFile("logo.png", PNG, content_type="image/png")
    response = client.post(url, {**VALID, "show_rag_publicly": "", "logo": logo})
    assert response.status_code == 302
    region.refresh_from_db()
    assert region.update_due_days == 21
    assert region.accent_colour == "#00703c"
    assert not region.show_rag_publicly
    assert region.logo.name.startswith("regions/logos/")
    record = Region.history.filter(id=region.pk).latest("history_date")
    assert record.history_user == coordinator
    trail = client.get(reverse("audit_region", args=[region.slug]) + "?kind=region").content.decode()
    assert "Settings of South West" in trail and "Alice Archer" in trail


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"update_due_days": "0"}, "Enter a number from 1 to 90"),
        ({"update_due_days": "ten"}, "Enter a whole number"),
        ({"peer_challenge_overdue_years": "3"}, "The overdue threshold must be more years than the due threshold"),
        ({"accent_colour": "#ffdd00"}, "Choose a darker colour"),
        ({"accent_colour": "green"}, "Enter a colour as # and six hex digits"),
        ({"coordinator_email": "nope"}, "Enter an e-mail address in the correct format"),
    ],
)
def test_bad_settings_are_form_errors_and_change_nothing(client, region, coordinator, data, error):
    client.force_login(coordinator)
    response = client.post(reverse("region_settings", args=[region.slug]), {**VALID, **data})
    assert response.status_code == 200
    assert error in response.content.decode()
    region.refresh_from_db()
    assert region.update_due_days == 14


def test_a_logo_that_is_not_an_image_is_refused(client, region, coordinator):
    client.force_login(coordinator)
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client.post(reverse("region_settings", args=[region.slug]), {**VALID, "logo": fake})
    assert "The logo must be a PNG or JPEG image" in response.content.decode()
    region.refresh_from_db()
    assert not region.logo


def test_the_public_plan_hides_ratings_when_the_network_says_so(client, region, plan, progress):
    url = reverse("public_plan", args=[region.slug])
    assert "govuk-tag" in client.get(url).content.decode().split("Key Objective 1:")[1][:600]
    region.show_rag_publicly = False
    region.save()
    page = client.get(url).content.decode()
    entry = page.split("Key Objective 1:")[1][:600]
    assert "govuk-tag" not in entry and "Green" not in entry
    assert "2024/25 Q3 update" in entry and "Progress in 2024/25 Q3" in entry
