from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from rest_framework import authentication, exceptions

from .choices import AuditAction
from .models import ApiKey
from .services import audit_record

KEYWORD = "Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """``Authorization: Api-Key scc_<prefix>_<secret>``. The key, not a user, is the principal."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _, raw = header.partition(" ")
        if keyword != KEYWORD:
            return None
        key = self._key_for(raw.strip())
        if key is None:
            audit_record(
                action=AuditAction.API_KEY_REJECTED,
                request=request._request,
                prefix=raw.strip()[4:12],
            )
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
        # Touch at most once a minute: a write per request would serialise busy providers.
        now = timezone.now()
        if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return AnonymousUser(), key

    def authenticate_header(self, request) -> str:
        return KEYWORD

    @staticmethod
    def _key_for(raw: str) -> ApiKey | None:
        scheme, _, rest = raw.partition("_")
        prefix, _, secret = rest.partition("_")
        if scheme != "scc" or len(prefix) != ApiKey.PREFIX_LENGTH or not secret:
            return None
        key = ApiKey.objects.active().select_related("organisation").filter(prefix=prefix).first()
        if key is None or not key.matches(secret):
            return None
        return key
