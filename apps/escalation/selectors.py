"""Reads: the figures the rules run on, the rules, alerts, and the board's escalation block."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db.models import Case, IntegerField, Value, When

from apps.actions.selectors import overdue_by_organisation
from apps.ambulance.response_selectors import board_ambulance_response
from apps.ambulance.selectors import board_handovers
from apps.beds.choices import OrganisationKind
from apps.beds.models import Organisation, Site
from apps.beds.selectors import board_occupancy, board_occupancy_from, board_sites
from apps.discharge.selectors import board_mofd
from apps.emergency.rules import over_12h_now_pct
from apps.emergency.selectors import board_emergency
from apps.virtualwards.selectors import board_virtual_wards

from .choices import AlertStatus, RuleCode, Severity
from .models import Alert, EscalationRule
from .rules import (
    Figures,
    OrganisationFigures,
    RuleSpec,
    SiteFigures,
    SystemFigures,
    opel_organisation,
    opel_sites,
    opel_system,
)

MOFD_P1_P3 = ("P1", "P2", "P3")


def figures_build(
    *,
    sites: Iterable[Site],
    organisations: Iterable[Organisation],
    occupancy: Mapping[str, Any],
    handovers: Mapping[str, Any],
    mofd: Mapping[str, Any],
    virtual_wards: Mapping[str, Any],
    emergency: Mapping[str, Any] | None = None,
    actions_overdue: Mapping[str, int] | None = None,
    ambulance_response: Mapping[str, Any] | None = None,
) -> Figures:
    """Turn the apps' board blocks (keyed by site / organisation id) into rule figures.

    ``board_build`` can pass the blocks it already holds, so the board computes them once.
    ``ambulance_response``: ``board_ambulance_response``'s block (C2 mean per service).
    """
    services = (ambulance_response or {}).get("organisations", [])
    cat2_mean_s = {
        row["organisation"]: row["categories"]["2"]["mean_response_s_today"] for row in services
    }
    reap = {row["organisation"]: (row["reap"] or {}).get("level") for row in services}
    site_figures = []
    occupied_by_org: dict[int, int] = {}
    ed_sites = emergency["sites"] if emergency else {}
    for site in sites:
        beds = occupancy["sites"].get(site.pk)
        waits = handovers["sites"].get(site.pk)
        ed = ed_sites.get(site.pk)
        if beds is not None:
            occupied_by_org[site.organisation_id] = (
                occupied_by_org.get(site.organisation_id, 0) + beds["occupied"]
            )
        site_figures.append(
            SiteFigures(
                code=site.code,
                organisation=site.organisation.code,
                occupancy_pct=beds["pct"] if beds else None,
                available=beds["available"] if beds else None,
                escalation_open=beds["escalation_open"] if beds else None,
                occupied=beds["occupied"] if beds else None,
                longest_wait_min=waits["longest_wait_min"] if waits else None,
                mean_handover_min_today=waits["mean_handover_min_today"] if waits else None,
                last_sitrep_at=occupancy["last_sitrep_at"].get(site.pk),
                ed_four_hour_pct_today=ed["four_hour_pct_today"] if ed else None,
                ed_over_12h_now=ed["over_12h_now"] if ed else None,
                ed_over_12h_now_pct=(over_12h_now_pct(emergency["live"][site.pk]) if ed else None),
            )
        )
    organisation_figures = []
    for organisation in organisations:
        block = mofd["organisations"].get(organisation.pk)
        by_pathway = block["by_pathway"] if block else None
        organisation_figures.append(
            OrganisationFigures(
                code=organisation.code,
                is_acute=organisation.kind == OrganisationKind.ACUTE,
                mofd_total=block["total"] if block else None,
                mofd_p1_p3=sum(by_pathway[p] for p in MOFD_P1_P3) if by_pathway else None,
                occupied_ga_adult=occupied_by_org.get(organisation.pk),
                actions_overdue=(actions_overdue or {}).get(organisation.code, 0),
                cat2_mean_min=None
                if cat2_mean_s.get(organisation.code) is None
                else cat2_mean_s[organisation.code] / 60,
                is_ambulance=organisation.kind == OrganisationKind.AMBULANCE,
                reap_level=reap.get(organisation.code),
            )
        )
    vw_system = virtual_wards["system"]
    return Figures(
        sites=tuple(site_figures),
        organisations=tuple(organisation_figures),
        system=SystemFigures(vw_utilisation_pct=vw_system["pct"] if vw_system else None),
    )


class WholeSystem:
    """Every app's board block for the whole system at ``now``, and the rule figures made of
    them: the one place they are put together, for the board, the site page and the alerts.

    Each block is read on first use and kept, so a caller pays only for what it reads (the
    site page's ambulance panel reads ``handovers`` alone) and never reads one twice. Every
    block is a fixed number of queries whatever the size of the estate.

    ``occupancy_by_type`` (``occupancy_by_bed_type(level="site")``), when the caller holds it
    already, gives the occupancy block without another query.
    """

    def __init__(self, *, now: datetime, occupancy_by_type: Mapping[int, Any] | None = None):
        self.now = now
        self._by_type = occupancy_by_type

    @cached_property
    def sites(self) -> list[Site]:
        return list(board_sites())

    @cached_property
    def organisations(self) -> list[Organisation]:
        return list(Organisation.objects.all())

    @cached_property
    def occupancy(self) -> dict[str, Any]:
        if self._by_type is not None:
            return board_occupancy_from(self._by_type)
        return board_occupancy(now=self.now)

    @cached_property
    def handovers(self) -> dict[str, Any]:
        return board_handovers(now=self.now)

    @cached_property
    def mofd(self) -> dict[str, Any]:
        return board_mofd(now=self.now)

    @cached_property
    def virtual_wards(self) -> dict[str, Any]:
        return board_virtual_wards(now=self.now)

    @cached_property
    def ambulance_response(self) -> dict[str, Any]:
        return board_ambulance_response(now=self.now, organisations=self.organisations)

    @cached_property
    def emergency(self) -> dict[str, Any]:
        return board_emergency(now=self.now)

    @cached_property
    def figures(self) -> Figures:
        """What the escalation rules and OPEL look at."""
        return figures_build(
            sites=self.sites,
            organisations=self.organisations,
            occupancy=self.occupancy,
            handovers=self.handovers,
            mofd=self.mofd,
            virtual_wards=self.virtual_wards,
            emergency=self.emergency,
            ambulance_response=self.ambulance_response,
        )

    @cached_property
    def site_figures(self) -> Figures:
        """``figures`` less the ambulance services' response block, which no site's OPEL or
        figure uses: what a site's page needs, without that block's queries."""
        if "figures" in self.__dict__:
            return self.figures
        return figures_build(
            sites=self.sites,
            organisations=self.organisations,
            occupancy=self.occupancy,
            handovers=self.handovers,
            mofd=self.mofd,
            virtual_wards=self.virtual_wards,
            emergency=self.emergency,
        )


def whole_system(*, now: datetime, occupancy_by_type: Mapping[int, Any] | None = None):
    """The whole system's figures at ``now`` (``WholeSystem``, read lazily)."""
    return WholeSystem(now=now, occupancy_by_type=occupancy_by_type)


def escalation_figures(*, now: datetime) -> Figures:
    """Everything the rules look at, now, in a fixed number of queries."""
    figures = whole_system(now=now).figures
    # Open actions past due, per owner (the action_overdue rule); the board has no use for it.
    overdue = overdue_by_organisation(now=now)
    return replace(
        figures,
        organisations=tuple(
            replace(o, actions_overdue=overdue.get(o.code, 0)) for o in figures.organisations
        ),
    )


def rule_specs() -> list[RuleSpec]:
    """The enabled rules with their thresholds."""
    return [
        RuleSpec(
            code=rule.code,
            amber=float(rule.amber),
            red=None if rule.red is None else float(rule.red),
            deadband=float(rule.deadband),
        )
        for rule in EscalationRule.objects.filter(enabled=True)
    ]


_thresholds: tuple[float, dict[str, RuleSpec]] = (float("-inf"), {})


def rule_thresholds(*, max_age_s: float = 15.0) -> dict[str, RuleSpec]:
    """Enabled rules by code, re-read at most every ``max_age_s``: pages colour figures by the
    same thresholds the alerts use (editable in the admin), without a query per figure."""
    global _thresholds
    now = time.monotonic()
    if now - _thresholds[0] > max_age_s:
        _thresholds = (now, {spec.code: spec for spec in rule_specs()})
    return _thresholds[1]


# DOMAIN.md "Escalation": the ``stale_bed_sitrep`` rule's default red threshold, in hours; used
# only when the rule's row has been deleted.
STALE_SITREP_DEFAULT_H = 8.0


def stale_sitrep_after() -> timedelta:
    """How old a figure may be and still count as current: the ``stale_bed_sitrep`` rule's red
    threshold (its amber when it has no red), the age past which the board calls a site's bed
    sitrep stale (DOMAIN.md "Escalation", default > 8 h). Read from the rule even when it is
    switched off; DOMAIN.md's default when its row is gone. No query while the rules are held
    (``rule_thresholds``)."""
    spec = rule_thresholds().get(RuleCode.STALE_BED_SITREP)
    if spec is None:
        rule = EscalationRule.objects.filter(code=RuleCode.STALE_BED_SITREP).first()
        if rule is None:
            return timedelta(hours=STALE_SITREP_DEFAULT_H)
        spec = RuleSpec(code=rule.code, amber=float(rule.amber),
                        red=None if rule.red is None else float(rule.red))  # fmt: skip
    return timedelta(hours=spec.red if spec.red is not None else spec.amber)


def alerts_list(*, status: str = AlertStatus.OPEN):
    """Alerts of one status, newest first."""
    alerts = Alert.objects.select_related("acknowledged_by")
    if status == AlertStatus.OPEN:
        alerts = alerts.open()
    elif status == AlertStatus.ACKNOWLEDGED:
        alerts = alerts.acknowledged()
    elif status == AlertStatus.CLOSED:
        alerts = alerts.closed()
    else:
        raise ValueError(f"unknown alert status {status!r}")
    return alerts.order_by("-raised_at", "-pk")


def alerts_open_by_severity():
    """Open alerts for the board: red first, then newest."""
    rank = Case(
        When(severity=Severity.RED, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return alerts_list(status=AlertStatus.OPEN).order_by(rank, "-raised_at", "-pk")


def alert_out(alert: Alert) -> dict[str, Any]:
    """The alert as API.md shows it on the board (``AlertOut``)."""
    return {
        "id": alert.pk,
        "rule": alert.rule_id,
        "scope": alert.scope,
        "severity": alert.severity,
        "raised_at": alert.raised_at,
        "message": alert.message,
        "acknowledged_by": (
            alert.acknowledged_by.get_username() if alert.acknowledged_by_id else None
        ),
    }


def alert_detail_out(alert: Alert) -> dict[str, Any]:
    """``alert_out`` plus the acknowledgement and the end of the alert (the alerts API)."""
    return alert_out(alert) | {
        "scope_kind": alert.scope_kind,
        "acknowledged_at": alert.acknowledged_at,
        "acknowledgement_note": alert.acknowledgement_note,
        "closed_at": alert.closed_at,
    }


def board_escalation(*, now: datetime, figures: Figures | None = None) -> dict[str, Any]:
    """OPEL and open alerts for the board.

    ``{"site_opel": {site_code: int|None}, "site_opel_detail": {site_code: {"level",
    "parameters": {name: {"value", "level"}}}}, "system_opel": int|None,
    "organisation_opel": {organisation code: int|None}, "open_alerts_by_scope": {scope:
    count}, "alerts": [AlertOut]}``. An ambulance service's organisation OPEL is its REAP.
    """
    if figures is None:
        figures = escalation_figures(now=now)
    opel = opel_sites(figures, settings.SCC_OPEL_THRESHOLDS)
    available = {site.code: site.available for site in figures.sites}
    by_organisation: dict[str, list[tuple[int | None, int | None]]] = defaultdict(list)
    for site in figures.sites:
        by_organisation[site.organisation].append((opel[site.code].level, site.available))
    alerts = list(alerts_open_by_severity())
    return {
        "site_opel": {code: result.level for code, result in opel.items()},
        "site_opel_detail": {
            code: {
                "level": result.level,
                "parameters": {
                    name: {"value": p.value, "level": p.level}
                    for name, p in result.parameters.items()
                },
            }
            for code, result in opel.items()
        },
        "system_opel": opel_system((r.level, available[code]) for code, r in opel.items()),
        "organisation_opel": {
            organisation.code: opel_organisation(organisation, by_organisation[organisation.code])
            for organisation in figures.organisations
        },
        "open_alerts_by_scope": dict(Counter(alert.scope for alert in alerts)),
        "alerts": [alert_out(alert) for alert in alerts],
    }
