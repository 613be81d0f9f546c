"""The portal's benchmarks, printed as one table: `make bench` runs this after `make install`.

    .venv/bin/python bench/bench.py [--dir /tmp/sli-bench] [--requests 30] [--load-seconds 10]

What it does, each part in its own process so that settings and memory are measured cleanly:

1. builds two databases under --dir (a fresh temporary directory by default): `migrate`,
   `load_demo`, then `generate_scale_data --scale 1` in one and `--scale 10` in the other;
2. `pages` (in a process per database): for each main page, the SQL queries of one request and
   the median server time of --requests requests through Django's test client, and the same for
   a bare "hello" view defined here (a temporary URLconf, not part of the portal);
3. `load`: gunicorn with 2 workers on 127.0.0.1 (production settings, DEBUG=0) against the
   scale-10 database, and `wrk --latency` on the public archive and the home page for
   --load-seconds each: requests per second, p50/p95/p99;
4. `render` (a process per snapshot): the demo snapshot and a long one, HTML build vs WeasyPrint
   layout and writing vs total, WeasyPrint alone on the same HTML, and the process's peak memory.

Nothing here is a test: figures depend on the machine. The targets are the issue's (#7).
"""

from __future__ import annotations

import argparse
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


def _env(var_dir: Path, **extra) -> dict:
    env = {**os.environ, "VAR_DIR": str(var_dir), "LOG_LEVEL": "ERROR", "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)  # always the embedded SQLite under VAR_DIR
    env.update(extra)
    return env


def _manage(var_dir: Path, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=_env(var_dir), check=True, stdout=subprocess.DEVNULL)


def build_database(var_dir: Path, scale: int) -> float:
    var_dir.mkdir(parents=True, exist_ok=True)
    _manage(var_dir, "migrate", "--noinput", "-v0")
    _manage(var_dir, "load_demo")
    started = time.perf_counter()
    _manage(var_dir, "generate_scale_data", "--scale", str(scale))
    return time.perf_counter() - started


def _child(var_dir: Path, *args: str, **env) -> dict:
    """Run this script's sub-command in a fresh process and return the JSON it prints last."""
    result = subprocess.run(
        [PYTHON, __file__, *args], cwd=ROOT, env=_env(var_dir, **env), check=True, capture_output=True, text=True
    )
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
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                client.get(url)
                times.append(time.perf_counter() - started)
            results[label] = {"url": url, "queries": query_count, "median_ms": 1000 * statistics.median(times)}
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


def measure_load(var_dir: Path, seconds: int, connections: int) -> dict:
    wrk = shutil.which("wrk")
    if wrk is None:
        return {"error": "wrk is not installed (make bench installs it from Debian)"}
    port = _free_port()
    env = _env(
        var_dir,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        # The load test signs in with a password alone.
        REQUIRE_2FA="0",
        # Production settings need a mail server (deploy check); the load test sends no e-mail.
        EMAIL_URL="smtp://127.0.0.1:1025",
    )
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    script = var_dir / "bench.lua"
    script.write_text(WRK_SCRIPT)
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "sli_portal.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
        + ["--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    results = {}
    try:
        _wait_for(port)
        for label, path in (("public snapshot archive", f"/snapshots/{REGION}/"), ("home page", "/")):
            url = f"http://127.0.0.1:{port}{path}"
            subprocess.run([wrk, "-t1", "-c2", "-d2s", url], check=True, capture_output=True)  # warm both workers
            out = subprocess.run(
                [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            requests, duration_us, p50, p95, p99, errors = map(int, re.search(r"BENCH (.*)", out)[1].split())
            results[label] = {
                "url": path,
                "rps": requests / (duration_us / 1e6),
                "p50_ms": p50 / 1000,
                "p95_ms": p95 / 1000,
                "p99_ms": p99 / 1000,
                "non_2xx": errors,
                "connections": connections,
                "seconds": seconds,
            }
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return results


# --- The table ---------------------------------------------------------------------------------


def _mark(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def print_table(report: dict) -> None:
    pages1, pages10 = report["pages"]["1"], report["pages"]["10"]
    hello1, hello10 = pages1["hello (bare view)"]["median_ms"], pages10["hello (bare view)"]["median_ms"]
    print(f"\nSLI Portal benchmarks: {report['cpus']} CPUs, {report['requests']} requests a page, SQLite")
    print(f"Generation: scale 1 in {report['generate_s']['1']:.1f} s, scale 10 in {report['generate_s']['10']:.1f} s\n")
    head = f"| {'page':<28} | queries ×1 | queries ×10 | median ×1 ms | median ×10 ms | ×hello (×10) | target |"
    print(head)
    print("|" + "|".join("-" * (len(cell)) for cell in head.split("|")[1:-1]) + "|")
    for label, row10 in pages10.items():
        row1 = pages1[label]
        queries_ok = row1["queries"] == row10["queries"] <= MAX_QUERIES
        target = f"≤{MAX_QUERIES} q, equal: {_mark(queries_ok)}"
        if label == "dashboard":
            target += f"; ≤{DASHBOARD_MS} ms: {_mark(row10['median_ms'] <= DASHBOARD_MS)}"
        if label.startswith("hello"):
            target = "baseline"
        print(
            f"| {label:<28} | {row1['queries']:>10} | {row10['queries']:>11} | {row1['median_ms']:>12.1f} "
            f"| {row10['median_ms']:>13.1f} | {row10['median_ms'] / hello10:>12.1f} | {target} |"
        )
    print(f"\n(hello view: {hello1:.2f} ms at scale 1, {hello10:.2f} ms at scale 10)\n")

    load = report["load"]
    if "error" in load:
        print(f"Load: {load['error']}\n")
    else:
        print("| under gunicorn, 2 workers (scale 10) | req/s | p50 ms | p95 ms | p99 ms | non-2xx | target |")
        print("|---|---|---|---|---|---|---|")
        for label, row in load.items():
            target = ""
            if label == "public snapshot archive":
                ok = row["rps"] >= ARCHIVE_RPS and row["p99_ms"] <= ARCHIVE_P99_MS
                target = f"≥{ARCHIVE_RPS} req/s at p99 ≤{ARCHIVE_P99_MS} ms: {_mark(ok)}"
            print(
                f"| {label} ({row['url']}) | {row['rps']:.0f} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} "
                f"| {row['p99_ms']:.1f} | {row['non_2xx']} | {target} |"
            )
        first = next(iter(load.values()))
        print(f"(wrk, {first['connections']} connections for {first['seconds']} s each, against 127.0.0.1)\n")

    print(
        "| snapshot render | pages | HTML s | layout s | PDF write s | total s | WeasyPrint alone s "
        "| total/alone | peak MiB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for row in report["render"].values():
        print(
            f"| {row['title']} | {row['pages']} | {row['html_s']:.2f} | {row['layout_s']:.2f} | {row['write_s']:.2f} "
            f"| {row['total_s']:.2f} | {row['weasyprint_alone_s']:.2f} | {row['ratio']:.2f} "
            f"({_mark(row['ratio'] <= RENDER_RATIO)}) | {row['peak_mib']:.0f} |"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs="?", default="all", choices=["all", "pages", "render"])
    parser.add_argument("--dir", type=Path, default=None, help="where the databases go (default: a temporary one)")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3, help="renders of each snapshot (after a warm-up)")
    parser.add_argument("--load-seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--which", default="demo", choices=["demo", "long"])
    parser.add_argument("--json", type=Path, default=None, help="also write the figures there")
    args = parser.parse_args()

    if args.command == "pages":
        print(json.dumps(measure_pages(args.requests)))
        return 0
    if args.command == "render":
        print(json.dumps(measure_render(args.which, args.runs)))
        return 0

    base = args.dir or Path(tempfile.mkdtemp(prefix="sli-bench-"))
    print(f"Benchmark databases under {base}", file=sys.stderr)
    report = {"cpus": os.cpu_count(), "requests": args.requests, "generate_s": {}, "pages": {}}
    for scale in (1, 10):
        var_dir = base / f"scale{scale}"
        print(f"Building the scale-{scale} database…", file=sys.stderr)
        report["generate_s"][str(scale)] = build_database(var_dir, scale)
        print(f"Measuring the pages at scale {scale}…", file=sys.stderr)
        report["pages"][str(scale)] = _child(var_dir, "pages", "--requests", str(args.requests))
    print("Load under gunicorn…", file=sys.stderr)
    report["load"] = measure_load(base / "scale10", args.load_seconds, args.connections)
    print("Rendering snapshots…", file=sys.stderr)
    report["render"] = {
        which: _child(base / "scale1", "render", "--which", which, "--runs", str(args.runs))
        for which in ("demo", "long")
    }
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    print_table(report)
    if args.dir is None:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
