"""The discharge (MOFD list) sitrep on the one ingest path (``apps.sitreps.registry``).

``discharge_sitrep_resolve`` → ``discharge_sitrep_apply`` → ``discharge_sitrep_recompute``;
registered from ``DischargeConfig.ready``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from apps.beds.choices import S1_KINDS, OrganisationKind
from apps.beds.models import Organisation, Ward
from apps.core.exceptions import FieldErrors
from apps.core.localtime import local_date
from apps.core.scope import organisation_scope_check
from apps.sitreps.choices import SitrepKind
from apps.sitreps.models import Submission
from apps.sitreps.registry import Applied, SitrepHandler, register

from .api.serializers import MofdListIn
from .services import mofd_list_store


@dataclass(frozen=True)
class MofdListSitrep:
    """An MOFD list resolved: each patient's ``site``/``ward`` is a model object or None."""

    as_at: datetime
    patients: list[dict[str, Any]]
    discharged: list[dict[str, Any]]


def discharge_sitrep_allowed(organisation: Organisation) -> bool:
    """S1 organisations: the acute and community trusts and the out-of-area organisation."""
    return organisation.kind in S1_KINDS


def discharge_sitrep_resolve(
    *, organisation: Organisation, data: dict[str, Any], now: datetime
) -> MofdListSitrep:
    """Check a well-formed MOFD list (DOMAIN.md "MOFD and the S1"; API.md ``sitreps/discharge``).

    Raises ``ApplicationError``: a list for another organisation (403); otherwise every bad
    item named at once (400), under ``patients.<i>.<field>`` or ``discharged.<i>.<field>``:
    a ``ref`` repeated (both items named) or still on the list when discharged; ``mofd_on``
    after the local date of ``as_at``; ``site``/``ward`` not the organisation's (or the ward
    not of that site; the out-of-area organisation names neither); ``discharged_at`` after
    ``as_at``. Two queries: the organisation's wards and its sites.
    """
    organisation_scope_check(
        organisation_code=organisation.code, owners={data["organisation"]: data["organisation"]}
    )
    as_at: datetime = data["as_at"]
    out_of_area = organisation.kind == OrganisationKind.OUT_OF_AREA
    wards = {
        w.code: w
        for w in Ward.objects.filter(site__organisation=organisation).select_related("site")
    }
    sites = {s.code: s for s in organisation.sites.all()}
    today = local_date(as_at)
    errors = FieldErrors()
    first_seen: dict[str, int] = {}
    patients: list[dict[str, Any]] = []

    for i, item in enumerate(data["patients"]):
        p = {**item, "site": None, "ward": None}
        patients.append(p)
        fail = partial(errors.add, "patients", i)
        if p["ref"] in first_seen:
            j = first_seen[p["ref"]]
            message = f"{p['ref']} is repeated: items {j} and {i}."
            fail("ref", message=message)
            errors.add("patients", j, "ref", message=message)
        first_seen.setdefault(p["ref"], i)
        if p["mofd_on"] > today:
            fail("mofd_on", message=f"After the local date of as_at ({today.isoformat()}).")
        site_code, ward_code = item.get("site") or None, item.get("ward") or None
        if out_of_area:
            for name, code in (("site", site_code), ("ward", ward_code)):
                if code:
                    fail(name, message="The out-of-area organisation names no site or ward.")
            continue
        if site_code:
            p["site"] = sites.get(site_code)
            if p["site"] is None:
                fail("site", message=f"{site_code} is not a site of {organisation.code}.")
        if ward_code:
            ward = wards.get(ward_code)
            if ward is None:
                fail("ward", message=f"{ward_code} is not a ward of {organisation.code}.")
            elif site_code and ward.site.code != site_code:
                fail("ward", message=f"{ward_code} is not a ward of site {site_code}.")
            else:
                p["ward"], p["site"] = ward, ward.site

    for i, d in enumerate(data["discharged"]):
        if d["ref"] in first_seen:
            errors.add(
                "discharged",
                i,
                "ref",
                message=f"{d['ref']} is still on the list (patients item {first_seen[d['ref']]}).",
            )
        if d["discharged_at"] > as_at:
            errors.add("discharged", i, "discharged_at", message="After as_at.")
    discharged_seen: dict[str, int] = {}
    for i, d in enumerate(data["discharged"]):
        if d["ref"] in discharged_seen:
            j = discharged_seen[d["ref"]]
            message = f"{d['ref']} is repeated: items {j} and {i}."
            errors.add("discharged", i, "ref", message=message)
            errors.add("discharged", j, "ref", message=message)
        discharged_seen.setdefault(d["ref"], i)

    errors.raise_if_any()
    return MofdListSitrep(as_at=as_at, patients=patients, discharged=list(data["discharged"]))


def discharge_sitrep_apply(*, submission: Submission, resolved: MofdListSitrep) -> Applied:
    """Store the list (inside the ingest transaction); the 201 body describes what was kept."""
    stored = mofd_list_store(
        organisation=submission.organisation,
        submission=submission,
        as_at=resolved.as_at,
        patients=resolved.patients,
        discharged=resolved.discharged,
    )
    return Applied(
        response={
            "list": stored.mofd_list.pk,
            "patients": stored.patients,
            "discharged": stored.discharged,
            "replaced": stored.replaced,
            "current": stored.current,
        },
    )


def discharge_sitrep_recompute(submissions: list[Submission]) -> set[str]:
    """Nothing derived to refresh: the lists are the history, written by ``apply``, and the S1
    is computed from them (frozen by the beat). Returns ``mofd:<organisation code>``."""
    return {f"mofd:{sub.organisation.code}" for sub in submissions if sub.organisation}


register(
    SitrepHandler(
        kind=SitrepKind.DISCHARGE.value,
        input_serializer=MofdListIn,
        allowed=discharge_sitrep_allowed,
        resolve=discharge_sitrep_resolve,
        apply=discharge_sitrep_apply,
        recompute=discharge_sitrep_recompute,
    )
)
