from django.urls import path

from . import views

prefix = "regions/<slug:slug>/annual-reports/"
version = prefix + "<int:year>/v<int:version>/"

urlpatterns = [
    path(prefix, views.report_list, name="annual_report_list"),
    path(prefix + "<int:year>/", views.report_year, name="annual_report_year"),
    path(prefix + "<int:year>/edit/", views.report_edit, name="annual_report_edit"),
    path(version, views.report_version, name="annual_report_version"),
    path(version + "submit/", views.report_submit, name="annual_report_submit"),
    path(version + "acknowledge/", views.report_acknowledge, name="annual_report_acknowledge"),
    path(version + "render/", views.report_render, name="annual_report_render"),
    path(version + "report.pdf", views.report_pdf, name="annual_report_pdf"),
    path(version + "report.csv", views.report_csv, name="annual_report_csv"),
    # The addresses of the earlier, compiled-only report: bookmarks land on the year's report.
    path(
        "regions/<slug:slug>/annual-report/<int:year>.<str:extension>",
        views.old_report_address,
        name="annual_report_old",
    ),
]
