"""Writing, publishing and reading case studies through their pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from case_studies.models import CaseStudy, CaseStudyAttachment
from case_studies.tests.factories import CaseStudyFactory
from priorities.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7 an evaluation of the service"


def form_data(topic, **changes):
    data = {
        "title": "Smokefree play parks",
        "summary": "Councils made their play parks smokefree with the people who use them.",
        "problem": "Children copy what they see adults do.",
        "what_was_done": "Signs designed by children, agreed with parks teams.",
        "impact": "Fewer cigarette ends found in the parks.",
        "contact": "Sam Lee, sam.lee@cornwall.example.org",
        "topics": [topic.pk],
    }
    data.update(changes)
    return data


def create_url():
    return reverse("case_study_create", args=["south-west"])


def test_a_member_writes_a_case_study_with_an_attachment(client, member, topic, cornwall):
    client.force_login(member)
    upload = SimpleUploadedFile("evaluation.pdf", PDF, content_type="application/pdf")
    data = form_data(topic, councils=[cornwall.pk], **{"attachment-title": "Evaluation", "attachment-file": upload})

    response = client.post(create_url(), data)

    case_study = CaseStudy.objects.get()
    assert response.status_code == 302 and response["Location"] == case_study.get_workspace_url()
    assert (case_study.author, case_study.state) == (member, CaseStudy.State.DRAFT)
    assert list(case_study.councils.all()) == [cornwall] and list(case_study.topics.all()) == [topic]
    attachment = case_study.attachments.get()
    assert attachment.original_name == "evaluation.pdf" and attachment.file.name.startswith("case-studies/")
    # Drafts are not public: its page and its file wait for publication.
    client.logout()
    assert client.get(case_study.get_absolute_url()).status_code == 404


def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_saved(client, member, topic):
    client.force_login(member)
    upload = SimpleUploadedFile("evaluation.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf")

    response = client.post(create_url(), form_data(topic, **{"attachment-title": "Report", "attachment-file": upload}))

    assert response.status_code == 200
    assert "The selected file is not a real PDF file: its content does not match its name" in response.content.decode()
    assert not CaseStudy.objects.exists() and not CaseStudyAttachment.objects.exists()


def test_a_file_of_a_kind_not_allowed_is_refused(client, member, topic):
    client.force_login(member)
    upload = SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(create_url(), form_data(topic, **{"attachment-title": "Tool", "attachment-file": upload}))
    assert "The selected file must be a PDF, DOCX, XLSX, PPTX, PNG or JPG" in response.content.decode()
    assert not CaseStudy.objects.exists()


def test_a_council_of_another_region_is_refused_and_nothing_is_saved(client, member, topic, cornwall, sunderland):
    client.force_login(member)
    upload = SimpleUploadedFile("evaluation.pdf", PDF, content_type="application/pdf")
    data = form_data(
        topic, councils=[cornwall.pk, sunderland.pk], **{"attachment-title": "Evaluation", "attachment-file": upload}
    )

    response = client.post(create_url(), data)

    assert response.status_code == 200
    assert "Select councils of the region" in response.content.decode()
    assert not CaseStudy.objects.exists() and not CaseStudyAttachment.objects.exists()


def test_a_project_of_another_region_is_refused(client, member, topic, other_region):
    client.force_login(member)
    theirs = ProjectFactory(region=other_region)
    response = client.post(create_url(), form_data(topic, project=theirs.pk))
    assert "Select a project of the region" in response.content.decode()
    assert not CaseStudy.objects.exists()


def test_a_case_study_needs_a_topic_and_its_texts(client, member, topic):
    client.force_login(member)
    response = client.post(create_url(), form_data(topic, topics=[], problem="", contact=""))
    page = response.content.decode()
    for message in ("Select at least one topic", "Enter the problem the work addressed", "Enter who to contact"):
        assert message in page
    assert not CaseStudy.objects.exists()


def test_a_title_the_region_already_has_is_refused(client, member, topic, draft):
    client.force_login(member)
    response = client.post(create_url(), form_data(topic, title=draft.title))
    assert "The region already has a case study with this title" in response.content.decode()
    assert CaseStudy.objects.count() == 1


def test_another_region_may_use_the_same_title(client, other_coordinator, topic, draft):
    client.force_login(other_coordinator)
    response = client.post(reverse("case_study_create", args=["north-east"]), form_data(topic, title=draft.title))
    assert response.status_code == 302
    assert CaseStudy.objects.filter(title=draft.title).count() == 2


def test_the_author_edits_their_draft_and_keeps_authorship(client, member, coordinator, draft, topic):
    client.force_login(coordinator)
    url = reverse("case_study_edit", args=["south-west", draft.pk])
    response = client.post(url, form_data(topic, title="Smokefree homes, revised"))
    draft.refresh_from_db()
    assert response.status_code == 302
    assert (draft.title, draft.author) == ("Smokefree homes, revised", member)


def test_the_coordinator_publishes_after_a_confirmation(client, coordinator, draft):
    client.force_login(coordinator)
    url = reverse("case_study_publish", args=["south-west", draft.pk])
    page = client.get(url).content.decode()
    assert "puts its page on the public list" in page
    draft.refresh_from_db()
    assert draft.state == CaseStudy.State.DRAFT  # looking at the page changes nothing

    client.post(url)

    draft.refresh_from_db()
    assert draft.state == CaseStudy.State.PUBLISHED
    assert draft.published_by == coordinator and draft.published_at is not None
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_publishing_twice_says_so(client, coordinator, published):
    client.force_login(coordinator)
    response = client.post(reverse("case_study_publish", args=["south-west", published.pk]), follow=True)
    assert "This case study is already published" in response.content.decode()


def test_the_coordinator_withdraws_and_publishes_again(client, coordinator, published):
    client.force_login(coordinator)
    client.post(reverse("case_study_withdraw", args=["south-west", published.pk]))
    published.refresh_from_db()
    assert published.state == CaseStudy.State.WITHDRAWN
    assert client.get(published.get_absolute_url()).status_code == 404
    client.post(reverse("case_study_publish", args=["south-west", published.pk]))
    published.refresh_from_db()
    assert published.state == CaseStudy.State.PUBLISHED


def test_the_public_page_redirects_to_its_own_title(client, published):
    response = client.get(reverse("case_study_page", args=[published.pk, "old-title"]))
    assert response.status_code == 301 and response["Location"] == published.get_absolute_url()


def test_the_public_page_shows_the_case_study_and_its_feed(client, published, published_attachment):
    page = client.get(published.get_absolute_url()).content.decode()
    assert published.title in page and "Cornwall" in page and "Tobacco control" in page
    feed = reverse("case_study_region_feed", args=["south-west"])
    assert f'<link rel="alternate" type="application/atom+xml" title="SW ADPH case studies" href="{feed}">' in page
    assert "Follow in a feed reader" in page
    assert published_attachment.get_absolute_url() in page


def test_an_attachment_downloads_as_a_file_never_a_page(client, published_attachment):
    response = client.get(published_attachment.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 the evaluation"


def test_the_author_removes_an_attachment_and_its_file(
    client, member, draft_attachment, django_capture_on_commit_callbacks
):
    storage, name = draft_attachment.file.storage, draft_attachment.file.name
    client.force_login(member)
    args = ["south-west", draft_attachment.case_study_id, draft_attachment.pk]
    url = reverse("case_study_attachment_delete", args=args)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert not CaseStudyAttachment.objects.exists() and not storage.exists(name)


def test_an_attachment_of_another_case_study_is_not_found(client, member, draft, published_attachment):
    client.force_login(member)
    url = reverse("case_study_attachment_delete", args=["south-west", draft.pk, published_attachment.pk])
    assert client.post(url).status_code == 404
    address = reverse("case_study_attachment", args=[draft.pk, published_attachment.pk])
    assert client.get(address).status_code == 404


# --- The public list -------------------------------------------------------------------------


def test_the_public_list_filters_by_topic_region_and_council(
    client, published, draft, other_region, other_topic, topic, cornwall
):
    theirs = CaseStudyFactory(region=other_region, title="Healthy ageing in Sunderland", topics=[other_topic])
    theirs.publish(by=None)
    url = reverse("case_study_list")

    everything = client.get(url).content.decode()
    assert published.title in everything and theirs.title in everything and draft.title not in everything
    by_topic = client.get(url, {"topic": "healthy-ageing"}).content.decode()
    assert theirs.title in by_topic and published.title not in by_topic
    by_region = client.get(url, {"region": "south-west"}).content.decode()
    assert published.title in by_region and theirs.title not in by_region
    by_council = client.get(url, {"council": cornwall.gss_code}).content.decode()
    assert published.title in by_council and theirs.title not in by_council


def test_an_unknown_filter_is_reported_and_the_others_still_apply(client, published):
    response = client.get(reverse("case_study_list"), {"topic": "astrology", "region": "south-west"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a topic from the list" in page and published.title in page


@pytest.mark.parametrize("count", [1, 10])
def test_the_public_list_takes_a_fixed_number_of_queries(client, region, topic, count, django_assert_max_num_queries):
    for index in range(count):
        CaseStudyFactory(region=region, title=f"Case study {index}", topics=[topic]).publish(by=None)
    # The filter's topics, regions and councils (no session for an anonymous visitor), the count,
    # the page of case studies with their regions, their topics and councils: 7 whatever the number.
    with django_assert_max_num_queries(7):
        response = client.get(reverse("case_study_list"))
    assert response.content.decode().count('class="govuk-summary-card__title"') == count


@pytest.mark.parametrize("count", [1, 10])
def test_the_regions_list_takes_a_fixed_number_of_queries(
    client, region, member, topic, count, django_assert_max_num_queries
):
    for index in range(count):
        CaseStudyFactory(region=region, title=f"Case study {index}", author=member, topics=[topic])
    client.force_login(member)
    # session, user, region, the member's roles, the count, the page (with authors), their topics
    # and councils, and the navigation's memberships and led priorities: 10 whatever the number;
    # plus the session's save on every request, up to 3 statements on PostgreSQL.
    with django_assert_max_num_queries(13):
        response = client.get(reverse("case_study_region_list", args=["south-west"]))
    assert response.content.decode().count("govuk-tag--grey") == count


def test_the_list_paginates(client, region, topic):
    for index in range(25):
        CaseStudyFactory(region=region, title=f"Case study {index:02}", topics=[topic]).publish(by=None)
    first = client.get(reverse("case_study_list"), {"region": "south-west"}).content.decode()
    assert "Page 1 of 2" in first and "region=south-west&amp;page=2" in first
    second = client.get(reverse("case_study_list"), {"region": "south-west", "page": "2"}).content.decode()
    assert second.count('class="govuk-summary-card__title"') == 5


@pytest.mark.parametrize(
    "params",
    [
        {"page": "-1"},
        {"page": "99999999999999999999999"},
        {"topic": "a\x00b"},
        {"region": "x" * 5000},
        {"council": "E06\x00"},
        {"topic": ["a", "b"]},
    ],
)
def test_bad_input_on_the_public_list_is_never_a_500(client, published, params):
    assert client.get(reverse("case_study_list"), params).status_code == 200


@pytest.mark.parametrize("address", ["/case-studies/99999999999999999999999-x/", "/case-studies/0-x/"])
def test_an_unknown_case_study_is_a_404(client, address):
    assert client.get(address).status_code == 404


def test_an_attachment_missing_from_the_storage_is_not_available(client, published_attachment):
    published_attachment.file.storage.delete(published_attachment.file.name)
    response = client.get(published_attachment.get_absolute_url())
    assert response.status_code == 404
    assert "This attachment is not available at the moment" in response.content.decode()
