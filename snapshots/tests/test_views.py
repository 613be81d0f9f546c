"""The snapshot pages: who may do what, the public archive's rules, and the e-bulletin."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sli_portal.tests.helpers import PERSONAS
from snapshots import services
from snapshots.models import Snapshot, Subscriber
from snapshots.tests.conftest import OCTOBER, make_published, make_ready
from snapshots.tests.factories import SnapshotFactory

pytestmark = pytest.mark.django_db

S = Snapshot.State
LOGIN = "login"


def _workspace(name, suffix=""):
    return lambda s: reverse(name, args=["south-west", "2024-10"]) + suffix


# (method, URL, expected status for each persona, in PERSONAS order); LOGIN = 302 to the login page.
# The national board reads snapshot drafts only when the region shares its workspace.
READ = [LOGIN, 200, 200, 200, 200, 200, 403, 403]
COORDINATE = [LOGIN, 403, 403, 403, 200, 403, 403, 403]
PUBLISH_PAGE = [LOGIN, 403, 403, 403, 403, 200, 403, 403]
MATRIX = {
    "snapshot_list": ("get", lambda s: reverse("snapshot_list", args=["south-west"]), READ),
    "snapshot_list (create)": (
        "post",
        lambda s: reverse("snapshot_list", args=["south-west"]),
        [LOGIN, 403, 403, 403, 302, 403, 403, 403],
    ),
    "snapshot_detail": ("get", _workspace("snapshot_detail"), READ),
    "snapshot_preview": ("get", _workspace("snapshot_preview"), READ),
    "snapshot_rendered_pdf": ("get", _workspace("snapshot_rendered_pdf"), READ),
    "snapshot_edit": ("get", _workspace("snapshot_edit"), COORDINATE),
    "snapshot_render": ("post", _workspace("snapshot_render"), [LOGIN, 403, 403, 403, 302, 302, 403, 403]),
    "snapshot_return_to_draft": (
        "post",
        _workspace("snapshot_return_to_draft"),
        [LOGIN, 403, 403, 403, 302, 403, 403, 403],
    ),
    "snapshot_publish": ("post", _workspace("snapshot_publish"), [LOGIN, 403, 403, 403, 403, 302, 403, 403]),
    "snapshot_withdraw": ("get", _workspace("snapshot_withdraw"), PUBLISH_PAGE),
    "snapshot_archive": ("get", lambda s: reverse("snapshot_archive", args=["south-west"]), [200] * 8),
    "snapshot_subscribe": ("get", lambda s: reverse("snapshot_subscribe", args=["south-west"]), [200] * 8),
}


@pytest.mark.parametrize("view", sorted(MATRIX))
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(client, request, priority_1, priority_2, snapshot, view, persona):
    make_ready(snapshot)
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    method, url, expected = MATRIX[view]
    data = {"month": f"{datetime.date.today():%Y-%m}"} if view == "snapshot_list (create)" else {}
    response = getattr(client, method)(url(snapshot), data)
    want = expected[PERSONAS.index(persona)]
    if want == LOGIN:
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    else:
        assert response.status_code == want


def test_another_regions_snapshot_is_not_found_in_this_regions_workspace(client, coordinator, other_region):
    SnapshotFactory(region=other_region, month=OCTOBER)
    client.force_login(coordinator)
    assert client.get(reverse("snapshot_detail", args=["south-west", "2024-10"])).status_code == 404


# --- The workspace ---------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 10])
def test_the_list_takes_a_fixed_number_of_queries(client, member, region, count, django_assert_max_num_queries):
    for index in range(count):
        SnapshotFactory(region=region, month=datetime.date(2020 + index, 1, 1))
    client.force_login(member)
    url = reverse("snapshot_list", args=["south-west"])
    # session, user, region, the member's roles, the snapshots, and the base page's memberships
    # and led priorities (navigation): 7 whatever the number of snapshots; plus the session's
    # save on every request (SESSION_SAVE_EVERY_REQUEST), 3 statements on PostgreSQL.
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.count(b"govuk-tag--grey") == count


def test_a_coordinator_creates_a_draft_for_a_month(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("snapshot_list", args=["south-west"]), {"month": "2099-01"})
    # 2099 is not offered: the form lists the last six months and the next two.
    assert response.status_code == 200
    assert "Select the month" in response.content.decode()
    month = datetime.date.today().replace(day=1)
    response = client.post(reverse("snapshot_list", args=["south-west"]), {"month": f"{month:%Y-%m}"})
    snapshot = Snapshot.objects.get()
    assert response.url == snapshot.get_workspace_url() and snapshot.state == S.DRAFT


def test_the_coordinator_edits_the_editorial_sections(client, coordinator, snapshot):
    client.force_login(coordinator)
    url = reverse("snapshot_edit", args=["south-west", "2024-10"])
    response = client.post(url, {"title": "", "introduction": "Hi"})
    assert "Enter the title of the snapshot" in response.content.decode()
    response = client.post(url, {"title": "October", "introduction": "Hello", "highlights": "", "adph_updates": ""})
    snapshot.refresh_from_db()
    assert response.status_code == 302 and (snapshot.title, snapshot.introduction) == ("October", "Hello")


def test_a_published_snapshot_cannot_be_edited(client, coordinator, published_snapshot):
    client.force_login(coordinator)
    url = reverse("snapshot_edit", args=["south-west", "2024-10"])
    response = client.post(url, {"title": "Changed", "introduction": "", "highlights": "", "adph_updates": ""})
    published_snapshot.refresh_from_db()
    assert response.status_code == 302 and published_snapshot.title != "Changed"


def test_the_preview_is_the_rendered_document_marked_as_a_draft(client, member, programme, snapshot):
    from snapshots.services import build_html

    client.force_login(member)
    response = client.get(reverse("snapshot_preview", args=["south-west", "2024-10"]))

    preview, rendered = response.content.decode(), build_html(snapshot)
    assert "Draft preview" in preview and "Draft preview" not in rendered
    assert f'href="{snapshot.get_workspace_url()}"' in preview
    # The public PDF is 404 until publication: the preview does not link to it.
    assert snapshot.get_pdf_url() not in preview and snapshot.get_pdf_url() in rendered
    # Below the banner, the very same document.
    assert preview.split('id="snapshot-main"')[1] == rendered.split('id="snapshot-main"')[1]


def test_the_preview_of_a_rendered_draft_links_to_its_pdf(client, member, ready_snapshot):
    client.force_login(member)
    preview = client.get(reverse("snapshot_preview", args=["south-west", "2024-10"])).content.decode()
    rendered_pdf = reverse("snapshot_rendered_pdf", args=["south-west", "2024-10"])
    assert f'href="{rendered_pdf}"' in preview
    assert client.get(rendered_pdf).status_code == 200


def test_the_snapshot_page_shows_the_state_and_the_error(client, member, snapshot):
    snapshot.mark_rendering()
    snapshot.mark_failed(error="WeasyPrint: table too wide")
    client.force_login(member)
    page = client.get(reverse("snapshot_detail", args=["south-west", "2024-10"])).content.decode()
    assert "Failed" in page and "WeasyPrint: table too wide" in page


@pytest.mark.django_db(transaction=True)
def test_the_user_is_told_when_the_broker_is_down(client, coordinator, snapshot, monkeypatch):
    # A transactional test: the request commits, so the task is sent as it would be in production.
    from kombu.exceptions import OperationalError

    from snapshots import tasks

    def refuse(snapshot_id):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(tasks.render_snapshot, "delay", refuse)
    client.force_login(coordinator)
    response = client.post(reverse("snapshot_render", args=["south-west", "2024-10"]), follow=True)
    assert "the task queue is not answering" in response.content.decode()
    snapshot.refresh_from_db()
    assert snapshot.state == S.RENDERING and snapshot.render_requested_at is not None


def test_rendering_twice_at_once_is_refused_politely(client, coordinator, snapshot):
    snapshot.mark_rendering()
    client.force_login(coordinator)
    response = client.post(reverse("snapshot_render", args=["south-west", "2024-10"]), follow=True)
    assert "You cannot render a snapshot that is rendering" in response.content.decode()


def test_withdrawing_needs_a_reason(client, publisher, published_snapshot):
    client.force_login(publisher)
    url = reverse("snapshot_withdraw", args=["south-west", "2024-10"])
    assert "Enter why the snapshot is withdrawn" in client.post(url, {"reason": " "}).content.decode()
    client.post(url, {"reason": "Wrong figures for Q2"})
    published_snapshot.refresh_from_db()
    assert (published_snapshot.state, published_snapshot.withdrawn_reason) == (S.WITHDRAWN, "Wrong figures for Q2")


def test_publishing_asks_first_and_says_who_is_e_mailed(client, publisher, ready_snapshot, region):
    from snapshots.models import Subscriber

    for email in ("a@example.org", "b@example.org"):
        Subscriber.objects.create(region=region, email=email, confirmed_at=timezone.now())
    Subscriber.objects.create(region=region, email="unconfirmed@example.org")
    client.force_login(publisher)
    publish = reverse("snapshot_publish", args=["south-west", "2024-10"])

    page = client.get(publish).content.decode()

    assert "public archive" in page
    assert "e-mails it to 2 subscribers" in page
    ready_snapshot.refresh_from_db()
    assert ready_snapshot.state == S.READY  # nothing happens until the confirmation is posted
    detail = client.get(ready_snapshot.get_workspace_url()).content.decode()
    assert f'action="{publish}"' not in detail and f'href="{publish}"' in detail


def test_a_draft_has_no_publish_confirmation(client, publisher, snapshot):
    client.force_login(publisher)
    response = client.get(reverse("snapshot_publish", args=["south-west", "2024-10"]), follow=True)
    assert "Only a rendered snapshot can be published" in response.content.decode()


def test_a_publisher_publishes_withdraws_and_republishes(client, publisher, ready_snapshot):
    client.force_login(publisher)
    publish = reverse("snapshot_publish", args=["south-west", "2024-10"])
    client.post(publish)
    ready_snapshot.refresh_from_db()
    assert ready_snapshot.state == S.PUBLISHED and ready_snapshot.published_by == publisher
    client.post(reverse("snapshot_withdraw", args=["south-west", "2024-10"]), {"reason": "Typo"})
    client.post(publish)
    ready_snapshot.refresh_from_db()
    assert ready_snapshot.state == S.PUBLISHED


# --- The public archive ----------------------------------------------------------------------


@pytest.mark.parametrize("state", [S.DRAFT, S.RENDERING, S.READY, S.FAILED, S.WITHDRAWN])
def test_the_public_gets_404_for_anything_not_published(client, snapshot, publisher, state):
    if state in (S.READY, S.WITHDRAWN):
        make_ready(snapshot)
    if state == S.WITHDRAWN:
        snapshot.publish(by=publisher)
        snapshot.withdraw(reason="Typo")
    if state in (S.RENDERING, S.FAILED):
        snapshot.mark_rendering()
    if state == S.FAILED:
        snapshot.mark_failed(error="x")
    assert client.get(snapshot.get_absolute_url()).status_code == 404
    assert client.get(snapshot.get_pdf_url()).status_code == 404
    assert snapshot.title not in client.get(reverse("snapshot_archive", args=["south-west"])).content.decode()


def test_the_public_page_serves_the_rendered_html(client, published_snapshot):
    response = client.get("/snapshots/south-west/2024-10/")
    assert response.status_code == 200 and response.content == b"<html>page</html>"
    assert response["Content-Type"] == "text/html; charset=utf-8"


def test_the_public_pdf_has_its_type_and_a_sensible_name(client, published_snapshot):
    response = client.get("/snapshots/south-west/2024-10.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="sw-sli-snapshot-2024-10.pdf"'
    assert b"".join(response.streaming_content) == b"%PDF-1.7 fake"


def test_an_unknown_region_or_month_is_404(client, published_snapshot):
    assert client.get("/snapshots/atlantis/").status_code == 404
    assert client.get("/snapshots/south-west/2024-11/").status_code == 404
    assert client.get("/snapshots/south-west/2024-13/").status_code == 404


def test_the_archive_shows_one_year_at_a_time_newest_first(client, region, publisher, other_region, monkeypatch):
    for month in (datetime.date(2023, 11, 1), datetime.date(2024, 2, 1), datetime.date(2024, 1, 1)):
        make_published(SnapshotFactory(region=region, month=month, title=f"SW {month:%B %Y}"), by=publisher)
    make_published(SnapshotFactory(region=other_region, month=OCTOBER, title="NE October 2024"), by=publisher)
    # Sizes are the snapshot's own: the page never asks the storage (a request each on S3).
    monkeypatch.setattr("django.core.files.storage.FileSystemStorage.size", lambda *args: 1 / 0)

    page = client.get(reverse("snapshot_archive", args=["south-west"])).content.decode()
    assert page.index("SW February 2024") < page.index("SW January 2024")
    assert "SW November 2023" not in page and "NE October 2024" not in page
    assert 'href="?year=2023"' in page and '<strong aria-current="page">2024</strong>' in page
    assert "13\xa0bytes" in page and "8 pages" in page  # the PDF's size and page count

    earlier = client.get(reverse("snapshot_archive", args=["south-west"]), {"year": "2023"})
    assert "SW November 2023" in earlier.content.decode() and "SW January 2024" not in earlier.content.decode()
    assert "<title>SLI snapshots 2023 – South West" in earlier.content.decode()


@pytest.mark.parametrize("year", ["2019", "20x4", "99999", ""])
def test_a_year_without_snapshots_or_not_a_year_is_404(client, region, publisher, year):
    make_published(SnapshotFactory(region=region, month=OCTOBER), by=publisher)
    response = client.get(reverse("snapshot_archive", args=["south-west"]), {"year": year})
    assert response.status_code == (200 if year == "" else 404)


@pytest.mark.parametrize("years", [1, 3])
def test_the_archive_takes_a_fixed_number_of_queries(client, region, publisher, years, django_assert_num_queries):
    for index in range(12 * years):
        month = datetime.date(2020 + index // 12, index % 12 + 1, 1)
        make_published(SnapshotFactory(region=region, month=month), by=publisher)
    # The cache's fingerprint of the published snapshots, region, the years, the year's
    # snapshots; anonymous: no session or memberships.
    with django_assert_num_queries(4):
        assert client.get(reverse("snapshot_archive", args=["south-west"])).status_code == 200
    # Again: the page comes from the cache after the fingerprint (snapshots.cache).
    with django_assert_num_queries(1):
        assert client.get(reverse("snapshot_archive", args=["south-west"])).status_code == 200


# --- The e-bulletin ----------------------------------------------------------------------------


def _subscribe(client, email="dph@example.org") -> Subscriber:
    client.post(reverse("snapshot_subscribe", args=["south-west"]), {"email": email})
    return Subscriber.objects.get(email=email)


def test_subscribing_sends_a_confirmation_link_and_nothing_else(client, region, settings):
    settings.PORTAL_BASE_URL = "https://sli.example.org"
    # Asked on another host and over plain HTTP: the link still names the portal's public address.
    response = client.post(
        reverse("snapshot_subscribe", args=["south-west"]), {"email": "dph@example.org"}, HTTP_HOST="localhost"
    )
    assert "Check your e-mail" in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert not subscriber.is_confirmed
    assert len(mail.outbox) == 1
    assert f"https://sli.example.org/snapshots/south-west/subscribe/{subscriber.token}/confirm/" in mail.outbox[0].body


def test_a_bad_address_is_a_form_error(client, region):
    response = client.post(reverse("snapshot_subscribe", args=["south-west"]), {"email": "not-an-address"})
    assert "Enter an e-mail address in the correct format" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_subscribing_twice_sends_one_confirmation(client, region):
    _subscribe(client)
    _subscribe(client)
    assert Subscriber.objects.count() == 1 and len(mail.outbox) == 1


def test_confirming_takes_a_button_press(client, region):
    subscriber = _subscribe(client)
    url = reverse("snapshot_subscribe_confirm", args=["south-west", subscriber.token])
    assert "Confirm subscription" in client.get(url).content.decode()
    subscriber.refresh_from_db()
    assert not subscriber.is_confirmed, "opening the link (a mail scanner) confirms nothing"
    client.post(url)
    subscriber.refresh_from_db()
    assert subscriber.is_confirmed


def test_an_unknown_token_is_404(client, region):
    assert client.get(reverse("snapshot_subscribe_confirm", args=["south-west", "nope"])).status_code == 404
    assert client.post(reverse("snapshot_unsubscribe", args=["south-west", "nope"])).status_code == 404


def test_unsubscribing_deletes_the_address(client, region):
    subscriber = _subscribe(client)
    client.post(reverse("snapshot_unsubscribe", args=["south-west", subscriber.token]))
    assert not Subscriber.objects.exists()


def test_the_public_forms_are_csrf_protected(region):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("snapshot_subscribe", args=["south-west"]), {"email": "dph@example.org"})
    assert response.status_code == 403


def test_publishing_emails_confirmed_subscribers_once(
    client, publisher, region, other_region, ready_snapshot, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_BASE_URL = "https://sli.example.org"
    region.coordinator_email = "sli.coordinator@example.org"
    region.save()
    confirmed = Subscriber.objects.create(region=region, email="dph@example.org")
    confirmed.confirm()
    Subscriber.objects.create(region=region, email="pending@example.org")
    Subscriber.objects.create(region=other_region, email="ne@example.org").confirm()
    client.force_login(publisher)
    publish = reverse("snapshot_publish", args=["south-west", "2024-10"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(publish)
    assert [message.to for message in mail.outbox] == [["dph@example.org"]]
    body = mail.outbox[0].body
    # Links from PORTAL_BASE_URL, not from the publisher's request (on testserver); replies go
    # to the coordinator, not to the portal's robot sender.
    assert "https://sli.example.org/snapshots/south-west/2024-10/" in body
    assert f"https://sli.example.org/snapshots/south-west/unsubscribe/{confirmed.token}/" in body
    assert "testserver" not in body
    assert mail.outbox[0].reply_to == ["sli.coordinator@example.org"]

    # Withdrawn and published again: the subscribers already had this snapshot.
    client.post(reverse("snapshot_withdraw", args=["south-west", "2024-10"]), {"reason": "Typo"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(publish)
    assert len(mail.outbox) == 1


def test_the_sweep_sends_a_bulletin_the_broker_missed(publisher, region, ready_snapshot, monkeypatch):
    from snapshots import services

    confirmed = Subscriber.objects.create(region=region, email="dph@example.org")
    confirmed.confirm()
    # The broker is down at publication: the e-mails cannot be queued.
    monkeypatch.setattr(services, "_queue_publication_emails", lambda *args: None)
    services.publish_snapshot(snapshot=ready_snapshot, by=publisher)
    monkeypatch.undo()
    assert mail.outbox == []

    too_soon = services.sweep_unsent_publication_emails()
    assert too_soon == []  # the queue may still be delivering it

    later = timezone.now() + datetime.timedelta(minutes=5)
    assert services.sweep_unsent_publication_emails(now=later) == [ready_snapshot.pk]
    assert [message.to for message in mail.outbox] == [["dph@example.org"]]
    # Everyone has it now: the next sweep leaves it alone.
    assert services.sweep_unsent_publication_emails(now=later) == []


def test_publishing_and_withdrawing_name_the_publisher_in_the_history(publisher, ready_snapshot):
    from snapshots import services

    services.publish_snapshot(snapshot=ready_snapshot, by=publisher)
    assert ready_snapshot.history.first().history_user == publisher
    services.withdraw_snapshot(snapshot=ready_snapshot, reason="A figure was wrong", by=publisher)
    assert ready_snapshot.history.first().history_user == publisher


def test_a_drafts_page_says_which_quarter_a_render_now_would_report_and_what_is_still_due(
    client, coordinator, region, snapshot, programme
):
    # 7 January 2025: Q2 is the last due quarter; Q3's updates are due on 14 January.
    with time_machine.travel(datetime.datetime(2025, 1, 7, 10, tzinfo=datetime.UTC), tick=False):
        client.force_login(coordinator)
        page = client.get(reverse("snapshot_detail", args=[region.slug, "2024-10"])).content.decode()
    assert "Rendered today, this snapshot reports the 2024/25 Q2 quarterly updates." in page
    assert "2024/25 Q3 updates are due on 14 January: 0 of 3 submitted." in page


def test_the_bulletin_says_what_is_in_the_snapshot_and_offers_one_click_unsubscribe(
    programme, publisher, region, ready_snapshot, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_BASE_URL = "https://sli.example.org"
    subscriber = Subscriber.objects.create(region=region, email="dph@example.org")
    subscriber.confirm()
    ready_snapshot.rendered_at = timezone.make_aware(datetime.datetime(2024, 10, 20, 9))
    ready_snapshot.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_snapshot(snapshot=ready_snapshot, by=publisher)

    message = mail.outbox[0]
    # Rendered on 20 October 2024: the 2024/25 Q2 updates, one green and one amber.
    assert message.subject == f"{ready_snapshot.title} – 2024/25 Q2: 1 amber, 1 green"
    assert "from the 2024/25 Q2 quarterly updates (July to September 2024)" in message.body
    assert "Twelve councils completed the self-assessment" in message.body  # a highlight
    unsubscribe = f"https://sli.example.org/snapshots/south-west/unsubscribe/{subscriber.token}/"
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The mail client's one-click POST: no CSRF token, no cookie; it works.
    response = Client(enforce_csrf_checks=True).post(
        unsubscribe.removeprefix("https://sli.example.org"), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert not Subscriber.objects.filter(pk=subscriber.pk).exists()


def test_a_lost_confirmation_is_sent_again_the_next_day(client, region):
    with time_machine.travel(datetime.datetime(2024, 10, 1, 9, tzinfo=datetime.UTC), tick=False):
        _subscribe(client)
        _subscribe(client)  # the same day: nothing more, the form cannot flood an address
    with time_machine.travel(datetime.datetime(2024, 10, 2, 9, tzinfo=datetime.UTC), tick=False):
        subscriber = _subscribe(client)
    assert len(mail.outbox) == 2
    assert all(subscriber.token in message.body for message in mail.outbox)


def test_a_subscribed_address_is_told_so_and_the_page_says_the_same_for_everyone(client, region):
    subscriber = _subscribe(client)
    subscriber.confirm()
    mail.outbox.clear()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1), tick=False):
        response = client.post(reverse("snapshot_subscribe", args=["south-west"]), {"email": subscriber.email})
    assert "It already gets them" in mail.outbox[0].body
    assert "We have sent an e-mail to" in response.content.decode()


@pytest.mark.parametrize(
    ("address", "what"),
    [
        ("/snapshots/south-west/2024-10.pdf", "The PDF of this snapshot"),
        ("/snapshots/south-west/2024-10/", "The web page of this snapshot"),
    ],
)
def test_a_published_file_missing_from_the_storage_is_not_available_and_logged(
    client, published_snapshot, caplog, address, what
):
    """A host that cannot see the file a worker wrote (or a lost file): a clear 404, and a log line."""
    for field in (published_snapshot.pdf, published_snapshot.html):
        field.storage.delete(field.name)

    with caplog.at_level("ERROR", logger="sli_portal.core.http"):
        response = client.get(address)

    assert response.status_code == 404
    page = response.content.decode()
    assert "File not available" in page and f"{what} is not available at the moment" in page
    (record,) = [r for r in caplog.records if r.name == "sli_portal.core.http"]
    assert record.levelname == "ERROR" and "is missing from the storage" in record.getMessage()
