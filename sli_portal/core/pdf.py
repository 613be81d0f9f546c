"""HTML to PDF with WeasyPrint, never touching the network.

Stylesheets, fonts and images are read from the portal's own static files; any other URL is
refused, so a render cannot hang on, or leak to, an outside host.
"""

from __future__ import annotations

import posixpath
import time
from dataclasses import dataclass
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


# PDF/UA-1 makes a tagged PDF: headings, lists and tables reach screen readers.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True, "custom_metadata": True}


@dataclass
class RenderedPdf:
    pdf: bytes
    page_count: int
    layout_seconds: float
    write_seconds: float


def render_pdf_document(html: str) -> RenderedPdf:
    """A tagged PDF of `html` with its page count and timings. The HTML needs `<html lang>` and a
    `<title>`. Laid out once: the page count comes from the layout the PDF is written from."""
    started = time.perf_counter()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=LocalURLFetcher()).render(**PDF_OPTIONS)
    laid_out = time.perf_counter()
    pdf = document.write_pdf(**PDF_OPTIONS)
    return RenderedPdf(pdf, len(document.pages), laid_out - started, time.perf_counter() - laid_out)


def render_pdf(html: str) -> bytes:
    return render_pdf_document(html).pdf
