"""Writes: start a system call, create an action, mark it done or cancel it, record overdue
actions (mail and alert), fill in the effect 4 h and 24 h after creation.

Race-safety without locks (as alerts): every status change is a conditional UPDATE on the
status it expects, and its row count says whether this call made it; only then are its
transition and audit rows written. A second done or cancel therefore finds nothing to update
and raises ``ActionNotOpen`` (409), never a second transition.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.utils.encoders import JSONEncoder

from apps.accounts.choices import AuditAction
from apps.accounts.models import User
from apps.accounts.services import audit_record
from apps.beds.models import Organisation
from apps.board.events import board_publish
from apps.board.selectors import board_build
from apps.core.exceptions import FieldErrors
from apps.escalation.models import Alert
from apps.escalation.receivers import evaluation_request

from .choices import ActionStatus, ActionTransitionKind
from .effects import Scope, UnknownScope, effect_figures, scope_resolve
from .models import Action, ActionTransition, Declaration, SystemCall
from .opel import organisation_opels
from .rules import EFFECT_AFTER, effects_due

logger = logging.getLogger(__name__)


class ActionNotOpen(Exception):
    """The action is already done or cancelled (409)."""


@dataclass(frozen=True)
class DeclarationIn:
    organisation: str
    opel: int | None
    comment: str = ""


def _changed(*owners: str) -> None:
    """After commit: the board's actions panel and counts changed for these owners."""
    names = [f"actions:{owner}" for owner in sorted(set(owners))]
    transaction.on_commit(lambda: board_publish(names))


def _json_safe(document: dict) -> dict:
    """The board document with times as ISO 8601 strings, as the API writes them."""
    return json.loads(json.dumps(document, cls=JSONEncoder))


