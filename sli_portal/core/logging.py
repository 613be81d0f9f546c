"""Logs an operator can use: every line with its time, level, logger and the request it belongs
to (also inside the Celery tasks a request queued), as text or as JSON (LOG_FORMAT=json)."""

from __future__ import annotations

import contextvars
import datetime
import json
import logging
import re
import uuid

# The id of the request (or of the request that queued the task) being handled; "-" outside one.
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
# An id a proxy may send (nginx's $request_id): short and plain, never a way to forge log lines.
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def new_request_id(proposed: str | None = None) -> str:
    """The proxy's id when it is a plain token, else a new one."""
    if proposed and VALID_REQUEST_ID.match(proposed):
        return proposed
    return uuid.uuid4().hex


def current_request_id() -> str:
    return _request_id.get()


def set_request_id(value: str) -> contextvars.Token:
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token) -> None:
    _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record, so every format can show it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class WithoutTraceback(logging.Filter):
    """One line, not a traceback: for expected refusals such as a request for an unknown host."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


# Attributes every LogRecord has: what is left over came from `extra=` and goes into the JSON.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, request id, message, the
    record's `extra` fields and the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", current_request_id()),
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def logging_config(*, level: str, json_format: bool) -> dict:
    """Django's LOGGING: everything to standard error (systemd's journal keeps it)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "sli_portal.core.logging.RequestIdFilter"},
            "without_traceback": {"()": "sli_portal.core.logging.WithoutTraceback"},
        },
        "formatters": {
            "text": {"format": TEXT_FORMAT},
            "json": {"()": "sli_portal.core.logging.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if json_format else "text",
                "filters": ["request_id"],
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # WeasyPrint logs every layout step at INFO.
            "weasyprint.progress": {"level": "WARNING"},
            # django-axes writes four INFO lines per sign-in; a lock-out is still a WARNING.
            "axes": {"level": "WARNING"},
            # The request line below replaces Django's own (it logs 4xx/5xx again, without timing).
            "django.request": {"level": "ERROR"},
            # A request for another host (a scanner, a health check with the wrong Host): one line.
            "django.security.DisallowedHost": {
                "handlers": ["console"],
                "level": "WARNING",
                "filters": ["without_traceback"],
                "propagate": False,
            },
        },
    }
