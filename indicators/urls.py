from django.urls import path  # noqa: F401

from .views import catalogue, imports, links  # noqa: F401 (each fills its part below)

# Under the region: indicators are shared public data, but each region sees its own councils'
# values and links indicators to its own plan.
urlpatterns: list = [
    # The catalogue, the indicator page and its API refresh (catalogue.py)
    path("regions/<slug:slug>/indicators/", catalogue.indicator_list, name="indicator_list"),
    path("regions/<slug:slug>/indicators/add/", catalogue.indicator_add, name="indicator_add"),
    path("regions/<slug:slug>/indicators/<int:fingertips_id>/", catalogue.indicator_detail, name="indicator_detail"),
    path("regions/<slug:slug>/indicators/<int:fingertips_id>/edit/", catalogue.indicator_edit, name="indicator_edit"),
    path(
        "regions/<slug:slug>/indicators/<int:fingertips_id>/refresh/",
        catalogue.indicator_refresh,
        name="indicator_refresh",
    ),
    # Uploads of Fingertips CSV exports and the import history (imports.py)
    path("regions/<slug:slug>/indicators/upload/", imports.indicator_upload, name="indicator_upload"),
    path("regions/<slug:slug>/indicators/imports/", imports.indicator_import_list, name="indicator_import_list"),
    path(
        "regions/<slug:slug>/indicators/imports/<int:import_id>/",
        imports.indicator_import_detail,
        name="indicator_import_detail",
    ),
    # Links to priority areas and key objectives, with targets (links.py)
    path(
        "regions/<slug:slug>/indicators/link/objective/<int:objective_id>/",
        links.link_objective,
        name="indicator_link_objective",
    ),
    path(
        "regions/<slug:slug>/indicators/link/priority-area/<int:priority_area_id>/",
        links.link_priority_area,
        name="indicator_link_priority_area",
    ),
    path("regions/<slug:slug>/indicators/links/<int:pk>/edit/", links.link_edit, name="indicator_link_edit"),
    path("regions/<slug:slug>/indicators/links/<int:pk>/unlink/", links.link_delete, name="indicator_link_delete"),
    path("regions/<slug:slug>/indicators/links/<int:pk>/move/", links.link_move, name="indicator_link_move"),
]
