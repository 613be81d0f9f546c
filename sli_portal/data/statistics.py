"""Table statistics after a bulk load: PostgreSQL plans each query from them, and right after
`generate_scale_data` or `import_region` they describe the empty tables of before — a plan 30
times slower was measured until ANALYZE ran (issue 18). Autovacuum catches up later; this does
it at once."""

from __future__ import annotations

from django.db import connection


def refresh_statistics() -> bool:
    """ANALYZE the whole database on PostgreSQL; False (nothing to do) elsewhere."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return True
