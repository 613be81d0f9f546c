from django.apps import AppConfig


class SliPortalConfig(AppConfig):
    name = "sli_portal"
    verbose_name = "SLI Portal"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401 - registers the deploy checks
        from .core.middleware import stamp_session_on_login

        user_logged_in.connect(stamp_session_on_login, dispatch_uid="sli_portal.stamp_session_on_login")
