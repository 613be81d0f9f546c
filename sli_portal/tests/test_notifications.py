import pytest
from django.core import mail

from sli_portal.core.notifications import send_once
from sli_portal.models import SentNotification


@pytest.mark.django_db
def test_the_same_key_is_sent_once():
    assert send_once(key="update-due:q2:7", to="dph@example.org", subject="Update due", body="Please.")
    assert not send_once(key="update-due:q2:7", to="dph@example.org", subject="Update due", body="Please.")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["dph@example.org"]


@pytest.mark.django_db
def test_a_failed_send_can_be_tried_again(monkeypatch):
    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    with pytest.raises(ConnectionRefusedError):
        send_once(key="digest:w48", to="sli@example.org", subject="Digest", body="…")
    assert not SentNotification.objects.exists()
    monkeypatch.undo()
    assert send_once(key="digest:w48", to="sli@example.org", subject="Digest", body="…")


def test_every_message_has_an_html_alternative_of_the_same_words(db):
    send_once(
        key="k-html", to="a@example.org", subject="S", body="Read it <here>:\nhttps://sli.example.org/x/\n\nThanks"
    )
    message = mail.outbox[0]
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert '<a href="https://sli.example.org/x/" rel="nofollow">https://sli.example.org/x/</a>' in html
    assert "&lt;here&gt;" in html and "<p>Thanks</p>" in html
