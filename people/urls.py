from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("accounts/password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

urlpatterns += [
    path("accounts/invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("regions/<slug:slug>/people/", views.people_list, name="people_list"),
    path("regions/<slug:slug>/people/invite/", views.person_invite, name="person_invite"),
    path("regions/<slug:slug>/people/<int:user_id>/roles/", views.person_roles, name="person_roles"),
    path("regions/<slug:slug>/people/<int:user_id>/end/", views.person_end, name="person_end"),
    path(
        "regions/<slug:slug>/people/<int:user_id>/invitation/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "regions/<slug:slug>/people/<int:user_id>/invitation/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
]

urlpatterns += [
    path("accounts/", views.account, name="account"),
    path("accounts/two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/recovery-codes/", views.two_factor_recovery_codes, name="two_factor_recovery_codes"),
    path("accounts/two-factor/remove/", views.two_factor_remove, name="two_factor_remove"),
    path(
        "regions/<slug:slug>/people/<int:user_id>/two-factor/reset/",
        views.person_reset_second_factor,
        name="person_reset_second_factor",
    ),
]
