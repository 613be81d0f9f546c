"""The portal's benchmarks, printed as tables with their targets: `make bench` runs this.

    .venv/bin/python bench/bench.py [--only pages,load,render,pg] [--requests 30] [--json FILE]

What it does, each part in its own process so that settings and memory are measured cleanly:

1. builds, for each database engine (SQLite files under --dir, and with `pg` PostgreSQL databases
   named `sli_bench_*` that it creates and drops), a base (`migrate`, `load_demo`) copied three
   times, then `generate_scale_data --scale 1`, `--scale 10` and `--scale 10 --history 3`;
2. `pages` (a process per database, twice in turn so the history pair is measured side by
   side): for each main page, the SQL queries of one request and the median server time of
   --requests requests through Django's test client, and a bare "hello" view (a temporary
   URLconf, not part of the portal) as the baseline;
3. `load`: gunicorn with 2 workers on 127.0.0.1 (production settings: DEBUG=0, CONN_MAX_AGE as
   in production) against the scale-10 database, and `wrk --latency` for --load-seconds each on
   /healthz (the baseline), the public archive, the home page, and the coordinator's dashboard
   and the national view signed in (a session cookie from a real sign-in);
4. `render`: the demo snapshot and a long one in-process (HTML build vs WeasyPrint vs total, peak
   memory), then nine regions' snapshots rendered by a real Celery worker (`-c 2`, and `-c 1` to
   show what the task adds; the Redis broker of --redis-url, the real render task), timed from
   queueing to all nine ready, against WeasyPrint alone on the same nine HTMLs one after the other.

Nothing here is a test: figures depend on the machine and on what else runs on it, so the load
average is recorded with each part. The targets are the issues' (#7 and #18).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
REGION = "north-east"  # a generated region: present at scale 1 and at scale 10

# Targets of issue 7.
MAX_QUERIES = 25
DASHBOARD_MS = 100
RENDER_RATIO = 1.15
ARCHIVE_RPS = 200
ARCHIVE_P99_MS = 200
# Targets of issue 18.
HISTORY_TIME_RATIO = 1.2  # dashboard and national view, 3× history against 1×
SIGNED_IN_RPS = 150  # the signed-in dashboard, 2 gunicorn workers, scale 10
SIGNED_IN_P99_MS = 150
POOL_RATIO = 1.2  # nine snapshots by 2 workers ≤ 1.2 × (WeasyPrint alone, summed, ÷ 2)
POOL_SNAPSHOTS = 9

# The databases of each engine: (key, scale, history).
DATABASES = (("s1", 1, 1), ("s10", 10, 1), ("s10h3", 10, 3))
ENGINES = {"sqlite": "SQLite", "pg": "PostgreSQL"}
PARTS = ("pages", "load", "render", "pg")
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_PREFIX = "sli_bench_"


def _loadavg() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


class Database:
    """One benchmark database: its VAR_DIR (the SQLite file and media) and, on PostgreSQL, its URL."""

    def __init__(self, base: Path, engine: str, key: str, pg_url: str = PG_SERVER):
        self.engine, self.key = engine, key
        self.var_dir = base / engine / key
        self.name = f"{PG_PREFIX}{key}"
        self.url = f"{pg_url}/{self.name}" if engine == "pg" else None

    def env(self, **extra) -> dict:
        env = {**os.environ, "VAR_DIR": str(self.var_dir), "LOG_LEVEL": "ERROR", "PYTHONPATH": str(ROOT)}
        # The embedded SQLite under VAR_DIR unless PostgreSQL; Celery eager unless a part says.
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        if self.url:
            env["DATABASE_URL"] = self.url
        env.update(extra)
        return env

    def manage(self, *args: str) -> None:
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env(), check=True, stdout=subprocess.DEVNULL)


def _pg_admin(*statements: str) -> None:
    import psycopg2

    connection = psycopg2.connect(f"{PG_SERVER}/postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        connection.close()


def _pg_drop(*databases: Database) -> None:
    _pg_admin(*(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)' for db in databases))


def build_databases(base: Path, engine: str) -> tuple[dict[str, Database], dict[str, float]]:
    """The base (migrate, load_demo) once, copied for each scale and history, then generated."""
    template = Database(base, engine, "base")
    databases = {key: Database(base, engine, key) for key, _, _ in DATABASES}
    template.var_dir.mkdir(parents=True)
    if engine == "pg":
        _pg_drop(template, *databases.values())
        _pg_admin(f'CREATE DATABASE "{template.name}"')
    template.manage("migrate", "--noinput", "-v0")
    template.manage("load_demo")
    seconds = {}
    for key, scale, history in DATABASES:
        database = databases[key]
        shutil.copytree(template.var_dir, database.var_dir)  # the demo's rendered files (and SQLite file)
        if engine == "pg":
            _pg_admin(f'CREATE DATABASE "{database.name}" TEMPLATE "{template.name}"')
        started = time.perf_counter()
        database.manage("generate_scale_data", "--scale", str(scale), "--history", str(history))
        seconds[key] = time.perf_counter() - started
    if engine == "pg":
        _pg_drop(template)
    shutil.rmtree(template.var_dir)
    return databases, seconds


def _child(database: Database, *args: str, **env) -> dict:
    """Run this script's sub-command in a fresh process and return the JSON it prints last."""
    result = subprocess.run(
        [PYTHON, __file__, *args], cwd=ROOT, env=database.env(**env), capture_output=True, text=True
    )
    if result.returncode:
        sys.stderr.write(result.stderr)
        result.check_returncode()
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- Pages, in a process with Django set up ---------------------------------------------------


