"""How long the demo snapshot takes to render: HTML build, WeasyPrint layout, PDF writing, total.

Run after the demo is loaded (the current month's draft is the "demo snapshot"):

    VAR_DIR=/tmp/benchvar .venv/bin/python manage.py migrate -v0
    VAR_DIR=/tmp/benchvar .venv/bin/python manage.py load_demo >/dev/null
    VAR_DIR=/tmp/benchvar .venv/bin/python bench/snapshot_render.py [--runs 5] [--region south-west]

It renders in this process (no worker, nothing saved) and prints each run and the median. The
first run pays for loading fonts and is reported but left out of the median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sli_portal.settings")


def main() -> int:
    import django

    django.setup()
    from snapshots.models import Snapshot
    from snapshots.services import build_html, render_pdf_document

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--region", default="south-west")
    args = parser.parse_args()

    snapshot = Snapshot.objects.filter(region__slug=args.region).select_related("region").order_by("-month").first()
    if snapshot is None:
        print(f"No snapshot for region {args.region!r}: run `manage.py load_demo` first.", file=sys.stderr)
        return 1
    print(f"{snapshot.title} ({snapshot.get_state_display().lower()}), {os.cpu_count()} CPUs")
    print(f"{'run':>4} {'html s':>8} {'layout s':>9} {'write s':>8} {'total s':>8} {'pages':>6} {'KiB':>6}")
    totals, rows = [], []
    for run in range(args.runs + 1):
        started = time.perf_counter()
        html = build_html(snapshot)
        built = time.perf_counter()
        rendered = render_pdf_document(html)
        total = time.perf_counter() - started
        rows.append((built - started, rendered.layout_seconds, rendered.write_seconds, total))
        label = "warm" if run == 0 else str(run)
        print(
            f"{label:>4} {built - started:8.2f} {rendered.layout_seconds:9.2f} {rendered.write_seconds:8.2f} "
            f"{total:8.2f} {rendered.page_count:6d} {len(rendered.pdf) // 1024:6d}"
        )
        if run:
            totals.append(total)
    measured = rows[1:]
    print(
        f"median: html {statistics.median(r[0] for r in measured):.2f} s, "
        f"layout {statistics.median(r[1] for r in measured):.2f} s, "
        f"write {statistics.median(r[2] for r in measured):.2f} s, "
        f"total {statistics.median(totals):.2f} s for {rendered.page_count} pages"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
