from __future__ import annotations

from collections import defaultdict

from rest_framework import serializers

from apps.beds.choices import OrganisationKind
from apps.beds.models import Ward
from apps.sitreps.exceptions import ScopeError
from apps.sitreps.fields import SitrepTimeField

from ..choices import DelayReason, Pathway, S1State
from ..rules import local_date, nhs_number_valid


# --------------------------------------------------------------------------- input
class MofdPatientIn(serializers.Serializer):
    ref = serializers.CharField(max_length=64)
    nhs_number = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=16
    )
    site = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    ward = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    mofd_on = serializers.DateField()
    pathway = serializers.ChoiceField(choices=Pathway.choices)
    planned_discharge_on = serializers.DateField(required=False, allow_null=True)
    delay_reason = serializers.ChoiceField(
        choices=DelayReason.choices, required=False, allow_null=True, allow_blank=True
    )

    def validate_nhs_number(self, value: str | None) -> str:
        value = (value or "").replace(" ", "")
        if value and not nhs_number_valid(value):
            raise serializers.ValidationError("Not a valid NHS number (Modulus 11 check).")
        return value


class DischargedIn(serializers.Serializer):
    ref = serializers.CharField(max_length=64)
    discharged_at = SitrepTimeField()


class MofdListIn(serializers.Serializer):
    """An organisation's complete MOFD list at ``as_at`` (API.md)."""

    organisation = serializers.CharField(max_length=16)
    as_at = SitrepTimeField()
    patients = MofdPatientIn(many=True, allow_empty=True)
    discharged = DischargedIn(many=True, required=False, default=list)

    def validate_organisation(self, value: str) -> str:
        if value != self.context["organisation"].code:
            raise ScopeError(
                f"This key reports for {self.context['organisation'].code}, not {value}."
            )
        return value

    def validate(self, attrs):
        organisation = self.context["organisation"]
        out_of_area = organisation.kind == OrganisationKind.OUT_OF_AREA
        wards = {
            w.code: w
            for w in Ward.objects.filter(site__organisation=organisation).select_related("site")
        }
        sites = {s.code: s for s in organisation.sites.all()}
        today = local_date(attrs["as_at"])
        errors: dict[str, dict[int, dict[str, list[str]]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(list))
        )
        first_seen: dict[str, int] = {}

        for i, p in enumerate(attrs["patients"]):
            fail = errors["patients"][i]
            if p["ref"] in first_seen:
                j = first_seen[p["ref"]]
                fail["ref"].append(f"{p['ref']} is repeated: items {j} and {i}.")
                errors["patients"][j]["ref"].append(f"{p['ref']} is repeated: items {j} and {i}.")
            first_seen.setdefault(p["ref"], i)
            if p["mofd_on"] > today:
                fail["mofd_on"].append(f"After the local date of as_at ({today.isoformat()}).")
            site_code, ward_code = p.get("site") or None, p.get("ward") or None
            p["site"], p["ward"] = None, None
            if out_of_area:
                for name, code in (("site", site_code), ("ward", ward_code)):
                    if code:
                        fail[name].append("The out-of-area organisation names no site or ward.")
                continue
            if site_code:
                p["site"] = sites.get(site_code)
                if p["site"] is None:
                    fail["site"].append(f"{site_code} is not a site of {organisation.code}.")
            if ward_code:
                ward = wards.get(ward_code)
                if ward is None:
                    fail["ward"].append(f"{ward_code} is not a ward of {organisation.code}.")
                elif site_code and ward.site.code != site_code:
                    fail["ward"].append(f"{ward_code} is not a ward of site {site_code}.")
                else:
                    p["ward"], p["site"] = ward, ward.site

        for i, d in enumerate(attrs["discharged"]):
            fail = errors["discharged"][i]
            if d["ref"] in first_seen:
                fail["ref"].append(
                    f"{d['ref']} is still on the list (patients item {first_seen[d['ref']]})."
                )
            if d["discharged_at"] > attrs["as_at"]:
                fail["discharged_at"].append("After as_at.")
        discharged_seen: dict[str, int] = {}
        for i, d in enumerate(attrs["discharged"]):
            if d["ref"] in discharged_seen:
                j = discharged_seen[d["ref"]]
                message = f"{d['ref']} is repeated: items {j} and {i}."
                errors["discharged"][i]["ref"].append(message)
                errors["discharged"][j]["ref"].append(message)
            discharged_seen.setdefault(d["ref"], i)

        named = {
            section: {i: dict(item) for i, item in items.items() if item}
            for section, items in errors.items()
        }
        named = {section: items for section, items in named.items() if items}
        if named:
            raise serializers.ValidationError(named)
        return attrs


# --------------------------------------------------------------------------- output
class PathwayCountsOut(serializers.Serializer):
    P0 = serializers.IntegerField()
    P1 = serializers.IntegerField()
    P2 = serializers.IntegerField()
    P3 = serializers.IntegerField()


class MofdBoardOut(serializers.Serializer):
    """MOFD patients on the lists in force now, system-wide."""

    total = serializers.IntegerField()
    by_pathway = PathwayCountsOut()
    planned_today = serializers.IntegerField()
    awaiting_outcome = serializers.IntegerField()


class MofdListAcceptedOut(serializers.Serializer):
    submission = serializers.IntegerField()
    list = serializers.IntegerField(help_text="The stored list.")
    patients = serializers.IntegerField(help_text="Patients on the list.")
    discharged = serializers.IntegerField(help_text="Explicit discharges recorded.")
    replaced = serializers.BooleanField(
        help_text="A list with the same as_at was held and this one corrected it."
    )
    current = serializers.BooleanField(
        help_text="This is now the organisation's current list (false: an older list, kept "
        "in history only)."
    )


class S1RowOut(serializers.Serializer):
    organisation = serializers.CharField()
    name = serializers.CharField()
    total = serializers.IntegerField()
    planned_today = serializers.IntegerField()
    future_plan = serializers.IntegerField()
    awaiting_outcome = serializers.IntegerField()
    by_pathway = PathwayCountsOut()
    lost_discharges = serializers.IntegerField()
    days_7_plus = serializers.IntegerField()
    days_21_plus = serializers.IntegerField()
    lists = serializers.IntegerField(
        help_text="The organisation's lists with as_at in that local day (0: no list received "
        "that day; the figures are then those of list_as_at's list, or zeros if none)."
    )
    late_lists = serializers.IntegerField(
        help_text="Of those, lists received after the day was frozen: not in its figures."
    )
    list_as_at = serializers.DateTimeField(
        allow_null=True,
        help_text="as_at of the list the figures come from (the latest on or before the end "
        "of the day); null: no list received by then (TOTAL: always null).",
    )


class S1Out(serializers.Serializer):
    date = serializers.DateField()
    state = serializers.ChoiceField(
        choices=S1State.choices,
        help_text="live: today; frozen: stored at the end of the day (frozen_at); not_frozen: "
        "the day is over and will be frozen at the next catch-up.",
    )
    rows = S1RowOut(many=True)
    total = S1RowOut()
    frozen_at = serializers.DateTimeField(
        allow_null=True, help_text="When the day's S1 was frozen; null unless state is frozen."
    )
