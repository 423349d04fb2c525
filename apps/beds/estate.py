"""Loading the estate file (API.md "Estate file"): validated whole, atomic, idempotent."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from rest_framework import serializers

from apps.core.figures import figures_version_bump
from apps.virtualwards.models import VirtualWard

from .choices import BedType, OrganisationKind
from .models import Bed, Organisation, Site, System, Ward


class EstateError(Exception):
    """The estate file is invalid; ``errors`` names every bad item."""

    def __init__(self, errors: dict[str, Any]):
        super().__init__(errors)
        self.errors = errors


class _SystemIn(serializers.Serializer):
    code = serializers.CharField(max_length=16)
    name = serializers.CharField(max_length=200)
    population = serializers.IntegerField(min_value=1)


class _OrganisationIn(serializers.Serializer):
    code = serializers.CharField(max_length=16)
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=OrganisationKind.choices)
    # Overdue actions owned by the organisation are mailed here; absent: left as it is.
    contact_email = serializers.EmailField(required=False, allow_blank=True)


class _SiteIn(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=200)
    organisation = serializers.CharField(max_length=16)


class _BedIn(serializers.Serializer):
    code = serializers.CharField(max_length=48)
    escalation = serializers.BooleanField(default=False)


class _WardIn(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    site = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=200)
    bed_type = serializers.ChoiceField(choices=BedType.choices)
    core_beds = serializers.IntegerField(min_value=0, required=False)
    escalation_beds = serializers.IntegerField(min_value=0, required=False)
    beds = _BedIn(many=True, required=False)

    def validate(self, attrs):
        beds = attrs.get("beds")
        if beds is None:
            if "core_beds" not in attrs:
                raise serializers.ValidationError({"core_beds": ["Give core_beds or a beds list."]})
            attrs["beds"] = [
                *(
                    {"code": f"{attrs['code']}-B{i:02d}", "escalation": False}
                    for i in range(1, attrs["core_beds"] + 1)
                ),
                *(
                    {"code": f"{attrs['code']}-E{i:02d}", "escalation": True}
                    for i in range(1, attrs.setdefault("escalation_beds", 0) + 1)
                ),
            ]
            return attrs
        dupes = sorted(c for c, n in Counter(b["code"] for b in beds).items() if n > 1)
        if dupes:
            raise serializers.ValidationError(
                {"beds": [f"Bed codes repeated: {', '.join(dupes)}."]}
            )
        core = sum(1 for b in beds if not b["escalation"])
        escalation = len(beds) - core
        for name, counted in (("core_beds", core), ("escalation_beds", escalation)):
            given = attrs.get(name)
            if given is not None and given != counted:
                raise serializers.ValidationError(
                    {name: [f"{given} given but the beds list has {counted}."]}
                )
        attrs["core_beds"], attrs["escalation_beds"] = core, escalation
        return attrs


class _VirtualWardIn(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=200)
    organisation = serializers.CharField(max_length=16)
    capacity = serializers.IntegerField(min_value=0)


class EstateIn(serializers.Serializer):
    system = _SystemIn()
    organisations = _OrganisationIn(many=True)
    sites = _SiteIn(many=True, required=False, default=list)
    wards = _WardIn(many=True, required=False, default=list)
    virtual_wards = _VirtualWardIn(many=True, required=False, default=list)

    def validate(self, attrs):
        errors: dict[str, dict[int, dict[str, list[str]]]] = {}

        def fail(section: str, index: int, name: str, message: str) -> None:
            errors.setdefault(section, {}).setdefault(index, {}).setdefault(name, []).append(
                message
            )

        for section in ("organisations", "sites", "wards", "virtual_wards"):
            seen: dict[str, int] = {}
            for i, item in enumerate(attrs[section]):
                if item["code"] in seen:
                    fail(section, i, "code", f"{item['code']} repeats item {seen[item['code']]}.")
                seen.setdefault(item["code"], i)

        org_kinds = dict(Organisation.objects.values_list("code", "kind"))
        org_kinds.update({o["code"]: o["kind"] for o in attrs["organisations"]})
        site_codes = set(Site.objects.values_list("code", flat=True))
        site_codes.update(s["code"] for s in attrs["sites"])
        for i, site in enumerate(attrs["sites"]):
            if site["organisation"] not in org_kinds:
                fail("sites", i, "organisation", f"Unknown organisation {site['organisation']}.")
        for i, ward in enumerate(attrs["wards"]):
            if ward["site"] not in site_codes:
                fail("wards", i, "site", f"Unknown site {ward['site']}.")
        for i, vw in enumerate(attrs["virtual_wards"]):
            if vw["organisation"] not in org_kinds:
                fail(
                    "virtual_wards",
                    i,
                    "organisation",
                    f"Unknown organisation {vw['organisation']}.",
                )
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


@dataclass
class EstateReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated or +self.deleted)

    def __str__(self) -> str:
        if not self.changed:
            return "Estate unchanged."
        parts = []
        for label, counter in (
            ("created", self.created),
            ("updated", self.updated),
            ("deleted", self.deleted),
        ):
            if +counter:
                parts.append(
                    label + " " + ", ".join(f"{n} {k}" for k, n in sorted(counter.items()))
                )
        return "Estate loaded: " + "; ".join(parts) + "."


def _upsert(model, report: EstateReport, label: str, lookup: dict, values: dict):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        report.created[label] += 1
        return model.objects.create(**lookup, **values)
    if any(getattr(obj, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(obj, k, v)
        obj.save(update_fields=list(values))
        report.updated[label] += 1
    return obj


def estate_load(*, document: Any) -> EstateReport:
    """Create or update the estate from a parsed estate file. Raises ``EstateError``."""
    serializer = EstateIn(data=document)
    if not serializer.is_valid():
        raise EstateError(serializer.errors)
    data = serializer.validated_data
    report = EstateReport()
    with transaction.atomic():
        # Beds are bulk-created (no signals): say so to the board's cache directly.
        transaction.on_commit(figures_version_bump)
        s = data["system"]
        system = System.objects.first()
        if system is None:
            System.objects.create(**s)
            report.created["systems"] += 1
        else:
            _upsert(System, report, "systems", {"pk": system.pk}, dict(s))
        orgs = {
            o["code"]: _upsert(
                Organisation,
                report,
                "organisations",
                {"code": o["code"]},
                {"name": o["name"], "kind": o["kind"]}
                | ({"contact_email": o["contact_email"]} if "contact_email" in o else {}),
            )
            for o in data["organisations"]
        }
        orgs.update({o.code: o for o in Organisation.objects.exclude(code__in=orgs)})
        sites = {
            x["code"]: _upsert(
                Site,
                report,
                "sites",
                {"code": x["code"]},
                {"name": x["name"], "organisation": orgs[x["organisation"]]},
            )
            for x in data["sites"]
        }
        sites.update({x.code: x for x in Site.objects.exclude(code__in=sites)})
        for w in data["wards"]:
            ward = _upsert(
                Ward,
                report,
                "wards",
                {"code": w["code"]},
                {
                    "name": w["name"],
                    "site": sites[w["site"]],
                    "bed_type": w["bed_type"],
                    "core_beds": w["core_beds"],
                    "escalation_beds": w["escalation_beds"],
                },
            )
            _sync_beds(ward, w["beds"], report)
        for v in data["virtual_wards"]:
            _upsert(
                VirtualWard,
                report,
                "virtual wards",
                {"code": v["code"]},
                {
                    "name": v["name"],
                    "organisation": orgs[v["organisation"]],
                    "capacity": v["capacity"],
                },
            )
    return report


def _sync_beds(ward: Ward, beds: list[dict], report: EstateReport) -> None:
    wanted = {b["code"]: b["escalation"] for b in beds}
    held = {b.code: b for b in ward.beds.all()}
    new = [Bed(ward=ward, code=c, escalation=e) for c, e in wanted.items() if c not in held]
    if new:
        Bed.objects.bulk_create(new)
        report.created["beds"] += len(new)
    for code, bed in held.items():
        if code in wanted and bed.escalation != wanted[code]:
            bed.escalation = wanted[code]
            bed.save(update_fields=["escalation"])
            report.updated["beds"] += 1
    gone = [b.pk for c, b in held.items() if c not in wanted]
    if gone:
        Bed.objects.filter(pk__in=gone).delete()
        report.deleted["beds"] += len(gone)


def estate_out() -> dict[str, Any]:
    """The estate as the board holds it (``GET /api/v1/estate/``), in the estate file's shape,
    so that a provider's system can map its codes: ``{"system", "organisations", "sites":
    [{"code", "name", "organisation", "wards": [{"code", "name", "bed_type", "core_beds",
    "escalation_beds", "beds": [code, ...]}]}], "virtual_wards"}``. Beds in code order, core
    before escalation. Five queries whatever the size of the estate."""
    system = System.objects.first()
    organisations = list(Organisation.objects.order_by("code").values("code", "name", "kind"))
    beds_of: dict[int, list[str]] = {}
    for ward_id, code in Bed.objects.order_by("ward_id", "escalation", "code").values_list(
        "ward_id", "code"
    ):
        beds_of.setdefault(ward_id, []).append(code)
    wards_of: dict[int, list[dict[str, Any]]] = {}
    for ward in Ward.objects.order_by("code").values(
        "pk", "site_id", "code", "name", "bed_type", "core_beds", "escalation_beds"
    ):
        wards_of.setdefault(ward.pop("site_id"), []).append(
            {**{k: v for k, v in ward.items() if k != "pk"}, "beds": beds_of.get(ward["pk"], [])}
        )
    sites = [
        {
            "code": site["code"],
            "name": site["name"],
            "organisation": site["organisation__code"],
            "wards": wards_of.get(site["pk"], []),
        }
        for site in Site.objects.order_by("code").values("pk", "code", "name", "organisation__code")
    ]
    virtual_wards = [
        {"code": vw["code"], "name": vw["name"], "organisation": vw["organisation__code"],
         "capacity": vw["capacity"]}
        for vw in VirtualWard.objects.order_by("code").values(
            "code", "name", "organisation__code", "capacity"
        )
    ]  # fmt: skip
    return {
        "system": (
            {"code": system.code, "name": system.name, "population": system.population}
            if system
            else None
        ),
        "organisations": organisations,
        "sites": sites,
        "virtual_wards": virtual_wards,
    }
