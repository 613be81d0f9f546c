from django.apps import AppConfig


class PeopleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "people"
    verbose_name = "People"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import two_factor

        def decide_second_step(sender, request, user, **kwargs):
            # Signing in with a password (or an invitation) decides what the session still needs.
            if request is not None and hasattr(request, "session"):
                request.session[two_factor.SESSION_KEY] = two_factor.state_after_password(request, user)

        user_logged_in.connect(decide_second_step, dispatch_uid="people.two_factor")
