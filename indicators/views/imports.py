"""Indicator views: imports."""
