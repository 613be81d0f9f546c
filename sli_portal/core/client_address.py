"""The address of the person at the other end of a request, as far as the portal can trust it.

Behind `NUM_PROXIES` trusted proxies, each appending the address it received the request from to
X-Forwarded-For, the client is the NUM_PROXIES-th address from the right: whatever stands further
left was written by the client and proves nothing. With no proxy configured the header is ignored
altogether, so a forged one cannot give an attacker a fresh address (and a fresh lock-out count)
on every try.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.NUM_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        # Not through the configured proxies (a health check from the proxy host, say).
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
