"""A live portal with the demo data, and a headless Debian chromium driven by Playwright.

The portal runs in its own process on a fresh SQLite database under a temporary VAR_DIR, as a
new user's `make run` would, so the browser sees exactly what people see.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "e2e" / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "e2e" / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "sli-demo-password"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _portal_env(var_dir: Path, **settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")}
    env.update(VAR_DIR=str(var_dir), DEMO_PASSWORD=DEMO_PASSWORD, **settings)
    return env


# The server log of each running portal, by base URL: the console e-mail backend writes there.
SERVER_LOGS: dict[str, Path] = {}


def sent_emails(base_url: str) -> str:
    """Everything the portal at `base_url` has e-mailed so far (its console backend's output)."""
    return SERVER_LOGS[base_url].read_text()


@contextlib.contextmanager
def _running_portal(var_dir: Path, env: dict[str, str]):
    """Django's server on a free port until the block ends; yields its base URL."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    port = _free_port()
    log = open(var_dir / "server.log", "w")  # noqa: SIM115 - closed after the server stops
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"], env=env, cwd=ROOT, stdout=log, stderr=log
    )
    base_url = f"http://127.0.0.1:{port}"
    SERVER_LOGS[base_url] = var_dir / "server.log"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:
                    if json.load(response)["status"] == "ok":
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"The portal did not start: {(var_dir / 'server.log').read_text()[-2000:]}")
            time.sleep(0.3)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def portal(tmp_path_factory):
    """Base URL of a running portal loaded with the demo."""
    var_dir = tmp_path_factory.mktemp("var")
    env = _portal_env(var_dir, DEBUG="1")
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "load_demo"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    with _running_portal(var_dir, env) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def portal_without_debug(tmp_path_factory):
    """The portal with DEBUG off, answering errors with its own pages as production does (with
    DEBUG on, a 404 is Django's technical page). Plain HTTP on 127.0.0.1, static files collected
    as in production; no demo data."""
    var_dir = tmp_path_factory.mktemp("var-no-debug")
    env = _portal_env(
        var_dir,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        # Production settings that sign in with a password alone say so (people issue).
        REQUIRE_2FA="0",
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    with _running_portal(var_dir, env) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make e2e` installs Debian's chromium", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, portal):
    # bypass_csp lets the test inject axe-core; the portal's own pages never need it.
    context = browser.new_context(base_url=portal, bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page_without_javascript(browser, portal):
    context = browser.new_context(base_url=portal, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"


# The widths axe-core checks every page at: desktop, 200% zoom of it, a phone, 400% zoom (reflow).
AXE_WIDTHS = (1280, 640, 390, 320)
AXE_RUN = "async (options) => await axe.run(document, options)"


def check_accessibility(page, name: str, *, scripts: bool = True) -> None:
    """Run axe-core on the page at each of AXE_WIDTHS and fail on any violation, whatever its
    impact; keep a screenshot at the page's own width.

    `scripts=False` (a page replayed with JavaScript off) leaves out `scrollable-region-focusable`:
    the portal's script is what makes a table that scrolls keyboard-focusable."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.add_script_tag(path=str(AXE))
    options = {"resultTypes": ["violations"]}
    if not scripts:
        options["rules"] = {"scrollable-region-focusable": {"enabled": False}}
    viewport = page.viewport_size
    found = []
    try:
        for width in AXE_WIDTHS:
            page.set_viewport_size({"width": width, "height": viewport["height"]})
            page.wait_for_timeout(50)  # the resize handler marks the tables that now scroll
            for v in page.evaluate(AXE_RUN, options)["violations"]:
                example = v["nodes"][0]["target"]
                found.append(f"{width} px, {v['impact']}: {v['id']} — {v['help']} ({len(v['nodes'])}× e.g. {example})")
    finally:
        page.set_viewport_size(viewport)
    assert not found, f"axe found on {name} ({page.url}):\n" + "\n".join(found)


# --- Journeys: every page a journey visits is checked with axe-core ------------------------------

# (check name, URL) of every page the journeys ran axe-core on, for the run's summary.
AXE_CHECKED: list[tuple[str, str]] = []


class Journey:
    """One user's browser tab in a journey, which keeps track of the pages it visits.

    `visit()`/`check()` run axe-core on the page; when the test ends, the `journey` fixture fails
    if the tab showed a page that was never checked, or if any page answered with a server error.
    """

    def __init__(self, page, name: str, replay=None):
        self.page = page
        self.name = name
        # axe-core cannot run where JavaScript is off: such a tab's pages are checked in `replay`,
        # a tab that is given the very HTML the tab received and runs none of the portal's scripts.
        self.replay = replay
        self.visited: list[str] = []
        self.checked: set[str] = set()
        self.server_errors: list[str] = []
        page.on("framenavigated", self._navigated)
        page.on("response", self._responded)

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame and frame.url != "about:blank":
            self.visited.append(frame.url.split("#")[0])

    def _responded(self, response) -> None:
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.request.method} {response.url}")

    def check(self, step: str) -> None:
        """axe-core on the page the tab shows now, saved as e2e/artifacts/<journey>-<step>.png."""
        name = f"{self.name}-{step}"
        assert name not in {checked for checked, _ in AXE_CHECKED}, f"{name} is checked twice"
        self.page.wait_for_load_state()
        if self.replay is None:
            check_accessibility(self.page, name)
        else:
            self._check_in_replay(name)
        self.checked.add(self.page.url.split("#")[0])
        AXE_CHECKED.append((name, self.page.url))

    def _check_in_replay(self, name: str) -> None:
        url, html = self.page.url, self.page.content()

        def same_html(route):
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

        def shown(address: str) -> bool:
            return address == url

        self.replay.route(shown, same_html)
        try:
            self.replay.goto(url)
            check_accessibility(self.replay, name, scripts=False)
        finally:
            self.replay.unroute(shown, same_html)

    def visit(self, path: str, step: str, *, status: int = 200):
        response = self.page.goto(path)
        assert response is not None and response.status == status, f"{path}: {response and response.status}"
        self.check(step)
        return response

    def sign_in(self, username: str) -> None:
        """Sign in through the login form, checking the login page and the page the user lands on."""
        self.visit("/accounts/login/", f"login-{username}")
        self.page.get_by_label("E-mail address or username").fill(username)
        self.page.get_by_label("Password").fill(DEMO_PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()
        assert "/accounts/login/" not in self.page.url, f"{username} could not sign in"
        self.check(f"landing-{username}")

    def sign_in_without_the_form(self, username: str) -> None:
        """Sign in with a POST from the tab's context (no page shown): for the other actors of a journey."""
        self.page.request.get("/accounts/login/")
        token = next(c["value"] for c in self.page.context.cookies() if c["name"] == "csrftoken")
        response = self.page.request.post(
            "/accounts/login/",
            form={"csrfmiddlewaretoken": token, "username": username, "password": DEMO_PASSWORD},
            max_redirects=0,
        )
        assert response.status == 302, f"{username} could not sign in ({response.status})"

    def unchecked_pages(self) -> list[str]:
        return [url for url in dict.fromkeys(self.visited) if url not in self.checked]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.journey_test_failed = report.failed
    return report


@pytest.fixture
def journey(request, browser, portal):
    """`journey(name)` opens a new browser tab in its own context (its own cookies, so its own user)."""
    contexts, journeys = [], []

    def new_context(**options):
        context = browser.new_context(base_url=portal, viewport={"width": 1280, "height": 900}, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    def open_tab(name: str, *, javascript: bool = True) -> Journey:
        """A new tab in its own context; `javascript=False` turns JavaScript off in it."""
        replay = None
        if not javascript:
            replay = new_context(bypass_csp=True).new_page()
            replay.route(re.compile(r"\.m?js(\?.*)?$"), lambda route: route.abort())
        page = new_context(bypass_csp=True, accept_downloads=True, java_script_enabled=javascript).new_page()
        journeys.append(Journey(page, name, replay))
        return journeys[-1]

    yield open_tab
    for context in contexts:
        context.close()
    if getattr(request.node, "journey_test_failed", True):
        return  # the test's own failure says what went wrong
    for tab in journeys:
        assert not tab.server_errors, f"{tab.name}: server errors {tab.server_errors}"
        assert not tab.unchecked_pages(), f"{tab.name} visited pages axe-core did not check: {tab.unchecked_pages()}"


def pytest_terminal_summary(terminalreporter):
    if not AXE_CHECKED:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    lines = [f"{name}\t{url}" for name, url in AXE_CHECKED]
    (ARTIFACTS / "axe-checked.txt").write_text("\n".join(lines) + "\n")
    distinct = len({url.split("?")[0] for _, url in AXE_CHECKED})
    terminalreporter.write_line(
        f"axe-core checked {len(AXE_CHECKED)} journey pages ({distinct} distinct paths) at "
        f"{', '.join(map(str, AXE_WIDTHS))} px with no violation; list in e2e/artifacts/axe-checked.txt"
    )
