"""The demo's ambulance service (EMAS, RX9) answering 999 calls: incidents and its REAP level.

About 800 incidents a day with a daily rhythm (busiest late morning to evening), the national
category mix (roughly 10% C1, 55% C2, 28% C3, 7% C4) and responses that lengthen when crews
are held outside LRI: each crew waiting there takes a vehicle off the road, so the Category 2
mean rises with LRI's handover queue. Each incident is posted as it becomes known (the call,
then the category and dispatch, then the arrival on scene), exactly as a CAD system would.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
INCIDENTS_PER_DAY = 800
CATEGORY_MIX = ((1, 0.10), (2, 0.55), (3, 0.28), (4, 0.07))
# Median minutes from clock start to arrival on scene with no handover pressure.
MEDIAN_RESPONSE_MIN = {1: 7.5, 2: 24.0, 3: 55.0, 4: 80.0}
STOOD_DOWN_SHARE = 0.05
# Each crew held at LRI adds this fraction to response times (a vehicle off the road).
PRESSURE_PER_WAITING_CREW = 0.09


@dataclass
class Call:
    incident: str
    category: int
    connected: datetime
    identified: datetime
    dispatched: datetime
    at_scene: datetime | None
    stood_down: datetime | None
    posted: frozenset[str] = frozenset()


def _hour_weight(moment: datetime) -> float:
    """Relative call rate by local hour: low overnight, peaking around 11:00-19:00."""
    hour = moment.astimezone(LONDON).hour + moment.astimezone(LONDON).minute / 60
    return 1 + 0.45 * math.sin((hour - 9) / 24 * 2 * math.pi)


def reap_for(waiting_at_lri: int) -> int:
    """The REAP level the service would declare for the crews held at LRI."""
    if waiting_at_lri >= 8:
        return 4
    if waiting_at_lri >= 4:
        return 3
    return 2


@dataclass
class ResponseSim:
    organisation: str = "RX9"
    rng: random.Random = field(default_factory=lambda: random.Random(999))
    calls: dict[str, Call] = field(default_factory=dict)
    next_number: int = 1
    reap_level: int | None = None
    # Incident numbers are "<organisation>-<run>-<number>"; a restarted simulator passes a new
    # run (e.g. its start time) so its numbers never merge into the incidents of an earlier run.
    run: str = ""
    # What the last ``batch`` would mark as sent once the service accepted it (``confirm``).
    pending: list[tuple[Call, frozenset[str]]] = field(default_factory=list)

    def _category(self) -> int:
        roll = self.rng.random()
        for category, share in CATEGORY_MIX:
            if roll < share:
                return category
            roll -= share
        return 4

    def _new_call(self, connected: datetime, *, waiting_at_lri: int) -> Call:
        category = self._category()
        identified = connected + timedelta(seconds=self.rng.uniform(15, 150))
        dispatched = connected + timedelta(
            seconds=self.rng.uniform(30, 420 if category > 1 else 90)
        )
        start = min(
            identified, dispatched, connected + timedelta(seconds=30 if category == 1 else 240)
        )
        pressure = 1 + PRESSURE_PER_WAITING_CREW * waiting_at_lri
        minutes = self.rng.lognormvariate(math.log(MEDIAN_RESPONSE_MIN[category] * pressure), 0.5)
        stood_down = None
        at_scene: datetime | None = start + timedelta(minutes=minutes)
        if category > 1 and self.rng.random() < STOOD_DOWN_SHARE:
            stood_down, at_scene = start + timedelta(minutes=minutes * 0.6), None
        call = Call(
            incident=f"{self.organisation}-{self.run or f'{connected:%Y}'}-{self.next_number:06d}",
            category=category,
            connected=connected,
            identified=identified,
            dispatched=dispatched,
            at_scene=at_scene,
            stood_down=stood_down,
        )
        self.next_number += 1
        return call

    def calls_between(self, start: datetime, end: datetime, *, waiting_at_lri: int) -> None:
        """New 999 calls connected in ``[start, end)`` at the day's rate."""
        seconds = (end - start).total_seconds()
        expected = INCIDENTS_PER_DAY * seconds / 86_400 * _hour_weight(start)
        count = int(expected) + (1 if self.rng.random() < expected % 1 else 0)
        for _ in range(count):
            connected = start + timedelta(seconds=self.rng.uniform(0, seconds))
            call = self._new_call(connected.replace(microsecond=0), waiting_at_lri=waiting_at_lri)
            self.calls[call.incident] = call

    def batch(self, now: datetime) -> dict | None:
        """What became known since the last accepted post: ``{"incidents": [...]}``, or None.

        Nothing counts as sent until ``confirm``: a post that failed (web not up yet, a
        refusal) is sent again whole by the next batch, the category included.
        """
        items = []
        self.pending = []
        for call in list(self.calls.values()):
            known = {"call_connected_at": call.connected}
            for name, value in (
                ("identified_at", call.identified),
                ("dispatched_at", call.dispatched),
                ("at_scene_at", call.at_scene),
                ("stood_down_at", call.stood_down),
            ):
                if value is not None and value <= now:
                    known[name] = value
            new = frozenset(known) - call.posted
            if not new:
                continue
            item = {"incident": call.incident}
            if not call.posted:
                item["category"] = call.category
            # Only what is new: a null or absent time never clears what was sent before.
            item |= {name: known[name].isoformat() for name in new}
            items.append(item)
            self.pending.append((call, new))
        return {"incidents": items} if items else None

    def confirm(self) -> None:
        """The last batch was accepted: its times are sent; finished calls are dropped."""
        for call, new in self.pending:
            call.posted |= new
            if "at_scene_at" in call.posted or "stood_down_at" in call.posted:
                self.calls.pop(call.incident, None)
        self.pending = []

    def backfill(self, now: datetime, *, step: timedelta = timedelta(minutes=10)) -> list[dict]:
        """Today so far (from local midnight), as batches of at most 1,000 incidents, so the
        page has figures at once (``confirm`` once every batch is accepted). Handover pressure
        follows the day's usual afternoon rise."""
        local = now.astimezone(LONDON)
        moment = datetime.combine(local.date(), time(), tzinfo=LONDON).astimezone(now.tzinfo)
        while moment < now:
            end = min(moment + step, now)
            hour = moment.astimezone(LONDON).hour
            usual = max(0, round(6 * math.sin((hour - 6) / 24 * 2 * math.pi)))
            self.calls_between(moment, end, waiting_at_lri=usual)
            moment = end
        body = self.batch(now) or {"incidents": []}
        items = body["incidents"]
        return [{"incidents": items[i : i + 1000]} for i in range(0, len(items), 1000)]

    def reap_change(self, now: datetime, *, waiting_at_lri: int) -> dict | None:
        """A REAP declaration when the level the service would declare has changed."""
        level = reap_for(waiting_at_lri)
        if level == self.reap_level:
            return None
        self.reap_level = level
        return {"level": level, "declared_at": now.replace(microsecond=0).isoformat()}


def crews_waiting(handovers, *, site: str, now: datetime) -> int:
    """Crews held outside ``site`` now, from the handover simulation's open incidents."""
    return sum(
        1 for h in handovers if h.site == site and h.handover_at is None and h.arrived_at <= now
    )