def _setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sli_portal.settings")
    import django

    django.setup()


def _hello_urlconf() -> str:
    """A URLconf with the portal's URLs and a bare view, registered as a module for this run only."""
    import types

    from django.http import HttpResponse
    from django.urls import path

    from sli_portal import urls

    def hello(request):
        return HttpResponse("hello")

    module = types.ModuleType("bench_hello_urls")
    module.urlpatterns = [path("__bench_hello__/", hello), *urls.urlpatterns]
    sys.modules[module.__name__] = module
    return module.__name__


def _page_list():
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from priorities.models import KeyObjective
    from programmes.models import ActionPlan

    users = get_user_model().objects
    plan = ActionPlan.objects.get(region__slug=REGION, status="active")
    objective = KeyObjective.objects.filter(plan=plan).order_by("number").first()
    coordinator = users.get(username=f"{REGION}-coordinator-scale")
    lead = users.get(username=f"{REGION}-dph-1-scale")
    national = users.get(username="national")
    return [
        ("hello (bare view)", "/__bench_hello__/", None),
        ("dashboard", reverse("dashboard", args=[REGION]), coordinator),
        ("plan detail", reverse("plan_detail", args=[REGION, plan.pk]), coordinator),
        ("objective detail", reverse("objective_detail", args=[REGION, objective.pk]), coordinator),
        ("my priorities (updates due)", reverse("my_priorities", args=[REGION]), lead),
        ("peer-challenge schedule", reverse("peer_challenge_schedule", args=[REGION]), coordinator),
        ("public snapshot archive", reverse("snapshot_archive", args=[REGION]), None),
        ("home page", reverse("home"), None),
        ("public regions summary", reverse("national_public_summary"), None),
        ("national view", reverse("national_view"), national),
    ]


