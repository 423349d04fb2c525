"""A synthetic estate at any scale, generated set-based in PostgreSQL (seconds, not minutes).

Everything a live system would hold after one round of sitreps: accepted ``Submission`` rows
with their archived payloads (so the recompute can be replayed from them), the current state
they applied (ward states, arrivals, MOFD lists, virtual-ward censuses), and one API key per
reporting organisation. Codes start with ``N`` so nothing here collides with the demo estate.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection

MARK = "bench-national"  # body_sha256 of the generated submissions: the "national set"


@dataclass(frozen=True)
class Scale:
    acute: int = 125  # organisations with hospital sites
    sites_per_acute: int = 4
    wards_per_site: int = 20
    core_beds: int = 9  # + 1 escalation bed per ward
    community: int = 14  # they own the virtual wards
    ambulance: int = 10
    arrivals: int = 20_000  # today, by the ambulance services
    arrivals_per_batch: int = 500
    mofd_patients: int = 15_000
    virtual_wards: int = 400

    @property
    def organisations(self) -> int:
        return self.acute + self.community + self.ambulance + 1  # + out of area


NATIONAL = Scale()
SMALL = Scale(
    acute=2, sites_per_acute=2, wards_per_site=3, community=1, ambulance=1, arrivals=40,
    arrivals_per_batch=20, mofd_patients=30, virtual_wards=4,
)  # fmt: skip


@dataclass
class Estate:
    scale: Scale
    now: datetime
    keys: dict[str, str] = field(default_factory=dict)  # organisation code -> plain API key
    sites: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (org, site, wards)
    vw: dict[str, list[str]] = field(default_factory=dict)  # community org -> its VW codes
    ambulance: list[str] = field(default_factory=list)


def wipe() -> None:
    """Empty the bench's scratch database of estate, sitreps and alerts (not rules, users)."""
    from apps.escalation.models import Alert, AlertTransition

    tables = [AlertTransition._meta.db_table, Alert._meta.db_table]
    with connection.cursor() as cursor:
        # CASCADE reaches everything hanging off the estate (sites, wards, beds, states,
        # submissions, keys, lists, censuses...): this is the bench's own database only.
        cursor.execute(
            f"TRUNCATE beds_organisation, beds_system, {', '.join(tables)} RESTART IDENTITY CASCADE"
        )


