"""Helpers shared by the apps' tests."""

from contextlib import contextmanager

import pytest
from django.db import IntegrityError, connection, transaction


@contextmanager
def violates(constraint: str):
    """Expect the database itself to refuse a write because of `constraint`.

    PostgreSQL names the constraint in every error and SQLite names check constraints; for a
    unique constraint SQLite lists only the columns, so the name is checked where it is given.
    The savepoint keeps the test's transaction usable on PostgreSQL after the error.
    """
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        yield
    if connection.vendor == "postgresql" or "CHECK" in str(error.value):
        assert constraint in str(error.value)


# The people of the permission matrices, in the order of their columns: someone of every role
# of the region, and a coordinator of another region. Each is a fixture of conftest.py, except
# "anonymous", which the tests map to a signed-out client.
PERSONAS = [
    "anonymous",
    "member",
    "dph_lead",
    "dph_lead_2",
    "coordinator",
    "publisher",
    "national",
    "other_coordinator",
]


# A page only the region's coordinator (and superusers) may open: (persona fixture, status), the
# anonymous visitor (None) sent to sign in.
COORDINATOR_ONLY_MATRIX = [
    ("coordinator", 200),
    ("superuser", 200),
    ("sli_lead", 403),
    ("dph_lead", 403),
    ("member", 403),
    ("publisher", 403),
    ("national", 403),
    ("other_coordinator", 403),
    (None, 302),
]
