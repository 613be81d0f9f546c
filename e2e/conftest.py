"""A live portal with the demo data, and a headless Debian chromium driven by Playwright.

The portal runs in its own process on a fresh SQLite database under a temporary VAR_DIR, as a
new user's `make run` would, so the browser sees exactly what people see.
"""

from __future__ import annotations

import json
import os
import re
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


@pytest.fixture(scope="session")
def portal(tmp_path_factory):
    """Base URL of a running portal loaded with the demo."""
    var_dir = tmp_path_factory.mktemp("var")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")}
    env.update(VAR_DIR=str(var_dir), DEBUG="1", DEMO_PASSWORD=DEMO_PASSWORD)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "load_demo"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    port = _free_port()
    log = open(var_dir / "server.log", "w")  # noqa: SIM115 - closed after the server stops
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"], env=env, cwd=ROOT, stdout=log, stderr=log
    )
    base_url = f"http://127.0.0.1:{port}"
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


def check_accessibility(page, name: str) -> None:
    """Run axe-core on the page and fail on any serious or critical violation; keep a screenshot."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(
        f"{v['impact']}: {v['id']} — {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})" for v in serious
    )
    assert not serious, f"axe found on {name} ({page.url}):\n{report}"


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
        if os.environ.get("E2E_AXE_MINOR"):
            self._record_minor_violations(name)

    def _record_minor_violations(self, name: str) -> None:
        """With E2E_AXE_MINOR=1: the moderate and minor violations too, in e2e/artifacts/axe-minor.txt."""
        page = self.page if self.replay is None else self.replay
        results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        with open(ARTIFACTS / "axe-minor.txt", "a", encoding="utf-8") as report:
            for v in results["violations"]:
                targets = "; ".join(" ".join(node["target"]) for node in v["nodes"][:3])
                report.write(f"{name}\t{v['impact']}\t{v['id']}\t{v['help']}\t{len(v['nodes'])}x\t{targets}\n")

    def _check_in_replay(self, name: str) -> None:
        url, html = self.page.url, self.page.content()

        def same_html(route):
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

        def shown(address: str) -> bool:
            return address == url

        self.replay.route(shown, same_html)
        try:
            self.replay.goto(url)
            check_accessibility(self.replay, name)
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
        self.page.get_by_label("Username").fill(username)
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
        f"axe-core checked {len(AXE_CHECKED)} journey pages ({distinct} distinct paths) with no serious or "
        f"critical violation; list in e2e/artifacts/axe-checked.txt"
    )
