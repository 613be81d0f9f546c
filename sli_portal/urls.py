from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .pages import audit_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/workers", views.healthz_workers, name="healthz_workers"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("people.urls")),
    path("admin/", admin.site.urls),
    # The pages that bring the apps together
    path("regions/<slug:slug>/", views.region_home, name="region_home"),
    path("regions/<slug:slug>/plan/", views.public_plan, name="public_plan"),
    path("regions/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path("national/", views.national_view, name="national_view"),
    path("regions/", views.national_public_summary, name="national_public_summary"),
    path("", include("programmes.urls")),
    path("", include("priorities.urls")),
    path("", include("case_studies.urls")),
    path("", include("indicators.urls")),
    path("", include("snapshots.urls")),
    path("", include("peer_challenges.urls")),
    path("", include("annual_reports.urls")),
    path("regions/<slug:slug>/audit/", audit_views.audit_region, name="audit_region"),
    path("regions/<slug:slug>/audit/<str:kind>/<int:pk>/", audit_views.audit_object, name="audit_object"),
]

handler404 = "sli_portal.pages.views.page_not_found"

admin.site.site_header = "SLI Portal administration"
admin.site.site_title = "SLI Portal admin"
