"""The coordinator's editorial sections: Markdown in, safe HTML out.

Raw HTML typed into a section is shown as text, never passed through: Markdown's HTML
processors are removed, and nh3 then keeps only an allow-list of tags and link schemes, so the
output is safe even if a Markdown quirk lets markup through.
"""

from __future__ import annotations

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def _lower_headings(html: str) -> str:
    # A section sits under the snapshot's own h2; the writer's "#" and "##" become h3 and h4
    # so the document outline (and the PDF's tags) stay in order.
    for level, new in ((2, 4), (1, 3)):
        html = html.replace(f"<h{level}>", f"<h{new}>").replace(f"</h{level}>", f"</h{new}>")
    for level in (5, 6):
        html = html.replace(f"<h{level}>", "<h4>").replace(f"</h{level}>", "</h4>")
    return html


def render_markdown(text: str) -> SafeString:
    """Safe HTML for `text`; empty text gives an empty string."""
    if not text or not text.strip():
        return mark_safe("")
    html = _lower_headings(_markdown().convert(text))
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 - cleaned by nh3's allow-list just above
