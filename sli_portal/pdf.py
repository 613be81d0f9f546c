"""HTML to PDF with WeasyPrint, never touching the network.

Stylesheets, fonts and images are read from the portal's own static files; any other URL is
refused, so a render cannot hang on, or leak to, an outside host.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher

# Relative and /static/ URLs in the HTML resolve against this made-up origin, then to files.
BASE_URL = "http://portal.invalid/"


class LocalURLFetcher(URLFetcher):
    """Serves data: URLs and the portal's /static/ files; refuses everything else."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parsed = urlparse(url)
        if parsed.netloc == urlparse(BASE_URL).netloc and parsed.path.startswith(settings.STATIC_URL):
            path = static_file(parsed.path.removeprefix(settings.STATIC_URL))
            if path:
                return super().fetch(path.as_uri(), headers)
        raise ValueError(f"PDF rendering fetches nothing outside the portal's static files: {url}")


def static_file(name: str) -> Path | None:
    name = posixpath.normpath(name)
    if name.startswith(("..", "/")):
        return None
    found = finders.find(name)
    if found:
        return Path(found)
    collected = Path(settings.STATIC_ROOT) / name
    return collected if collected.is_file() else None


def render_pdf(html: str) -> bytes:
    """A tagged PDF (PDF/UA-1) of `html`. The HTML needs `<html lang>` and a `<title>`."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=LocalURLFetcher())
    return document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True, custom_metadata=True)
