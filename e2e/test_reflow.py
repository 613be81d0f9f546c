"""No page is wider than a phone, and each says what it is: every page a role can reach is crawled at
640, 390 and 320 CSS px, and no two of them share a title.

A page reflows (WCAG 1.4.10) when `document.documentElement.scrollWidth` stays within the
viewport: wide tables scroll inside their own wrapper, long words wrap. The crawl starts on the
role's landing page and follows the links of the portal (not downloads, not signing out) up to a
bound, so a new page is covered as soon as something links to it.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from .conftest import AXE, sign_in

WIDTHS = (640, 390, 320)
MAX_PAGES = 70
# Downloads and what ends the session or leaves the portal's own pages.
SKIP = re.compile(
    r"(\.(pdf|csv|xlsx|ics|png|svg)$)|(/accounts/logout)|(/admin/)|(/feed/)|(/export)|(/download)|(/attachments/\d+/$)"
)

LINKS = """() => Array.from(document.querySelectorAll('a[href]'))
    .filter(a => !a.hasAttribute('download'))
    .map(a => a.getAttribute('href'))"""

WIDTH = "() => document.documentElement.scrollWidth"
# What scrolls must be scrollable by keyboard (axe-core's scrollable-region-focusable, serious).
KEYBOARD_SCROLL = """async () => (await axe.run(document, {runOnly: ['scrollable-region-focusable']}))
    .violations.flatMap(v => v.nodes.map(n => n.target.join(' ')))"""


def crawl(page, origin: str, start: str) -> tuple[dict[str, dict[int, int]], list[str], dict[str, list[str]]]:
    """Path → viewport width → the page's width, for the pages of `origin` reachable from
    `start`; the regions that scroll but cannot be scrolled by keyboard; title → paths."""
    queue, seen, widths, unfocusable, titles = [start], {start}, {}, [], {}
    while queue and len(widths) < MAX_PAGES:
        path = queue.pop(0)
        page.set_viewport_size({"width": WIDTHS[0], "height": 800})
        response = page.goto(path)
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        widths[path] = {}
        titles.setdefault(page.title(), []).append(path)
        page.add_script_tag(path=str(AXE))
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            page.wait_for_timeout(50)  # the resize handler marks the tables that now scroll
            widths[path][width] = page.evaluate(WIDTH)
            unfocusable += [f"{path} at {width} px: {target}" for target in page.evaluate(KEYBOARD_SCROLL)]
        for href in page.evaluate(LINKS):
            url = urlsplit(urljoin(page.url, href))
            if url.netloc != origin or url.scheme not in ("http", "https") or SKIP.search(url.path):
                continue
            # One page per path: filters and sort orders (?query) show the same layout.
            if url.path not in seen:
                seen.add(url.path)
                queue.append(url.path)
    return widths, unfocusable, titles


@pytest.mark.parametrize("username", ["coordinator", "dph-lead", "publisher", "national", None])
def test_no_page_is_wider_than_a_phone(browser, portal, username):
    context = browser.new_context(base_url=portal, viewport={"width": WIDTHS[0], "height": 800}, bypass_csp=True)
    page = context.new_page()
    try:
        if username:
            sign_in(page, username)
        start = urlsplit(page.url).path if username else "/"
        widths, unfocusable, titles = crawl(page, urlsplit(portal).netloc, start)
    finally:
        context.close()

    assert len(widths) > 5, f"the crawl of {username or 'the public'} found only {list(widths)}"
    too_wide = [
        f"{path} is {width_of_page} px wide at {width} px"
        for path, by_width in widths.items()
        for width, width_of_page in by_width.items()
        if width_of_page > width
    ]
    shared = {title: paths for title, paths in titles.items() if len(paths) > 1}
    assert not shared, f"pages share a title (WCAG 2.4.2 wants each to say what it is): {shared}"
    assert not unfocusable, "scrolls but cannot be scrolled by keyboard:\n" + "\n".join(unfocusable)
    assert not too_wide, f"{len(too_wide)} page widths overflow for {username or 'the public'}:\n" + "\n".join(too_wide)
