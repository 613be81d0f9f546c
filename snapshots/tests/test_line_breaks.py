"""Line breaks in a snapshot's title: refused by the form, folded out of the e-mail subject, and
a mail failure at publication never a 500."""

import pytest
from django.core import mail
from django.urls import reverse

from snapshots.models import Snapshot, Subscriber
from snapshots.tests.factories import SnapshotFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("title", ["Snapshot\r\nBcc: everyone@example.org", "Snapshot\nNovember", "A\u2028B"])
def test_a_snapshot_title_with_a_line_break_is_a_form_error_and_nothing_is_saved(client, coordinator, region, title):
    snapshot = SnapshotFactory(region=region, title="SW ADPH SLI snapshot: October 2024")
    client.force_login(coordinator)
    response = client.post(
        reverse("snapshot_edit", args=[region.slug, snapshot.month]),
        {"title": title, "introduction": "Line one\nline two is fine here", "highlights": "", "adph_updates": ""},
    )
    assert response.status_code == 200
    assert "Title must be on one line" in response.content.decode()
    snapshot.refresh_from_db()
    assert snapshot.title == "SW ADPH SLI snapshot: October 2024"


def test_a_textarea_keeps_its_line_breaks(client, coordinator, region):
    snapshot = SnapshotFactory(region=region)
    client.force_login(coordinator)
    client.post(
        reverse("snapshot_edit", args=[region.slug, snapshot.month]),
        {"title": "One line", "introduction": "Line one\nLine two", "highlights": "", "adph_updates": ""},
    )
    snapshot.refresh_from_db()
    assert snapshot.introduction.splitlines() == ["Line one", "Line two"]


def test_publishing_a_snapshot_whose_title_has_a_line_break_e_mails_and_does_not_fail(
    client, publisher, region, ready_snapshot, django_capture_on_commit_callbacks
):
    # Saved before the forms refused line breaks (or through the admin).
    Snapshot.objects.filter(pk=ready_snapshot.pk).update(title="SW ADPH SLI snapshot:\r\nOctober 2024")
    Subscriber.objects.create(region=region, email="dph@example.org").confirm()
    client.force_login(publisher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("snapshot_publish", args=[region.slug, ready_snapshot.month]))
    assert response.status_code == 302
    assert [message.subject for message in mail.outbox] == ["SW ADPH SLI snapshot: October 2024"]


def test_a_mail_server_failure_at_publication_is_not_a_500(
    client, publisher, region, ready_snapshot, django_capture_on_commit_callbacks, monkeypatch
):
    from django.core.mail.backends.locmem import EmailBackend

    def refuse(self, messages):
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    Subscriber.objects.create(region=region, email="dph@example.org").confirm()
    client.force_login(publisher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("snapshot_publish", args=[region.slug, ready_snapshot.month]))
    assert response.status_code == 302
    ready_snapshot.refresh_from_db()
    assert ready_snapshot.state == Snapshot.State.PUBLISHED
