"""The one organisation-scope check: may this organisation report on these items?"""

from __future__ import annotations

from collections.abc import Mapping

from .exceptions import ApplicationError


def organisation_scope_check(*, organisation_code: str, owners: Mapping[str, str]) -> None:
    """Refuse (``ApplicationError.forbidden``, 403) items another organisation owns.

    ``owners`` maps each item named in a request (a site, ward, virtual ward code, or an
    organisation code) to the code of the organisation that owns it (an organisation owns
    itself). Items of ``organisation_code`` pass. Unknown items are not this check's business:
    leave them out and let the estate check name them (400). Every item refused is named:
    ``"RWE-LRI belongs to RX9; this key reports for RWE."``. Used by every sitrep kind's
    ``resolve``; a page can call it with the signed-in user's organisation.
    """
    others: dict[str, list[str]] = {}
    for item, owner in owners.items():
        if owner != organisation_code:
            others.setdefault(owner, []).append(item)
    if not others:
        return
    parts = []
    for owner, items in sorted(others.items()):
        items = sorted(items)
        if items == [owner]:
            parts.append(f"{owner} is another organisation")
        else:
            verb = "belongs" if len(items) == 1 else "belong"
            parts.append(f"{', '.join(items)} {verb} to {owner}")
    raise ApplicationError.forbidden(
        f"{'; '.join(parts)}; this key reports for {organisation_code}."
    )
