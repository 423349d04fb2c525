from celery import shared_task

from .services import actions_mark_overdue, effects_fill, overdue_notify


@shared_task
def mark_overdue_actions() -> None:
    """Every minute by beat: record actions that became overdue (once), mail their owners."""
    actions_mark_overdue()
    # Also retries mails whose send failed on an earlier run.
    overdue_notify()


@shared_task
def fill_action_effects() -> None:
    """Every few minutes by beat: the effect figures at created + 4 h and + 24 h, once reached."""
    effects_fill()