def _statements(s: Scale) -> list[str]:
    bed_types = "ARRAY['ga_adult','ga_adult','ga_adult','ga_paeds','critical_care',"
    bed_types += "'maternity','mental_health','community']"
    sub_cols = (
        "kind, organisation_id, source, received_at, body_sha256, outcome,"
        " status_code, payload, response, recomputed_at"
    )
    accepted = f"'{MARK}', 'accepted', 201"
    return [
        "SELECT setseed(0.42)",
        "INSERT INTO beds_system (code, name, population) VALUES ('NAT', 'England', 56000000)",
        # ---------------------------------------------------------------- organisations
        # contact_email is NOT NULL (blank: no mail for overdue actions).
        f"INSERT INTO beds_organisation (code, name, kind, contact_email)"
        f" SELECT code, name, kind, '' FROM ("
        f" SELECT 'NA' || lpad(g::text, 3, '0') AS code, 'Acute trust ' || g AS name,"
        f" 'acute' AS kind"
        f" FROM generate_series(1, {s.acute}) g"
        f" UNION ALL SELECT 'NC' || lpad(g::text, 2, '0'), 'Community trust ' || g, 'community'"
        f" FROM generate_series(1, {s.community}) g"
        f" UNION ALL SELECT 'NX' || lpad(g::text, 2, '0'), 'Ambulance service ' || g, 'ambulance'"
        f" FROM generate_series(1, {s.ambulance}) g"
        f" UNION ALL SELECT 'NOOA', 'Out of area', 'out_of_area') o",
        # ---------------------------------------------------------------- estate
        f"INSERT INTO beds_site (code, name, organisation_id)"
        f" SELECT o.code || '-S' || g, o.name || ' site ' || g, o.id"
        f" FROM beds_organisation o CROSS JOIN generate_series(1, {s.sites_per_acute}) g"
        f" WHERE o.kind = 'acute'",
        f"INSERT INTO beds_ward (code, name, site_id, bed_type, core_beds, escalation_beds)"
        f" SELECT s.code || '-W' || lpad(w::text, 2, '0'), 'Ward ' || w, s.id,"
        f" ({bed_types})[1 + (w % 8)], {s.core_beds}, 1"
        f" FROM beds_site s CROSS JOIN generate_series(1, {s.wards_per_site}) w",
        f"INSERT INTO beds_bed (ward_id, code, escalation)"
        f" SELECT w.id, w.code || '-B' || lpad(b::text, 2, '0'), false"
        f" FROM beds_ward w CROSS JOIN generate_series(1, {s.core_beds}) b"
        f" UNION ALL SELECT w.id, w.code || '-E01', true FROM beds_ward w",
        f"INSERT INTO virtualwards_virtualward (code, name, organisation_id, capacity)"
        f" SELECT o.code || '-VW' || lpad(g::text, 3, '0'), 'Virtual ward ' || g, o.id, 20"
        f" FROM generate_series(1, {s.virtual_wards}) g"
        f" JOIN beds_organisation o"
        f" ON o.code = 'NC' || lpad((1 + g % {s.community})::text, 2, '0')",
        # ---------------------------------------------------------------- bed sitreps
        # One counts sitrep per site, at its own time within the last four hours.
        f"INSERT INTO sitreps_submission ({sub_cols})"
        f" SELECT 'beds', s.organisation_id, 'api', $now - (s.id % 240) * interval '1 minute',"
        f" {accepted}, jsonb_build_object('site', s.code), NULL, $now FROM beds_site s",
        # Open core beds = core - closed; escalation_open of the open beds are escalation beds.
        f"INSERT INTO beds_wardstate (ward_id, as_at, submission_id, source, occupied, vacant,"
        f" closed, escalation_open)"
        f" SELECT w.id, sub.received_at, sub.id, 'counts', 5 + w.id % 4,"
        f" {s.core_beds} - (w.id % 3 = 0)::int + w.id % 2 - (5 + w.id % 4),"
        f" (w.id % 3 = 0)::int, w.id % 2"
        f" FROM beds_ward w JOIN beds_site s ON s.id = w.site_id"
        f" JOIN sitreps_submission sub ON sub.kind = 'beds' AND sub.payload->>'site' = s.code",
        "WITH one AS (SELECT DISTINCT ON (w.site_id) w.site_id, st.submission_id"
        " FROM beds_wardstate st JOIN beds_ward w ON w.id = st.ward_id)"
        " UPDATE sitreps_submission sub SET payload = jsonb_build_object("
        " 'site', s.code, 'as_at', sub.received_at, 'wards', (SELECT jsonb_agg(jsonb_build_object("
        " 'ward', w.code, 'counts', jsonb_build_object('occupied', st.occupied, 'vacant',"
        " st.vacant, 'closed', st.closed, 'escalation_open', st.escalation_open))"
        " ORDER BY w.code) FROM beds_wardstate st JOIN beds_ward w ON w.id = st.ward_id"
        " WHERE st.submission_id = sub.id))"
        " FROM one JOIN beds_site s ON s.id = one.site_id WHERE sub.id = one.submission_id",
        "INSERT INTO beds_wardcurrent (ward_id, state_id, as_at)"
        " SELECT ward_id, id, as_at FROM beds_wardstate",
        # ---------------------------------------------------------------- handovers
        f"INSERT INTO sitreps_submission ({sub_cols})"
        f" SELECT 'handovers', o.id, 'api', $now, {accepted}, NULL,"
        f" jsonb_build_object('handovers', {s.arrivals_per_batch}, 'days',"
        f" jsonb_build_array($today::text)), $now"
        f" FROM generate_series(1, {s.arrivals} / {s.arrivals_per_batch}) b"
        f" JOIN beds_organisation o"
        f" ON o.code = 'NX' || lpad((1 + b % {s.ambulance})::text, 2, '0')",
        # Arrivals spread over today so far; handover times log-normal (median ~27 min).
        f"WITH subs AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n, organisation_id"
        f" FROM sitreps_submission WHERE kind = 'handovers'),"
        f" sites AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM beds_site),"
        f" a AS (SELECT g, $start + random() * ($now - $start - interval '1 minute')"
        f" AS arrived, least(600, exp(3.3 + 0.8 * random_normal())) * interval '1 minute' AS took,"
        f" (random() * (SELECT count(*) FROM sites))::int % (SELECT count(*) FROM sites) AS site_n"
        f" FROM generate_series(0, {s.arrivals} - 1) g)"
        f" INSERT INTO ambulance_handover (organisation_id, incident, site_id, arrived_at,"
        f" handover_at, cleared_at, category, submission_id, updated_at)"
        f" SELECT subs.organisation_id, 'INC-' || lpad(a.g::text, 7, '0'), sites.id, a.arrived,"
        f" CASE WHEN a.arrived + a.took > $now THEN NULL ELSE a.arrived + a.took END, NULL,"
        f" 1 + a.g % 5, subs.id, $now"
        f" FROM a JOIN subs ON subs.n = a.g / {s.arrivals_per_batch}"
        f" JOIN sites ON sites.n = a.site_n",
        "UPDATE sitreps_submission sub SET payload = jsonb_build_object('handovers', (SELECT"
        " jsonb_agg(jsonb_build_object('incident', h.incident, 'site', s.code, 'arrived_at',"
        " h.arrived_at, 'handover_at', h.handover_at, 'cleared_at', NULL, 'category',"
        " h.category) ORDER BY h.incident) FROM ambulance_handover h JOIN beds_site s ON"
        " s.id = h.site_id WHERE h.submission_id = sub.id)) WHERE sub.kind = 'handovers'",
        # ---------------------------------------------------------------- MOFD lists
        f"INSERT INTO sitreps_submission ({sub_cols})"
        f" SELECT 'discharge', o.id, 'api', $now - interval '2 hours', {accepted}, NULL, NULL,"
        f" $now FROM beds_organisation o"
        f" WHERE o.kind IN ('acute', 'community', 'out_of_area')",
        "INSERT INTO discharge_mofdlist (organisation_id, as_at, submission_id)"
        " SELECT organisation_id, received_at, id FROM sitreps_submission WHERE kind = 'discharge'",
        f"WITH lists AS (SELECT l.id, l.organisation_id, row_number() OVER (ORDER BY l.id) - 1"
        f" AS n, count(*) OVER () AS total FROM discharge_mofdlist l),"
        f" first_site AS (SELECT organisation_id, min(id) AS id FROM beds_site"
        f" GROUP BY organisation_id)"
        f" INSERT INTO discharge_mofdpatient (mofd_list_id, ref, nhs_number, site_id, ward_id,"
        f" mofd_on, pathway, planned_discharge_on, delay_reason)"
        f" SELECT lists.id, 'P' || lpad(g::text, 6, '0'), '', first_site.id, NULL,"
        f" $today::date - (g % 45), (ARRAY['P0','P1','P2','P3'])[1 + g % 4],"
        f" (ARRAY[NULL, NULL, $today::date, $today::date - 1, $today::date + 2])"
        f"[1 + g % 5], 'awaiting_homecare'"
        f" FROM generate_series(0, {s.mofd_patients} - 1) g"
        f" JOIN lists ON lists.n = g % lists.total"
        f" LEFT JOIN first_site ON first_site.organisation_id = lists.organisation_id",
        "UPDATE sitreps_submission sub SET payload = jsonb_build_object('organisation', o.code,"
        " 'as_at', sub.received_at, 'patients', coalesce((SELECT jsonb_agg(jsonb_build_object("
        " 'ref', p.ref, 'site', s.code, 'mofd_on', p.mofd_on, 'pathway', p.pathway,"
        " 'planned_discharge_on', p.planned_discharge_on, 'delay_reason', p.delay_reason)"
        " ORDER BY p.ref) FROM discharge_mofdpatient p JOIN discharge_mofdlist l ON"
        " l.id = p.mofd_list_id LEFT JOIN beds_site s ON s.id = p.site_id"
        " WHERE l.submission_id = sub.id), '[]'::jsonb), 'discharged', '[]'::jsonb)"
        " FROM beds_organisation o WHERE o.id = sub.organisation_id AND sub.kind = 'discharge'",
        # ---------------------------------------------------------------- virtual wards
        f"INSERT INTO sitreps_submission ({sub_cols})"
        f" SELECT 'virtual_wards', o.id, 'api', $now - interval '30 minutes', {accepted},"
        f" NULL, NULL, $now FROM beds_organisation o WHERE o.kind = 'community'",
        "INSERT INTO virtualwards_virtualwardcensus (ward_id, as_at, capacity, occupied,"
        " submission_id)"
        " SELECT v.id, sub.received_at, v.capacity, 8 + v.id % 12, sub.id"
        " FROM virtualwards_virtualward v JOIN sitreps_submission sub"
        " ON sub.kind = 'virtual_wards' AND sub.organisation_id = v.organisation_id",
        "INSERT INTO virtualwards_virtualwardcurrent (ward_id, census_id)"
        " SELECT ward_id, id FROM virtualwards_virtualwardcensus",
        "UPDATE sitreps_submission sub SET payload = jsonb_build_object('as_at', sub.received_at,"
        " 'wards', (SELECT jsonb_agg(jsonb_build_object('ward', v.code, 'capacity', c.capacity,"
        " 'occupied', c.occupied) ORDER BY v.code) FROM virtualwards_virtualwardcensus c"
        " JOIN virtualwards_virtualward v ON v.id = c.ward_id WHERE c.submission_id = sub.id))"
        " WHERE sub.kind = 'virtual_wards'",
        "ANALYZE",
    ]


