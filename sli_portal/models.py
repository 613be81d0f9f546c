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


class Heartbeat(models.Model):
    """When beat last sent its periodic heartbeat and when a worker last ran it, for
    /healthz/workers: a silent beat or worker shows as an old time, not as nothing."""

    class Source(models.TextChoices):
        BEAT = "beat", "Celery beat"
        WORKER = "worker", "A Celery worker"

    source = models.CharField(max_length=10, choices=Source.choices, unique=True)
    at = models.DateTimeField()
    # Which worker ran the last heartbeat (its host name), for the operator.
    detail = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.at:%Y-%m-%d %H:%M:%S}"