def measure_pages(requests: int) -> dict:
    _setup_django()
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    # As in Django's own tests: one connection for the run (reconnecting per request would
    # clear the query log and time SQLite's open, not the page).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    results = {}
    with override_settings(ROOT_URLCONF=_hello_urlconf(), ALLOWED_HOSTS=["127.0.0.1"]):
        for label, url, user in _page_list():
            client = Client(HTTP_HOST="127.0.0.1")
            if user is not None:
                client.force_login(user)
            for _ in range(3):  # warm: templates, URL resolver, connection
                assert client.get(url).status_code == 200, (label, url)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            # Counted now: the log is cleared when the next request starts.
            query_count = len(queries)
            times, cpu_times = [], []
            for _ in range(requests):
                started, cpu_started = time.perf_counter(), time.process_time()
                client.get(url)
                times.append(time.perf_counter() - started)
                cpu_times.append(time.process_time() - cpu_started)
            results[label] = {
                "url": url,
                "queries": query_count,
                "median_ms": 1000 * statistics.median(times),
                # This process's CPU only (with SQLite, the database's work too; not PostgreSQL's):
                # what other processes on a busy machine change least.
                "median_cpu_ms": 1000 * statistics.median(cpu_times),
            }
    return results


# --- Snapshot render, in a process of its own --------------------------------------------------


LONG_HIGHLIGHTS = "\n\n".join(
    f"## Highlight {n}\n\n" + "The network reviewed progress against the plan and agreed the next steps. " * 12
    for n in range(1, 25)
)


def measure_render(which: str, runs: int) -> dict:
    _setup_django()
    import resource

    from weasyprint import HTML

    from sli_portal.core.pdf import BASE_URL, PDF_OPTIONS, LocalURLFetcher
    from snapshots.models import Snapshot
    from snapshots.services import build_html, render_pdf_document

    snapshot = Snapshot.objects.filter(region__slug="south-west").select_related("region").order_by("-month").first()
    if which == "long":
        snapshot.highlights = LONG_HIGHLIGHTS  # in memory only: nothing is saved
    rows = []
    for run in range(runs + 1):
        started = time.perf_counter()
        html = build_html(snapshot)
        built = time.perf_counter()
        rendered = render_pdf_document(html)
        total = time.perf_counter() - started
        alone_started = time.perf_counter()
        HTML(string=html, base_url=BASE_URL, url_fetcher=LocalURLFetcher()).write_pdf(**PDF_OPTIONS)
        alone = time.perf_counter() - alone_started
        if run:  # the first run loads fonts
            rows.append((built - started, rendered.layout_seconds, rendered.write_seconds, total, alone))
    return {
        "title": snapshot.title + (" + 24 highlights" if which == "long" else ""),
        "pages": rendered.page_count,
        "html_s": statistics.median(r[0] for r in rows),
        "layout_s": statistics.median(r[1] for r in rows),
        "write_s": statistics.median(r[2] for r in rows),
        "total_s": statistics.median(r[3] for r in rows),
        "weasyprint_alone_s": statistics.median(r[4] for r in rows),
        "ratio": statistics.median(r[3] / r[4] for r in rows),
        # Linux reports kilobytes.
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


# --- Load: gunicorn and wrk --------------------------------------------------------------------

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.errors.status))
end
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on 127.0.0.1:{port}")


def _production_env(database: Database, **extra) -> dict:
    return database.env(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        # Plain HTTP on 127.0.0.1: cookies that a browser would only send over HTTPS.
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        # The load test signs in with a password alone.
        REQUIRE_2FA="0",
        # Production settings need a mail server (deploy check); the benchmark sends no e-mail.
        EMAIL_URL="smtp://127.0.0.1:1025",
        **extra,
    )


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    cookies = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        cookies[name.strip()] = rest.split(";", 1)[0]
    return cookies


