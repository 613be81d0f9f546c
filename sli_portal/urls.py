from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("programmes.urls")),
    path("", include("priorities.urls")),
    path("", include("snapshots.urls")),
    path("", include("peer_challenges.urls")),
]

admin.site.site_header = "SLI Portal administration"
admin.site.site_title = "SLI Portal admin"