def call_start(
    *,
    user: User,
    kind: str,
    chair: str,
    notes: str = "",
    declarations: Sequence[DeclarationIn] = (),
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> SystemCall:
    """Start a system call: the board as it stands is frozen as its ``figures``, and each
    declaration is kept beside the organisation OPEL the board computed.

    Raises ``ApplicationError`` naming the item (``declarations.<i>.organisation``) for an
    unknown or repeated organisation; nothing is written then.
    """
    now = now or timezone.now()
    codes = [d.organisation for d in declarations]
    organisations = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    errors = FieldErrors()
    seen: set[str] = set()
    for i, declaration in enumerate(declarations):
        if declaration.organisation not in organisations:
            message = f"Unknown organisation {declaration.organisation}."
            errors.add("declarations", str(i), "organisation", message=message)
        elif declaration.organisation in seen:
            message = f"{declaration.organisation} is declared twice."
            errors.add("declarations", str(i), "organisation", message=message)
        seen.add(declaration.organisation)
    errors.raise_if_any()
    board = board_build(now=now)
    computed = organisation_opels(now=now)
    with transaction.atomic():
        call = SystemCall.objects.create(
            kind=kind,
            started_at=now,
            started_by=user,
            chair=chair,
            notes=notes,
            figures=_json_safe(board),
        )
        Declaration.objects.bulk_create(
            Declaration(
                call=call,
                organisation=organisations[d.organisation],
                opel=d.opel,
                computed_opel=computed.get(d.organisation),
                comment=d.comment,
            )
            for d in declarations
        )
        audit_record(
            action=AuditAction.CALL_STARTED,
            request=request,
            user=user,
            call=call.pk,
            kind=kind,
            chair=chair,
        )
    return call


def call_declarations_update(
    *,
    call_id: int,
    user: User,
    declarations: Sequence[DeclarationIn],
    request: HttpRequest | None = None,
) -> list[str]:
    """Record what organisations declared on the call (OPEL 1-4 or ``None``, and a comment),
    beside the OPEL computed at its start; returns the codes whose declaration changed.

    Raises ``SystemCall.DoesNotExist``; ``ApplicationError`` naming the item
    (``declarations.<i>.organisation`` / ``.opel``) for an unknown organisation or an OPEL
    outside 1-4, nothing written then. Each change is audited with what it was before.
    """
    call = SystemCall.objects.get(pk=call_id)
    codes = [d.organisation for d in declarations]
    organisations = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    errors = FieldErrors()
    for i, declaration in enumerate(declarations):
        if declaration.organisation not in organisations:
            message = f"Unknown organisation {declaration.organisation}."
            errors.add("declarations", str(i), "organisation", message=message)
        if declaration.opel is not None and not 1 <= declaration.opel <= 4:
            errors.add("declarations", str(i), "opel", message="OPEL is 1 to 4.")
    errors.raise_if_any()
    changed = []
    with transaction.atomic():
        held = {
            d.organisation.code: d
            for d in Declaration.objects.select_for_update()
            .select_related("organisation")
            .filter(call=call)
        }
        for declaration in declarations:
            row = held.get(declaration.organisation)
            before = (row.opel, row.comment) if row else (None, "")
            after = (declaration.opel, declaration.comment.strip())
            if row is not None and before == after:
                continue
            if row is None:
                Declaration.objects.create(
                    call=call,
                    organisation=organisations[declaration.organisation],
                    opel=after[0],
                    comment=after[1],
                )
            else:
                Declaration.objects.filter(pk=row.pk).update(opel=after[0], comment=after[1])
            audit_record(
                action=AuditAction.CALL_DECLARATIONS_CHANGED,
                request=request,
                user=user,
                call=call.pk,
                organisation=declaration.organisation,
                opel_before=before[0],
                opel=after[0],
                comment=after[1],
            )
            changed.append(declaration.organisation)
    return changed


def action_create(
    *,
    user: User,
    text: str,
    owner_organisation: str,
    owner_name: str,
    due_at: datetime,
    scope: str | None = None,
    alert_id: int | None = None,
    call_id: int | None = None,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> Action:
    """Record an agreed action with its scope's figures now (``effect.at_created``).

    ``due_at`` must be aware; a past one is allowed (overdue at once). Raises
    ``ApplicationError`` naming each bad field (``owner_organisation``, ``scope``, ``alert``,
    ``call``, ``text``, ``owner_name``); nothing is written then.
    """
    now = now or timezone.now()
    errors = FieldErrors()
    if not text.strip():
        errors.add("text", message="Say what is to be done.")
    if not owner_name.strip():
        errors.add("owner_name", message="Name who owns the action.")
    if timezone.is_naive(due_at):
        errors.add("due_at", message="Give the time with its offset (e.g. +00:00).")
    owner = Organisation.objects.filter(code=owner_organisation).first()
    if owner is None:
        errors.add("owner_organisation", message=f"Unknown organisation {owner_organisation}.")
    resolved: Scope | None = None
    try:
        resolved = scope_resolve(scope)
    except UnknownScope:
        message = f"Unknown scope {scope}: a site or organisation code, or 'system'."
        errors.add("scope", message=message)
    if alert_id is not None and not Alert.objects.filter(pk=alert_id).exists():
        errors.add("alert", message=f"No alert {alert_id}.")
    if call_id is not None and not SystemCall.objects.filter(pk=call_id).exists():
        errors.add("call", message=f"No system call {call_id}.")
    errors.raise_if_any()
    with transaction.atomic():
        action = Action.objects.create(
            text=text.strip(),
            owner_organisation=owner,
            owner_name=owner_name.strip(),
            due_at=due_at,
            scope_kind=resolved.kind if resolved else "",
            scope=resolved.code if resolved else "",
            alert_id=alert_id,
            call_id=call_id,
            status=ActionStatus.OPEN,
            created_at=now,
            created_by=user,
            effect_at_created=effect_figures(resolved, now),
        )
        ActionTransition.objects.create(
            action=action, kind=ActionTransitionKind.CREATED, at=now, by=user
        )
        audit_record(
            action=AuditAction.ACTION_CREATED,
            request=request,
            user=user,
            action_id=action.pk,
            owner=owner.code,
            scope=action.scope,
            due_at=due_at.isoformat(),
        )
    _changed(owner.code)
    return action


def _action_end(
    *,
    action_id: int,
    user: User,
    note: str,
    status: str,
    now: datetime | None,
    request: HttpRequest | None,
) -> Action:
    now = now or timezone.now()
    kind = ActionTransitionKind(status)
    with transaction.atomic():
        action = Action.objects.select_related("owner_organisation").get(pk=action_id)
        fields = {"status": status, "note": note.strip()}
        if status == ActionStatus.DONE:
            fields |= {
                "done_at": now,
                "done_by": user,
                "effect_at_done": effect_figures(scope_resolve(action.scope), now),
            }
        else:
            fields |= {"cancelled_at": now, "cancelled_by": user}
        # The one place an action leaves "open": conditional on it still being open.
        if not Action.objects.filter(pk=action_id, status=ActionStatus.OPEN).update(**fields):
            raise ActionNotOpen
        ActionTransition.objects.create(
            action=action, kind=kind, at=now, by=user, note=fields["note"]
        )
        audit_record(
            action=AuditAction.ACTION_DONE
            if status == ActionStatus.DONE
            else AuditAction.ACTION_CANCELLED,
            request=request,
            user=user,
            action_id=action.pk,
            owner=action.owner_organisation.code,
            note=fields["note"],
        )
    _changed(action.owner_organisation.code)
    action.refresh_from_db()
    return action


def action_done(
    *,
    action_id: int,
    user: User,
    note: str = "",
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> Action:
    """Mark an open action done, with the scope's figures now (``effect.at_done``).

    Raises ``Action.DoesNotExist``, or ``ActionNotOpen`` when it is already done or cancelled.
    """
    return _action_end(
        action_id=action_id,
        user=user,
        note=note,
        status=ActionStatus.DONE,
        now=now,
        request=request,
    )


def action_cancel(
    *,
    action_id: int,
    user: User,
    note: str = "",
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> Action:
    """Cancel an open action (a cancelled action has no ``at_done`` effect).

    Raises ``Action.DoesNotExist``, or ``ActionNotOpen`` when it is already done or cancelled.
    """
    return _action_end(
        action_id=action_id,
        user=user,
        note=note,
        status=ActionStatus.CANCELLED,
        now=now,
        request=request,
    )


# --------------------------------------------------------------------------- beat jobs


def actions_mark_overdue(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Record, once, the moment each open action was found past due; returns their ids.

    Each is claimed with a conditional UPDATE (still open, not yet marked) whose row count says
    whether this run made it; only then is its ``overdue`` transition written (the mail outbox).
    The mail goes out after commit; the ``action_overdue`` rule raises the alert.
    """
    now = now or timezone.now()
    candidates = list(
        Action.objects.filter(status=ActionStatus.OPEN, due_at__lt=now, overdue_at__isnull=True)
        .order_by("due_at")
        .values_list("pk", "owner_organisation__code")[:limit]
    )
    marked = []
    for pk, owner in candidates:
        with transaction.atomic():
            claimed = Action.objects.filter(
                pk=pk, status=ActionStatus.OPEN, due_at__lt=now, overdue_at__isnull=True
            ).update(overdue_at=now)
            if not claimed:
                continue
            ActionTransition.objects.create(action_id=pk, kind=ActionTransitionKind.OVERDUE, at=now)
        marked.append((pk, owner))
    if marked:
        _changed(*(owner for _, owner in marked))
        transaction.on_commit(overdue_notify)
        evaluation_request()
    return [pk for pk, _ in marked]


def _local(at: datetime) -> str:
    return f"{timezone.localtime(at):%Y-%m-%d %H:%M %Z}"


def _overdue_mail(action: Action) -> tuple[str, str]:
    subject = (
        f"[SCC] Action overdue: {action.owner_organisation.code} · due {_local(action.due_at)}"
    )
    lines = [
        action.text,
        "",
        f"Owner: {action.owner_name} ({action.owner_organisation.name}).",
        f"Due {_local(action.due_at)}; still open at {_local(action.overdue_at)}.",
    ]
    if action.scope:
        lines.append(f"Scope: {action.scope}.")
    if action.call_id:
        lines.append(f"Agreed on system call {action.call_id}.")
    lines.append(f"Action {action.pk}.")
    return subject, "\n".join(lines)


def overdue_notify(*, limit: int = 200) -> int:
    """Mail each action that became overdue to its owner organisation's contact e-mail, once.

    Each overdue transition is claimed with a conditional UPDATE before sending, so two workers
    never send the same mail; a failed send releases the claim for the next run. An owner
    without a contact e-mail is marked notified with nothing sent. Returns mails sent.
    """
    pending = list(
        ActionTransition.objects.filter(kind=ActionTransitionKind.OVERDUE, notified_at__isnull=True)
        .select_related("action__owner_organisation")
        .order_by("pk")[:limit]
    )
    sent = 0
    for transition in pending:
        claimed = ActionTransition.objects.filter(
            pk=transition.pk, notified_at__isnull=True
        ).update(notified_at=timezone.now())
        if not claimed:
            continue
        action = transition.action
        recipient = action.owner_organisation.contact_email
        if not recipient:
            continue
        subject, body = _overdue_mail(action)
        try:
            send_mail(subject, body, None, [recipient])
        except Exception:
            logger.exception("overdue mail for action %s failed; will retry", action.pk)
            ActionTransition.objects.filter(pk=transition.pk).update(notified_at=None)
            continue
        sent += 1
    return sent


def effects_fill(*, now: datetime | None = None, limit: int = 500) -> int:
    """Fill ``effect.after_4h`` / ``after_24h`` of actions whose moment has passed, with the
    figures as they stood at exactly created + 4 h / 24 h. Idempotent: each is written once
    (conditional on still being empty). Returns how many were filled."""
    now = now or timezone.now()
    reached = Q()
    for name, delay in EFFECT_AFTER.items():
        reached |= Q(**{f"effect_{name}__isnull": True, "created_at__lte": now - delay})
    rows = list(
        Action.objects.exclude(scope="")
        .filter(reached)
        .values_list("pk", "scope", "created_at", "effect_after_4h", "effect_after_24h")
        .order_by("created_at")[:limit]
    )
    filled = 0
    for pk, scope, created_at, after_4h, after_24h in rows:
        due = effects_due(
            created_at=created_at,
            filled={"after_4h": after_4h is not None, "after_24h": after_24h is not None},
            now=now,
        )
        if not due:
            continue
        try:
            resolved = scope_resolve(scope)
        except UnknownScope:  # the estate lost the site: nothing to measure
            continue
        for name, at in due:
            field = f"effect_{name}"
            filled += Action.objects.filter(pk=pk, **{f"{field}__isnull": True}).update(
                **{field: effect_figures(resolved, at)}
            )
    return filled
