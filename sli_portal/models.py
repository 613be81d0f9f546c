from django.db import models


class SentNotification(models.Model):
    """One e-mail the portal has sent, keyed so that the same reminder never goes twice.

    A key names what the message is about and for whom, e.g.
    "update-due:2025/26 Q2:objective-14:user-7".
    """

    key = models.CharField(max_length=200, unique=True)
    recipient = models.EmailField()
    subject = models.CharField(max_length=200)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"
