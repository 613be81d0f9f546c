import io

import pytest
from pypdf import PdfReader

from sli_portal.core.pdf import LocalURLFetcher, render_pdf

PAGE = """<!doctype html><html lang="en"><head><title>Progress report</title>
<link rel="stylesheet" href="/static/css/portal.css"></head>
<body><h1>Key Objective 14: The SW ADPH Voice</h1><p>On track.</p>{extra}</body></html>"""


def test_render_pdf_makes_a_tagged_pdf_with_a_title():
    pdf = render_pdf(PAGE.format(extra=""))
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root
    assert reader.metadata.title == "Progress report"
    assert "Key Objective 14: The SW ADPH Voice" in " ".join(reader.pages[0].extract_text().split())


def test_the_fetcher_serves_static_files():
    response = LocalURLFetcher().fetch("http://portal.invalid/static/css/portal.css")
    assert b"sli-" in response.read()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/logo.png",
        "http://127.0.0.1:8000/static/css/portal.css",
        "file:///etc/passwd",
        "http://portal.invalid/media/evidence/secret.pdf",
        "http://portal.invalid/static/../../sli_portal/settings.py",
    ],
)
def test_the_fetcher_refuses_anything_else(url):
    with pytest.raises(ValueError, match="fetches nothing outside"):
        LocalURLFetcher().fetch(url)


def test_an_outside_image_does_not_stop_the_render():
    pdf = render_pdf(PAGE.format(extra='<img src="https://example.org/x.png" alt="">'))
    assert pdf.startswith(b"%PDF-")
