import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from programmes.access import (
    SignInRequired,
    SignInRequiredMiddleware,
    get_region_for_user,
    readable_regions,
    region_access,
)


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.mark.parametrize(
    ("persona", "read", "coordinate", "sign_off", "publish"),
    [
        ("coordinator", True, True, True, False),
        ("sli_lead", True, False, True, False),
        ("member", True, False, False, False),
        ("publisher", True, False, False, True),
        ("national", False, False, False, False),
        ("other_coordinator", False, False, False, False),
        ("superuser", True, True, True, True),
    ],
)
def test_each_role_gets_what_the_design_gives_it(request, region, persona, read, coordinate, sign_off, publish):
    access = region_access(request.getfixturevalue(persona), region)
    assert (access.can_read, access.can_coordinate, access.can_sign_off, access.can_publish) == (
        read,
        coordinate,
        sign_off,
        publish,
    )


def test_an_anonymous_visitor_has_no_access(region):
    assert not region_access(AnonymousUser(), region).can_read


def test_a_coordinator_of_another_region_is_refused(region, other_coordinator):
    with pytest.raises(PermissionDenied):
        get_region_for_user(_request(other_coordinator), region.slug)


def test_an_anonymous_visitor_is_asked_to_sign_in(region):
    with pytest.raises(SignInRequired):
        get_region_for_user(_request(AnonymousUser()), region.slug)


def test_an_unknown_region_is_404(coordinator):
    with pytest.raises(Http404):
        get_region_for_user(_request(coordinator), "atlantis")


def test_a_member_cannot_coordinate(region, member):
    with pytest.raises(PermissionDenied):
        get_region_for_user(_request(member), region.slug, need="coordinate")


def test_the_coordinator_coordinates(region, coordinator):
    assert get_region_for_user(_request(coordinator), region.slug, need="coordinate")[0] == region


def test_readable_regions_follow_memberships(region, other_region, coordinator, national, superuser):
    assert list(readable_regions(coordinator)) == [region]
    assert not readable_regions(national).exists()
    assert set(readable_regions(superuser)) == {region, other_region}
    assert not readable_regions(AnonymousUser()).exists()


def test_the_sign_in_middleware_redirects_anonymous_visitors():
    request = RequestFactory().get("/regions/south-west/dashboard/")
    response = SignInRequiredMiddleware(lambda r: None).process_exception(request, SignInRequired())
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/regions/south-west/dashboard/"
