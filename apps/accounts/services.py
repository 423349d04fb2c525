from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .choices import AuditAction, Role
from .models import ApiKey, AuditEvent, User


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: behind ``SCC_PROXY_COUNT`` proxies, the address the outermost of
    them saw (N-th from the right of X-Forwarded-For; entries left of it are client-supplied)."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.SCC_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def audit_record(
    *,
    action: AuditAction,
    request: HttpRequest | None = None,
    user: User | None = None,
    username: str = "",
    api_key: ApiKey | None = None,
    **detail: Any,
) -> AuditEvent:
    request_user = getattr(request, "user", None)
    if user is None and request_user is not None and request_user.is_authenticated:
        user = request_user
    return AuditEvent.objects.create(
        action=action,
        user=user,
        username=username or (user.get_username() if user else ""),
        api_key=api_key,
        ip=client_ip(request),
        detail=detail,
    )


def user_create(*, username: str, role: str, password: str) -> User:
    user, _ = User.objects.get_or_create(username=username)
    user.role = role
    user.is_staff = role == Role.ADMIN
    user.is_superuser = role == Role.ADMIN
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user
