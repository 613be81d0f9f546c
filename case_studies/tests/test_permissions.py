"""Every case-study view × every persona, with the status code each one gets.

LOGIN is the anonymous visitor sent to sign in; a 302 for a signed-in persona is a successful
POST (checked to go anywhere but the sign-in page).
"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = "login"
PERSONAS = [
    "anonymous",
    "member",
    "dph_lead",
    "sli_lead",
    "coordinator",
    "publisher",
    "national",
    "other_coordinator",
    "superuser",
]


def codes(*values):
    return dict(zip(PERSONAS, values, strict=True))


#               anon   member lead sli  coord publ nat  other super
# The region's workspace: any role in the region; the national board only if the region shares it.
READ = codes(LOGIN, 200, 200, 200, 200, 200, 403, 403, 200)
WRITE = READ
# A draft is edited by its author (`member`) and the coordinator.
EDIT_DRAFT = codes(LOGIN, 200, 403, 403, 200, 403, 403, 403, 200)
# Once published, by the coordinator only (its author, `dph_lead`, no longer).
EDIT_PUBLISHED = codes(LOGIN, 403, 403, 403, 200, 403, 403, 403, 200)
COORDINATE = codes(LOGIN, 403, 403, 403, 200, 403, 403, 403, 200)
POST_COORDINATE = codes(LOGIN, 403, 403, 403, 302, 403, 403, 403, 302)
POST_EDIT_DRAFT = codes(LOGIN, 302, 403, 403, 302, 403, 403, 403, 302)
PUBLIC = codes(*[200] * 9)
NOT_FOUND = codes(*[404] * 9)
SIGNED_IN = codes(LOGIN, *[200] * 8)
# A draft's files are the network's working papers: never the national board's, like evidence.
DRAFT_FILES = codes(LOGIN, 200, 200, 200, 200, 200, 403, 403, 200)


def region_url(name, *args):
    return lambda o: reverse(name, args=["south-west", *[arg(o) for arg in args]])


def pk(fixture):
    return lambda o: o(fixture).pk


def case_study_of(fixture):
    return lambda o: o(fixture).case_study_id


# (view, method, URL given a fixture getter, expected codes)
VIEWS = [
    ("case_study_region_list", "get", region_url("case_study_region_list"), READ),
    ("case_study_create", "get", region_url("case_study_create"), WRITE),
    ("case_study_detail (draft)", "get", region_url("case_study_detail", pk("draft")), READ),
    ("case_study_detail (published)", "get", region_url("case_study_detail", pk("published")), READ),
    ("case_study_edit (draft)", "get", region_url("case_study_edit", pk("draft")), EDIT_DRAFT),
    ("case_study_edit (published)", "get", region_url("case_study_edit", pk("published")), EDIT_PUBLISHED),
    ("case_study_publish (page)", "get", region_url("case_study_publish", pk("draft")), COORDINATE),
    ("case_study_publish", "post", region_url("case_study_publish", pk("draft")), POST_COORDINATE),
    ("case_study_withdraw (page)", "get", region_url("case_study_withdraw", pk("published")), COORDINATE),
    ("case_study_withdraw", "post", region_url("case_study_withdraw", pk("published")), POST_COORDINATE),
    (
        "case_study_attachment_delete",
        "post",
        region_url("case_study_attachment_delete", case_study_of("draft_attachment"), pk("draft_attachment")),
        POST_EDIT_DRAFT,
    ),
    ("case_study_region_feed", "get", region_url("case_study_region_feed"), PUBLIC),
    ("case_study_list", "get", lambda o: reverse("case_study_list"), PUBLIC),
    ("case_study_feed", "get", lambda o: reverse("case_study_feed"), PUBLIC),
    ("case_study_search", "get", lambda o: reverse("case_study_search") + "?q=smoking", SIGNED_IN),
    ("case_study_page (published)", "get", lambda o: o("published").get_absolute_url(), PUBLIC),
    ("case_study_page (draft)", "get", lambda o: o("draft").get_absolute_url(), NOT_FOUND),
    ("case_study_attachment (published)", "get", lambda o: o("published_attachment").get_absolute_url(), PUBLIC),
    ("case_study_attachment (draft)", "get", lambda o: o("draft_attachment").get_absolute_url(), DRAFT_FILES),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("view", "method", "url", "expected"), VIEWS, ids=[v[0] for v in VIEWS])
def test_permission_matrix(request, client, region, persona, view, method, url, expected):
    address = url(request.getfixturevalue)
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    response = getattr(client, method)(address)

    want = expected[persona]
    if want == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), address
    else:
        assert response.status_code == want, f"{persona} {method.upper()} {address}"
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("login"))


def test_a_region_that_shares_its_workspace_lets_the_board_read_drafts_not_write_or_download(
    client, region, national, draft, draft_attachment
):
    region.share_workspace_with_national_board = True
    region.save()
    client.force_login(national)
    assert client.get(reverse("case_study_region_list", args=["south-west"])).status_code == 200
    assert client.get(draft.get_workspace_url()).status_code == 200
    assert client.get(reverse("case_study_create", args=["south-west"])).status_code == 403
    assert client.get(reverse("case_study_edit", args=["south-west", draft.pk])).status_code == 403
    assert client.get(draft_attachment.get_absolute_url()).status_code == 403


def test_another_regions_case_study_is_not_found_in_this_regions_workspace(client, coordinator, other_region):
    from case_studies.tests.factories import CaseStudyFactory

    theirs = CaseStudyFactory(region=other_region)
    client.force_login(coordinator)
    for name in ("case_study_detail", "case_study_edit", "case_study_publish"):
        assert client.get(reverse(name, args=["south-west", theirs.pk])).status_code == 404, name


def test_a_withdrawn_case_study_is_no_longer_public(client, coordinator, published, published_attachment):
    published.withdraw(by=coordinator)
    assert client.get(published.get_absolute_url()).status_code == 404
    assert client.get(published_attachment.get_absolute_url()).status_code == 302  # sign in first
    # Its author may amend it again before it goes back up.
    client.force_login(published.author)
    assert client.get(reverse("case_study_edit", args=["south-west", published.pk])).status_code == 200