def generate(scale: Scale, *, now: datetime) -> Estate:
    """Create the estate and its current state; returns what the load generator needs."""
    from apps.accounts.models import ApiKey
    from apps.ambulance.services import handover_days_refresh
    from apps.beds.models import Organisation, Site, Ward
    from apps.core.localtime import local_day_bounds, local_today
    from apps.virtualwards.models import VirtualWard

    today = local_today(now)
    start, _end = local_day_bounds(today)
    params = {"now": now, "start": start, "today": today.isoformat()}
    with connection.cursor() as cursor:
        for sql in _statements(scale):
            # Literal % (modulo) doubled for the driver; $name marks a parameter.
            sql = sql.replace("%", "%%")
            for name in params:
                sql = sql.replace(f"${name}", f"%({name})s")
            cursor.execute(sql, params)
    handover_days_refresh(days={today}, now=now)

    estate = Estate(scale=scale, now=now)
    keys, plain = [], {}
    for org in Organisation.objects.exclude(kind="out_of_area").order_by("code"):
        prefix, secret = secrets.token_hex(ApiKey.PREFIX_LENGTH // 2), secrets.token_urlsafe(32)
        keys.append(
            ApiKey(organisation=org, name="bench", prefix=prefix, hashed_secret=ApiKey.hash(secret))
        )
        plain[org.code] = f"scc_{prefix}_{secret}"
    ApiKey.objects.bulk_create(keys)
    estate.keys = plain
    wards: dict[int, list[str]] = {}
    for site_id, code in Ward.objects.order_by("code").values_list("site_id", "code"):
        wards.setdefault(site_id, []).append(code)
    estate.sites = [
        (org, code, wards[pk])
        for pk, code, org in Site.objects.order_by("code").values_list(
            "pk", "code", "organisation__code"
        )
    ]
    for org, code in VirtualWard.objects.order_by("code").values_list("organisation__code", "code"):
        estate.vw.setdefault(org, []).append(code)
    ambulance = Organisation.objects.filter(kind="ambulance").order_by("code")
    estate.ambulance = list(ambulance.values_list("code", flat=True))
    return estate


def sizes() -> dict[str, int]:
    from apps.ambulance.models import Handover
    from apps.beds.models import Bed, Organisation, Site, Ward, WardCurrent
    from apps.discharge.models import MofdPatient
    from apps.sitreps.models import Submission
    from apps.virtualwards.models import VirtualWard

    return {
        "organisations": Organisation.objects.count(),
        "sites": Site.objects.count(),
        "wards": Ward.objects.count(),
        "beds": Bed.objects.count(),
        "wards_with_state": WardCurrent.objects.count(),
        "arrivals_today": Handover.objects.count(),
        "mofd_patients": MofdPatient.objects.count(),
        "virtual_wards": VirtualWard.objects.count(),
        "accepted_submissions": Submission.objects.filter(body_sha256=MARK).count(),
    }
