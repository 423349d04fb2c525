"""Actions, calls and the figures their effect is read from, for the actions tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apps.accounts.choices import Role
from apps.accounts.services import user_create
from apps.actions.choices import ActionStatus
from apps.actions.models import Action
from apps.beds.choices import BedType
from apps.beds.models import OccupancySnapshot, Organisation, Site

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def staff(username: str = "ann", role: str = Role.SCC):
    return user_create(username=username, role=role, password="correct-horse-battery")


def snapshot(site: str | None, at: datetime, *, occupied: int, vacant: int) -> None:
    """An adult G&A occupancy snapshot of a site (``None``: the system) taken at ``at``."""
    OccupancySnapshot.objects.create(
        site=Site.objects.get(code=site) if site else None,
        bed_type=BedType.GA_ADULT,
        taken_at=at,
        occupied=occupied,
        vacant=vacant,
        closed=0,
        escalation_open=0,
        wards_reporting=1,
        wards_total=1,
    )


def bulk_actions(count: int, *, user, now: datetime, owner: str = "RWE") -> None:
    """``count`` actions straight into the table: a third overdue, a third due within the next
    two hours, a third done (for query-count tests, not for behaviour)."""
    organisation = Organisation.objects.get(code=owner)
    rows = []
    for i in range(count):
        kind = i % 3
        due = now - timedelta(minutes=5 + i) if kind == 0 else now + timedelta(minutes=30)
        rows.append(
            Action(
                text=f"action {i}",
                owner_organisation=organisation,
                owner_name="site manager",
                due_at=due,
                scope_kind="site",
                scope="RWE-LRI",
                status=ActionStatus.DONE if kind == 2 else ActionStatus.OPEN,
                created_at=now - timedelta(hours=1),
                created_by=user,
                done_at=now if kind == 2 else None,
                done_by=user if kind == 2 else None,
                effect_at_created={"ga_occupancy_pct": 95.0},
                effect_at_done={"ga_occupancy_pct": 93.0} if kind == 2 else None,
            )
        )
    Action.objects.bulk_create(rows, batch_size=1000)
