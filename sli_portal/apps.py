from django.apps import AppConfig


class SliPortalConfig(AppConfig):
    name = "sli_portal"
    verbose_name = "SLI Portal"

    def ready(self):
        from . import checks  # noqa: F401 - registers the deploy checks
