from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import audit_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("programmes.urls")),
    path("", include("priorities.urls")),
    path("", include("snapshots.urls")),
    path("", include("peer_challenges.urls")),
    path("regions/<slug:slug>/audit/", audit_views.audit_region, name="audit_region"),
    path("regions/<slug:slug>/audit/<str:kind>/<int:pk>/", audit_views.audit_object, name="audit_object"),
]

admin.site.site_header = "SLI Portal administration"
admin.site.site_title = "SLI Portal admin"
