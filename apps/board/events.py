"""Live board events: which panels a change touches, published on the board channel.

The recompute publishes what changed ("beds:RWE-LRI", "mofd:RWE", ...); the channel itself
(Redis pub/sub in, one subscription per web process fanned out to the SSE streams) is
``apps.core.events``.
"""

from __future__ import annotations

from django.utils import timezone

from apps.beds.models import Site
from apps.core.events import board_event_publish
from apps.core.figures import figures_version_bump


def panel_events(changed: set[str] | list[str]) -> list[str]:
    """Which panels a change touches, as SSE event names the pages' htmx triggers listen to.

    ``beds:RWE-LRI`` and ``handovers:RWE-LRI`` → ``site-RWE-LRI``; ``mofd:RWE`` → the tiles of
    RWE's sites and ``mofd``; ``alerts:RWE-LRI`` → ``alerts`` and that site; virtual wards →
    ``virtual-wards``; ``ambulance_response:RX9`` → ``ambulance``. ``board`` (the system
    strip) fires for every change.
    """
    events: set[str] = {"board"}
    organisations: set[str] = set()
    for name in changed:
        kind, _, scope = name.partition(":")
        if kind in ("beds", "handovers"):
            events.add(f"site-{scope}")
        elif kind == "mofd":
            events.add("mofd")
            organisations.add(scope)
        elif kind == "alerts":
            events.update({"alerts", f"site-{scope}"})
        elif kind == "virtual_wards":
            events.add("virtual-wards")
        elif kind == "actions":
            events.add("actions")
        elif kind == "ambulance_response":
            events.add("ambulance")
    if organisations:
        codes = Site.objects.filter(organisation__code__in=organisations).values_list(
            "code", flat=True
        )
        events.update(f"site-{code}" for code in codes)
    return sorted(events)


def board_publish(changed: set[str] | list[str]) -> None:
    """Tell every open page what changed. Best effort: pages also poll as a fallback."""
    figures_version_bump()
    board_event_publish(
        {
            "changed": sorted(changed),
            "events": panel_events(changed),
            "at": timezone.now().isoformat(),
        }
    )