def sign_in(port: int, username: str, password: str) -> str:
    """Sign in through the login page as a browser does (CSRF cookie and token, then POST) and
    return the Cookie header that wrk sends; checked by reading a signed-in page."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/accounts/login/")
    response = connection.getresponse()
    cookies = _cookies(response)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.read())[1].decode()
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
    connection.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken']}",
            "Referer": f"http://127.0.0.1:{port}/accounts/login/",
        },
    )
    response = connection.getresponse()
    response.read()
    cookies.update(_cookies(response))
    if response.status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"Signing in as {username} failed: HTTP {response.status}")
    connection.close()
    return f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}"


def _get(port: int, path: str, cookie: str | None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


def measure_load(database: Database, seconds: int, connections: int) -> dict:
    wrk = shutil.which("wrk")
    if wrk is None:
        return {"error": "wrk is not installed (make bench installs it from Debian)"}
    port = _free_port()
    env = _production_env(database)
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    script = database.var_dir / "bench.lua"
    script.write_text(WRK_SCRIPT)
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "sli_portal.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
        + ["--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    password = os.environ.get("DEMO_PASSWORD", "sli-demo-password")
    results = {}
    try:
        _wait_for(port)
        coordinator = sign_in(port, f"{REGION}-coordinator-scale", password)
        national = sign_in(port, "national", password)
        runs = (
            ("/healthz (baseline)", "/healthz", None),
            ("public snapshot archive", f"/snapshots/{REGION}/", None),
            ("home page", "/", None),
            ("dashboard, signed in", f"/regions/{REGION}/dashboard/", coordinator),
            ("national view, signed in", "/national/", national),
        )
        for label, path, cookie in runs:
            # wrk counts only 4xx and 5xx as errors: a page that sent it to sign in would look fast.
            status = _get(port, path, cookie)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}, not 200")
            url = f"http://127.0.0.1:{port}{path}"
            headers = ["-H", f"Cookie: {cookie}"] if cookie else []
            subprocess.run([wrk, "-t1", "-c2", "-d2s", *headers, url], check=True, capture_output=True)  # warm
            load_before = _loadavg()
            out = subprocess.run(
                [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), *headers, url],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            requests, duration_us, p50, p95, p99, errors = map(int, re.search(r"BENCH (.*)", out)[1].split())
            results[label] = {
                "url": path,
                "signed_in": cookie is not None,
                "rps": requests / (duration_us / 1e6),
                "p50_ms": p50 / 1000,
                "p95_ms": p95 / 1000,
                "p99_ms": p99 / 1000,
                "non_2xx": errors,
                "connections": connections,
                "seconds": seconds,
                "loadavg_before": load_before,
            }
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return results


# --- Nine snapshots by a pool of two Celery workers --------------------------------------------


def _pool_snapshots() -> list:
    """Each region's newest snapshot, made a draft again without its files' hash (this is a
    throw-away database), so that every render lays the PDF out."""
    from snapshots.models import Snapshot

    ids = []
    for region_id in Snapshot.objects.order_by().values_list("region_id", flat=True).distinct():
        ids.append(Snapshot.objects.filter(region_id=region_id).order_by("-month").values_list("pk", flat=True)[0])
    ids = sorted(ids)[:POOL_SNAPSHOTS]
    Snapshot.objects.filter(pk__in=ids).update(state=Snapshot.State.DRAFT, content_hash="", render_started_at=None)
    return list(Snapshot.objects.filter(pk__in=ids).select_related("region").order_by("pk"))


def _render_by_pool(timeout: float = 600) -> float:
    """Queue the nine renders through the service (on commit, to the broker) and wait until the
    worker pool has made all nine ready: seconds from the first queueing to the last ready."""
    from snapshots.models import Snapshot
    from snapshots.services import request_render

    snapshots = _pool_snapshots()
    started = time.perf_counter()
    for snapshot in snapshots:
        if not request_render(snapshot=snapshot).queued:
            raise RuntimeError("The broker did not take the render")
    ids = [snapshot.pk for snapshot in snapshots]
    while time.perf_counter() - started < timeout:
        states = list(Snapshot.objects.filter(pk__in=ids).values_list("state", "error"))
        if any(state == Snapshot.State.FAILED for state, _ in states):
            raise RuntimeError(f"A render failed: {[error for _, error in states if error]}")
        if all(state == Snapshot.State.READY for state, _ in states):
            return time.perf_counter() - started
        time.sleep(0.05)
    raise RuntimeError("The pool did not render the nine snapshots in time")


def _weasyprint_alone(htmls: list[str]) -> list[float]:
    from weasyprint import HTML

    from sli_portal.core.pdf import BASE_URL, PDF_OPTIONS, LocalURLFetcher

    seconds = []
    for html in htmls:
        started = time.perf_counter()
        HTML(string=html, base_url=BASE_URL, url_fetcher=LocalURLFetcher()).write_pdf(**PDF_OPTIONS)
        seconds.append(time.perf_counter() - started)
    return seconds


def _worker_pool(workers: int) -> dict:
    """A real worker with `workers` processes: the nine renders a first time (cold: each process
    loads its fonts) and a second (warm, as a long-running worker is)."""
    from sli_portal.celery import app

    app.control.purge()
    worker = subprocess.Popen(
        [PYTHON, "-m", "celery", "-A", "sli_portal", "worker", "--pool=prefork", f"--concurrency={workers}"]
        + ["--loglevel=ERROR", "-n", f"bench-{os.getpid()}-{workers}@%h", "--without-gossip", "--without-mingle"],
        cwd=ROOT,
        env=os.environ,
        stderr=subprocess.DEVNULL,  # the banner and its warning about running as root
    )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=1):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("The Celery worker did not start")
        load_before = _loadavg()
        cold = _render_by_pool()
        warm = _render_by_pool()
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    return {"workers": workers, "cold_s": cold, "warm_s": warm, "loadavg_before": load_before}


def measure_pool(workers: int) -> dict:
    """In a process with REDIS_URL set: WeasyPrint alone on the nine HTMLs one after the other
    (before and after the pools, to even out what else the machine does), and the same nine by a
    real worker with one process (what the task adds to WeasyPrint) and with `workers`."""
    _setup_django()
    from snapshots.services import build_html

    htmls = [build_html(snapshot) for snapshot in _pool_snapshots()]
    _weasyprint_alone(htmls[:1])  # fonts
    load_before = _loadavg()
    before = _weasyprint_alone(htmls)
    runs = [_worker_pool(count) for count in sorted({1, workers})]
    after = _weasyprint_alone(htmls)
    alone_sum = (sum(before) + sum(after)) / 2
    pool = runs[-1]
    return {
        "snapshots": len(htmls),
        "workers": workers,
        "alone_before_s": before,
        "alone_after_s": after,
        "alone_sum_s": alone_sum,
        "runs": runs,
        "pool_s": pool["warm_s"],
        "ratio": pool["warm_s"] / (alone_sum / workers),
        "loadavg_before": load_before,
    }


# --- The table ---------------------------------------------------------------------------------


def _mark(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def _table(head: list[str], rows: list[list]) -> None:
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    print()


def print_pages(name: str, engine: dict) -> None:
    pages = engine["pages"]
    s1, s10, h3 = pages["s1"], pages["s10"], pages["s10h3"]
    hello10 = s10["hello (bare view)"]["median_ms"]
    generated = ", ".join(f"{key} {seconds:.1f} s" for key, seconds in engine["generate_s"].items())
    print(f"### Pages on {name} (generation: {generated}; load average {engine['pages_loadavg']})\n")
    rows = []
    for label, row10 in s10.items():
        row1, row3 = s1[label], h3[label]
        time_ratio = row3["median_ms"] / row10["median_ms"]
        cpu_ratio = row3["median_cpu_ms"] / row10["median_cpu_ms"]
        if label.startswith("hello"):
            target = "baseline"
        else:
            flat = row1["queries"] == row10["queries"] == row3["queries"] <= MAX_QUERIES
            target = f"≤{MAX_QUERIES} q, flat ×1→×10→3× history: {_mark(flat)}"
            if label == "dashboard":
                target += f"; ≤{DASHBOARD_MS} ms at ×10: {_mark(row10['median_ms'] <= DASHBOARD_MS)}"
            if label in ("dashboard", "national view"):
                target += (
                    f"; 3× history ≤{HISTORY_TIME_RATIO}× time: {_mark(time_ratio <= HISTORY_TIME_RATIO)}"
                    f" (CPU: {_mark(cpu_ratio <= HISTORY_TIME_RATIO)})"
                )
        rows.append(
            [
                label,
                row1["queries"],
                row10["queries"],
                row3["queries"],
                f"{row1['median_ms']:.1f}",
                f"{row10['median_ms']:.1f}",
                f"{row3['median_ms']:.1f}",
                f"{time_ratio:.2f}",
                f"{cpu_ratio:.2f}",
                f"{row10['median_ms'] / hello10:.0f}",
                target,
            ]
        )
    _table(
        [
            "page",
            "queries ×1",
            "queries ×10",
            "queries ×10, 3× history",
            "median ×1 ms",
            "median ×10 ms",
            "median ×10, 3× history ms",
            "3× history / 1×: time",
            "… CPU",
            "×hello (×10)",
            "target",
        ],
        rows,
    )


def print_load(name: str, load: dict) -> None:
    if "error" in load:
        print(f"Load on {name}: {load['error']}\n")
        return
    first = next(iter(load.values()))
    print(
        f"### gunicorn, 2 workers, {name}, scale 10: wrk {first['connections']} connections × "
        f"{first['seconds']} s each\n"
    )
    rows = []
    for label, row in load.items():
        target = ""
        if label == "public snapshot archive":
            ok = row["rps"] >= ARCHIVE_RPS and row["p99_ms"] <= ARCHIVE_P99_MS
            target = f"≥{ARCHIVE_RPS} req/s at p99 ≤{ARCHIVE_P99_MS} ms: {_mark(ok)}"
        if label == "dashboard, signed in":
            ok = row["rps"] >= SIGNED_IN_RPS and row["p99_ms"] <= SIGNED_IN_P99_MS
            target = f"≥{SIGNED_IN_RPS} req/s at p99 ≤{SIGNED_IN_P99_MS} ms: {_mark(ok)}"
        rows.append(
            [
                f"{label} ({row['url']})",
                f"{row['rps']:.0f}",
                f"{row['p50_ms']:.1f}",
                f"{row['p95_ms']:.1f}",
                f"{row['p99_ms']:.1f}",
                row["non_2xx"],
                " ".join(f"{value:.1f}" for value in row["loadavg_before"]),
                target,
            ]
        )
    _table(["URL", "req/s", "p50 ms", "p95 ms", "p99 ms", "non-2xx", "load avg before", "target"], rows)


def print_engines(report: dict) -> None:
    """PostgreSQL next to SQLite: the scale-10 page times and the load runs, with their ratio."""
    sqlite, pg = report["engines"]["sqlite"], report["engines"]["pg"]
    print("### PostgreSQL against SQLite (scale 10)\n")
    rows = []
    for label, row in sqlite["pages"]["s10"].items():
        other = pg["pages"]["s10"][label]
        ratio = other["median_ms"] / row["median_ms"]
        rows.append([label, f"{row['median_ms']:.1f}", f"{other['median_ms']:.1f}", f"{ratio:.2f}"])
    _table(["page (test client, median)", "SQLite ms", "PostgreSQL ms", "PostgreSQL / SQLite"], rows)
    if "error" not in sqlite.get("load", {"error": ""}) and "error" not in pg.get("load", {"error": ""}):
        rows = []
        for label, row in sqlite["load"].items():
            other = pg["load"][label]
            rows.append(
                [
                    label,
                    f"{row['rps']:.0f}",
                    f"{other['rps']:.0f}",
                    f"{other['rps'] / row['rps']:.2f}",
                    f"{row['p99_ms']:.1f}",
                    f"{other['p99_ms']:.1f}",
                ]
            )
        head = ["gunicorn, 2 workers", "SQLite req/s", "PostgreSQL req/s", "ratio", "SQLite p99", "PostgreSQL p99"]
        _table(head, rows)


def print_render(render: dict) -> None:
    if "demo" in render:
        rows = []
        for key in ("demo", "long"):
            row = render[key]
            rows.append(
                [
                    row["title"],
                    row["pages"],
                    f"{row['html_s']:.2f}",
                    f"{row['layout_s']:.2f}",
                    f"{row['write_s']:.2f}",
                    f"{row['total_s']:.2f}",
                    f"{row['weasyprint_alone_s']:.2f}",
                    f"{row['ratio']:.2f} ({_mark(row['ratio'] <= RENDER_RATIO)} ≤{RENDER_RATIO})",
                    f"{row['peak_mib']:.0f}",
                ]
            )
        print(f"### Snapshot render, in-process (load average {render['loadavg']})\n")
        _table(
            ["snapshot", "pages", "HTML s", "layout s", "PDF write s", "total s", "WeasyPrint alone s", "total/alone"]
            + ["peak MiB"],
            rows,
        )
    pool = render.get("pool")
    if pool:
        ideal = pool["alone_sum_s"] / pool["workers"]
        print(
            f"### {pool['snapshots']} snapshots by a Celery worker ({pool['database']}, Redis broker; "
            f"load average {pool['loadavg_before']})\n"
        )
        rows = [
            ["WeasyPrint alone, one after the other (sum, mean of before and after)", f"{pool['alone_sum_s']:.2f}"]
            + ["", ""],
            [f"… ÷ {pool['workers']} (the workers perfectly shared)", f"{ideal:.2f}", "1.00", ""],
        ]
        for run in pool["runs"]:
            for key, when in (("cold_s", "cold: fonts"), ("warm_s", "warm")):
                ratio = run[key] / ideal
                target = ""
                if run["workers"] == pool["workers"] and key == "warm_s":
                    target = f"≤{POOL_RATIO}: {_mark(ratio <= POOL_RATIO)}"
                label = f"worker -c {run['workers']}, queue to all ready ({when})"
                rows.append([label, f"{run[key]:.2f}", f"{ratio:.2f}", target])
        _table(["", "seconds", f"÷ (alone ÷ {pool['workers']})", "target"], rows)


def print_report(report: dict) -> None:
    print(f"\n## SLI Portal benchmarks: {report['cpus']} CPUs, {report['requests']} requests a page\n")
    print(f"Load average at the start {report['loadavg_start']}, at the end {report['loadavg_end']}.\n")
    for engine, name in ENGINES.items():
        data = report["engines"].get(engine)
        if data and "pages" in data:
            print_pages(name, data)
    for engine, name in ENGINES.items():
        data = report["engines"].get(engine)
        if data and "load" in data:
            print_load(name, data["load"])
    if all(report["engines"].get(engine, {}).get("pages") for engine in ENGINES):
        print_engines(report)
    if report.get("render"):
        print_render(report["render"])


# --- Running the parts -------------------------------------------------------------------------


def measure_pages_in_turn(databases: dict[str, Database], requests: int, rounds: int) -> dict:
    """Each database's pages in a process of its own, all of them `rounds` times in turn; per
    page the lowest median and the queries, so a passing burst of load on the machine weighs on
    no one database alone."""
    runs: dict[str, list[dict]] = {key: [] for key in databases}
    for _ in range(rounds):
        for key, database in databases.items():
            runs[key].append(_child(database, "pages", "--requests", str(requests)))
    pages = {}
    for key, results in runs.items():
        pages[key] = {
            label: {
                **results[0][label],
                "median_ms": min(result[label]["median_ms"] for result in results),
                "median_cpu_ms": min(result[label]["median_cpu_ms"] for result in results),
            }
            for label in results[0]
        }
    return pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs="?", default="all", choices=["all", "pages", "render", "pool"])
    parser.add_argument(
        "--only",
        default=",".join(PARTS),
        help="parts to run, comma-separated: pages, load, render, and pg (the same on PostgreSQL too); default all",
    )
    parser.add_argument("--dir", type=Path, default=None, help="where the databases go (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the databases (SQLite files and PostgreSQL)")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=2, help="times each database's pages are measured, in turn")
    parser.add_argument("--runs", type=int, default=3, help="renders of each snapshot (after a warm-up)")
    parser.add_argument("--load-seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--which", default="demo", choices=["demo", "long"])
    parser.add_argument("--workers", type=int, default=2, help="the render pool's worker processes")
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"), help="the pool's broker"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures there")
    args = parser.parse_args()

    if args.command == "pages":
        print(json.dumps(measure_pages(args.requests)))
        return 0
    if args.command == "render":
        print(json.dumps(measure_render(args.which, args.runs)))
        return 0
    if args.command == "pool":
        print(json.dumps(measure_pool(args.workers)))
        return 0

    parts = {part.strip() for part in args.only.split(",") if part.strip()}
    unknown = parts - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))} (choose from {', '.join(PARTS)})")
    engines = ["sqlite", "pg"] if "pg" in parts else ["sqlite"]
    base = args.dir or Path(tempfile.mkdtemp(prefix="sli-bench-"))
    print(f"Benchmark databases under {base}", file=sys.stderr)
    report = {
        "cpus": os.cpu_count(),
        "requests": args.requests,
        "parts": sorted(parts),
        "loadavg_start": _loadavg(),
        "engines": {},
        "render": {},
    }
    built: dict[str, dict[str, Database]] = {}
    try:
        for engine in engines:
            print(f"Building the {ENGINES[engine]} databases…", file=sys.stderr)
            built[engine], generate_s = build_databases(base, engine)
            data = report["engines"][engine] = {"generate_s": generate_s}
            if "pages" in parts:
                print(f"Measuring the pages on {ENGINES[engine]}…", file=sys.stderr)
                data["pages_loadavg"] = _loadavg()
                data["pages"] = measure_pages_in_turn(built[engine], args.requests, args.rounds)
            if "load" in parts:
                print(f"Load under gunicorn on {ENGINES[engine]}…", file=sys.stderr)
                data["load"] = measure_load(built[engine]["s10"], args.load_seconds, args.connections)
        if "render" in parts:
            print("Rendering snapshots…", file=sys.stderr)
            render = report["render"]
            render["loadavg"] = _loadavg()
            for which in ("demo", "long"):
                render[which] = _child(built["sqlite"]["s1"], "render", "--which", which, "--runs", str(args.runs))
            # The pool needs PostgreSQL: two workers writing at once lock SQLite's file.
            if "pg" in built:
                database = built["pg"]["s10"]
                print(f"Nine snapshots by a worker pool on {ENGINES[database.engine]}…", file=sys.stderr)
                pool_env = _production_env(database, REDIS_URL=args.redis_url)
                # Production settings read static files through the manifest: `load` may not have run.
                collect = [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"]
                subprocess.run(collect, cwd=ROOT, env=pool_env, check=True)
                render["pool"] = _child(database, "pool", "--workers", str(args.workers), **pool_env)
                render["pool"]["database"] = ENGINES[database.engine]
            else:
                print("The worker pool is measured on PostgreSQL only: add pg to --only.", file=sys.stderr)
    finally:
        if not args.keep:
            if "pg" in built:
                _pg_drop(*built["pg"].values())
            if args.dir is None:
                shutil.rmtree(base, ignore_errors=True)
    report["loadavg_end"] = _loadavg()
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
