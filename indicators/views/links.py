"""Indicator views: links."""
