"""Fixtures of the modules that load the whole demo once (like setUpTestData)."""

import pytest


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    """One media folder for a module's demo: the files it renders once, its tests read."""
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture
def demo_media_root(settings, demo_media):
    """Point MEDIA_ROOT at the module's demo folder (use as autouse in those modules)."""
    settings.MEDIA_ROOT = demo_media
    return demo_media
