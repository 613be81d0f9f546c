"""Search of published case studies: full text on PostgreSQL, a plain match on SQLite.

The suite runs on both (CI runs it again with DATABASE_URL on PostgreSQL), so each vendor's path
is exercised where it runs; the tests that only one path can pass say so.
"""

import pytest
from django.db import connection
from django.urls import reverse

from case_studies import selectors
from case_studies.tests.factories import CaseStudyFactory

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"


def publish(**fields):
    case_study = CaseStudyFactory(**fields)
    case_study.publish(by=None)
    return case_study


def search(client, text):
    return client.get(reverse("case_study_search"), {"q": text})


def test_someone_of_another_region_finds_a_published_case_study(client, other_coordinator, published, draft):
    client.force_login(other_coordinator)
    page = search(client, "smoking").content.decode()
    assert published.title in page
    assert "1 result" in page


def test_drafts_and_withdrawn_case_studies_are_never_found(client, other_coordinator, coordinator, published, draft):
    draft.problem = "Smoking in the home"
    draft.save()
    published.withdraw(by=coordinator)
    client.force_login(other_coordinator)
    page = search(client, "smoking").content.decode()
    assert "No published case study matches" in page
    assert draft.title not in page and published.title not in page


def test_every_word_counts(region, topic):
    both = publish(region=region, title="Vaping in schools", summary="Pupils and teachers.", topics=[topic])
    publish(region=region, title="Vaping in prisons", summary="Staff and residents.", topics=[topic])
    assert list(selectors.search_published("vaping pupils")) == [both]


def test_the_search_reads_every_text_of_the_case_study(region, topic):
    found = publish(region=region, title="A title", impact="Admissions for falls went down.", topics=[topic])
    assert list(selectors.search_published("falls")) == [found]


@pytest.mark.skipif(not POSTGRESQL, reason="ranking needs PostgreSQL's full-text search")
def test_on_postgresql_a_match_in_the_title_ranks_first(region, topic):
    in_body = publish(region=region, title="Older study", what_was_done="Physical activity on prescription.")
    in_title = publish(region=region, title="Physical activity for older people", summary="Walking groups.")
    # The body match was published last: newest first would put it on top.
    assert list(selectors.search_published("physical activity")) == [in_title, in_body]


@pytest.mark.skipif(not POSTGRESQL, reason="stemming needs PostgreSQL's full-text search")
def test_on_postgresql_words_are_matched_by_their_stem(region, topic):
    found = publish(region=region, title="Quitting in pregnancy", summary="Support for mothers.")
    assert list(selectors.search_published("quits")) == [found]


@pytest.mark.skipif(POSTGRESQL, reason="the plain fallback is SQLite's")
def test_on_sqlite_the_newest_publication_comes_first(region, topic):
    first = publish(region=region, title="Suicide prevention in rural areas")
    second = publish(region=region, title="Suicide prevention training")
    assert list(selectors.search_published("suicide")) == [second, first]


def test_an_empty_search_shows_the_form_only(client, member):
    client.force_login(member)
    page = search(client, "   ").content.decode()
    assert "result" not in page


@pytest.mark.parametrize("text", ["a\x00b", "x" * 201, "'\"&|!:*()<>", "-", "OR", "\\"])
def test_bad_input_in_the_search_is_never_a_500(client, member, published, text):
    client.force_login(member)
    assert search(client, text).status_code == 200


@pytest.mark.parametrize("count", [1, 10])
def test_the_search_takes_a_fixed_number_of_queries(
    client, member, region, topic, count, django_assert_max_num_queries
):
    for index in range(count):
        publish(region=region, title=f"Smoking study {index}", topics=[topic])
    client.force_login(member)
    # session, user, the results with their regions, their topics and councils, and the
    # navigation's memberships and led priorities: 7; plus the session's save on PostgreSQL.
    with django_assert_max_num_queries(10):
        response = search(client, "smoking")
    assert response.content.decode().count('class="govuk-summary-card__title"') == count
