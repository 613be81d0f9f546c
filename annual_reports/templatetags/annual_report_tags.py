"""Reading a frozen report's plain values in templates."""

from __future__ import annotations

import datetime

from django import template

register = template.Library()


@register.filter
def iso_date(value: str):
    """The date an ISO string names (frozen reports keep dates as text), or the text unchanged."""
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return value
