"""The public snapshot archive, cached for anonymous visitors; a new version on every publication.

The archive is the most read page and the same for every anonymous visitor, so its HTML is kept
in the cache under a key that includes a fingerprint of what it shows (the region's names and
every published snapshot's fields that the page lists). Publishing, republishing or
withdrawing a snapshot changes the fingerprint, so the next visitor gets a fresh page. The
fingerprint is read from the database (one small query), not from a counter bumped on publish:
each gunicorn worker has its own local-memory cache, and a counter in one would not reach the
others.
"""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from .models import Snapshot

# A safety net only: the key already changes whenever the page would.
TIMEOUT_SECONDS = 600


def archive_fingerprint(slug: str) -> str | None:
    """What the archive of region `slug` lists, as a short hash: one query for the fields the
    page shows. None when nothing is published (or the region is unknown): not worth caching."""
    rows = list(
        Snapshot.objects.published()
        .filter(region__slug=slug)
        .order_by("pk")
        .values_list(
            "pk",
            "month",
            "title",
            "published_at",
            "page_count",
            "pdf",
            "pdf_bytes",
            "region__name",
            "region__network_name",
        )
    )
    if not rows:
        return None
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:32]


def _is_public_visitor(request) -> bool:
    """Anonymous and without a session or messages cookie: the page is the same for all of them."""
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
    )


def cache_archive(view):
    @functools.wraps(view)
    def wrapper(request, slug: str, *args, **kwargs):
        if not _is_public_visitor(request):
            return view(request, slug, *args, **kwargs)
        fingerprint = archive_fingerprint(slug)
        if fingerprint is None:
            return view(request, slug, *args, **kwargs)
        # Each year of the archive is its own page.
        year = request.GET.get("year", "latest")[:8]
        key = f"snapshot-archive:{slug}:{year}:{fingerprint}"
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            return HttpResponse(content, content_type=content_type)
        response = view(request, slug, *args, **kwargs)
        if response.status_code == 200 and not response.cookies and not getattr(response, "streaming", False):
            cache.set(key, (response.content, response["Content-Type"]), TIMEOUT_SECONDS)
        return response

    return wrapper
