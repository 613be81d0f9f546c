"""Every periodic task of the portal, in one place so that one beat process runs them all.

django-celery-beat copies these entries into its database tables, where an admin can pause
one. Times are Europe/London (CELERY_TIMEZONE).
"""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Expired sessions are deleted nightly (Django keeps them otherwise).
    "clear-expired-sessions": {
        "task": "sli_portal.tasks.clear_expired_sessions",
        "schedule": crontab(minute=30, hour=3),
    },
    # Proves beat and a worker are alive (/healthz/workers, check_workers); stale ones expire.
    "heartbeat": {
        "task": "sli_portal.tasks.heartbeat",
        "schedule": 60.0,
        "options": {"expires": 120},
    },
    # Draft each region's snapshot for the new month and render it.
    "create-monthly-snapshots": {
        "task": "snapshots.tasks.create_monthly_snapshots",
        "schedule": crontab(minute=0, hour=7, day_of_month=1),
    },
    # A render whose worker died leaves the snapshot in `rendering`; requeue it.
    "sweep-stale-snapshot-renders": {
        "task": "snapshots.tasks.sweep_stale_renders",
        "schedule": crontab(minute="*/10"),
    },
    # Handovers of priority-area leadership whose day has come, before the reminders go.
    "apply-due-handovers": {
        "task": "priorities.tasks.apply_due_handovers",
        "schedule": crontab(minute=5, hour=0),
    },
    # Quarterly updates coming due, and overdue, for each DPH lead.
    "send-update-reminders": {
        "task": "priorities.tasks.send_update_reminders",
        "schedule": crontab(minute=0, hour=8),
    },
    # The coordinators' weekly digest, Monday mornings.
    "send-coordinator-digests": {
        "task": "priorities.tasks.send_coordinator_digests",
        "schedule": crontab(minute=30, hour=8, day_of_week="mon"),
    },
    # Councils entering due/overdue and late peer-challenge milestones, to the coordinator.
    "send-peer-challenge-reminders": {
        "task": "peer_challenges.tasks.send_peer_challenge_reminders",
        "schedule": crontab(minute=0, hour=9, day_of_month=1),
    },
    # Linked outcome indicators from the Fingertips API, weekly, on Sunday night.
    "refresh-linked-indicators": {
        "task": "indicators.tasks.refresh_linked_indicators",
        "schedule": crontab(minute=15, hour=2, day_of_week="sun"),
    },
}
