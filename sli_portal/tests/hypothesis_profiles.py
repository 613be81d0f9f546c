"""Hypothesis settings of the bad-input tests, bounded so the suite stays fast.

Each fuzzing test is decorated with `@FUZZ` rather than loading a global profile, so other
tests that use Hypothesis keep their own settings. In CI (CI=true) the examples are derandomised:
a failure seen in CI is the same failure on a laptop. HYPOTHESIS_EXAMPLES raises the number
of examples for a longer local hunt, e.g. HYPOTHESIS_EXAMPLES=500.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

IN_CI = os.environ.get("CI", "").lower() == "true"
# Forms: 20 examples each keeps the 33 forms within about a minute; the query, token and id
# tests also sweep every known-bad value deterministically, so fewer random examples do there.
EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "20"))

settings.register_profile(
    "sli-bad-input",
    max_examples=EXAMPLES,
    # A request renders a page: timings vary with the machine, never a reason to fail.
    deadline=None,
    derandomize=IN_CI,
    # No example database in the repository or in var/: runs are reproducible from the seed.
    database=None,
    print_blob=True,
    # The examples share pytest-django's function-scoped `db` fixture on purpose: each example
    # runs in its own savepoint that is rolled back (see `isolated` in test_bad_input.py).
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

FUZZ = settings.get_profile("sli-bad-input")
FUZZ_LIGHT = settings(FUZZ, max_examples=max(EXAMPLES // 3, 5))
