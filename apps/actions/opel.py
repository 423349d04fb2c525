"""The OPEL a call shows beside each declaration. Apart from ``selectors`` because it reads
escalation's figures, whose selectors read the actions (overdue counts for the rules)."""

from __future__ import annotations

from datetime import datetime

from apps.escalation.selectors import board_escalation


def organisation_opels(*, now: datetime) -> dict[str, int | None]:
    """Each organisation's computed OPEL now, as escalation defines it (DOMAIN.md "Organisation
    OPEL"): its sites' OPELs weighted by available adult G&A beds, ``None`` when none has data;
    an ambulance service's REAP level in force instead."""
    return board_escalation(now=now)["organisation_opel"]
