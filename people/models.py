"""The people side of the portal: password resets asked for, invitations sent."""

from __future__ import annotations

from django.db import models


class ResetRequest(models.Model):
    """One request for a password-reset e-mail, kept a day to throttle them per address and
    per client, whether or not the address belongs to an account."""

    email = models.CharField(max_length=254, db_index=True)  # as typed, in lower case
    client_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    requested_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.email} from {self.client_address} at {self.requested_at:%Y-%m-%d %H:%M}"
