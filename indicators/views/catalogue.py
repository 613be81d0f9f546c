"""Indicator views: catalogue."""
