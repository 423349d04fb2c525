from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from .choices import AuditAction
from .services import audit_record, client_ip
from .throttle import Block, login_block, login_failure_record, login_failures_clear

THROTTLED_MESSAGE = (
    "Too many failed sign-ins {subject}. Sign-in is paused: try again in {minutes} minute{s}."
)
_SUBJECT = {"username": "for this username", "ip": "from this network address"}


class ThrottledLoginMixin:
    """Refuses sign-in while a throttle block holds; counts failures toward one."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request)
        block = login_block(username=username, ip=ip)
        if block is not None:
            audit_record(
                action=AuditAction.LOGIN_THROTTLED,
                request=self.request,
                username=username[:150],
                by=block.by,
            )
            raise self._throttled(block)
        try:
            cleaned = super().clean()
        except forms.ValidationError as exc:
            if getattr(exc, "code", None) == "invalid_login":
                started = login_failure_record(username=username, ip=ip)
                if started is not None:
                    audit_record(
                        action=AuditAction.LOGIN_THROTTLED,
                        request=self.request,
                        username=username[:150],
                        by=started.by,
                    )
                    raise self._throttled(started) from exc
            raise
        login_failures_clear(username=username)
        return cleaned

    @staticmethod
    def _throttled(block: Block) -> forms.ValidationError:
        minutes = block.minutes_left
        return forms.ValidationError(
            THROTTLED_MESSAGE.format(
                subject=_SUBJECT[block.by], minutes=minutes, s="" if minutes == 1 else "s"
            ),
            code="throttled",
        )


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Your username and password did not match. Please try again.",
    }


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin's sign-in counts toward (and obeys) the same limits."""
