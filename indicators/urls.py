from django.urls import path  # noqa: F401

from .views import catalogue, imports, links  # noqa: F401 (each fills its part below)

# Under the region: indicators are shared public data, but each region sees its own councils'
# values and links indicators to its own plan.
urlpatterns: list = [
    # The catalogue, the indicator page and its API refresh (catalogue.py)
    # Uploads of Fingertips CSV exports and the import history (imports.py)
    # Links to priority areas and key objectives, with targets (links.py)
]
