"""Django's createsuperuser, with the password validators applied when it runs without prompts
(`--noinput` with DJANGO_SUPERUSER_PASSWORD): a deploy script cannot make a superuser whose
password is "abc"."""

from __future__ import annotations

import os

from django.contrib.auth.management.commands import createsuperuser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


class Command(createsuperuser.Command):
    def handle(self, *args, **options):
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        if not options["interactive"] and password is not None:
            fields = {
                self.UserModel.USERNAME_FIELD: options.get(self.UserModel.USERNAME_FIELD)
                or os.environ.get(f"DJANGO_SUPERUSER_{self.UserModel.USERNAME_FIELD.upper()}", ""),
                "email": options.get("email") or os.environ.get("DJANGO_SUPERUSER_EMAIL", ""),
            }
            try:
                validate_password(password, self.UserModel(**fields))
            except ValidationError as error:
                raise CommandError("The password is refused: " + " ".join(error.messages)) from error
        return super().handle(*args, **options)
