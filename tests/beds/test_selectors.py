"""Reads: the board's occupancy, site page selectors, figures by bed type, snapshots."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.beds.choices import BED_HOLDING_KINDS
from apps.beds.models import (
    Bed,
    OccupancySnapshot,
    Organisation,
    Site,
    Ward,
    WardCurrent,
    WardState,
)
from apps.beds.rules import Occupancy
from apps.beds.selectors import (
    bed_history,
    board_occupancy,
    occupancy_by_bed_type,
    site_bed_map,
    site_occupancy_history,
    site_wards,
)
from apps.sitreps.choices import Outcome, SitrepKind
from apps.sitreps.models import Submission
from apps.sitreps.pipeline import submissions_recompute
from apps.sitreps.registry import handler_for
from apps.sitreps.services import sitrep_ingest

from .factories import bed_list, counts, hours_ago, sitrep, worked_example

pytestmark = pytest.mark.django_db

WORKED = Occupancy(occupied=28, vacant=2, closed=1, escalation_open=1)


def _ingest(body, org="RWE"):
    result = sitrep_ingest(kind="beds", body=body, organisation=Organisation.objects.get(code=org))
    assert result.status == 201, result.body
    return result.submission_id


def test_board_occupancy_sums_adult_ga_wards_per_site_and_system(estate):
    t = hours_ago(1)
    _ingest(worked_example(t))
    _ingest(sitrep("RWE-LRI", t, counts("LRI-W10", occupied=12, vacant=0)))  # paeds: not counted
    _ingest(sitrep("RWE-GH", hours_ago(2), counts("GH-W15", occupied=20, vacant=8)))
    cch_at = hours_ago(3)
    _ingest(sitrep("RT5-CCH", cch_at, counts("CCH-W4", occupied=27, vacant=0)), org="RT5")
    sites = {s.code: s.pk for s in Site.objects.all()}
    got = board_occupancy(now=timezone.now())
    assert got["sites"][sites["RWE-LRI"]] == WORKED.block(standard_pct=92)
    assert got["sites"][sites["RWE-GH"]]["occupied"] == 20
    assert got["sites"][sites["RT5-CCH"]] is None  # reported, but no adult G&A ward
    assert got["last_sitrep_at"][sites["RT5-CCH"]] == cch_at
    assert got["system"] == (WORKED + Occupancy(occupied=20, vacant=8)).block(standard_pct=92)
    assert got["last_sitrep_at"][sites["RWE-LRI"]] == t


def test_a_site_whose_adult_wards_never_reported_is_unknown(estate):
    _ingest(sitrep("RWE-LRI", hours_ago(1), counts("LRI-W10", occupied=3, vacant=9)))
    site = Site.objects.get(code="RWE-LRI")
    got = board_occupancy(now=timezone.now())
    assert got["sites"][site.pk] is None and got["system"] is None
    assert got["last_sitrep_at"][site.pk] is not None


def test_board_occupancy_is_two_queries(estate, django_assert_num_queries):
    _ingest(worked_example(hours_ago(1)))
    with django_assert_num_queries(2):
        board_occupancy(now=timezone.now())


def _estate_of(n_sites: int, wards_per_site: int) -> None:
    """A bed-holding organisation with ``n_sites`` sites, every ward with a current state."""
    org = Organisation.objects.create(code=f"R{n_sites}", name="Big trust", kind="acute")
    sites = Site.objects.bulk_create(
        Site(code=f"S{n_sites}-{i}", name=f"Site {i}", organisation=org) for i in range(n_sites)
    )
    wards = Ward.objects.bulk_create(
        Ward(
            code=f"S{n_sites}-{i}-W{j}",
            name="Ward",
            site=site,
            bed_type="ga_adult" if j % 3 else "ga_paeds",
            core_beds=20,
        )
        for i, site in enumerate(sites)
        for j in range(wards_per_site)
    )
    sub = Submission.objects.create(
        kind=SitrepKind.BEDS,
        organisation=org,
        body_sha256="x",
        outcome=Outcome.ACCEPTED,
        status_code=201,
    )
    t = hours_ago(1)
    states = WardState.objects.bulk_create(
        WardState(
            ward=w,
            as_at=t,
            submission=sub,
            source="counts",
            occupied=15,
            vacant=5,
            closed=0,
            escalation_open=0,
        )
        for w in wards
    )
    WardCurrent.objects.bulk_create(
        WardCurrent(ward_id=s.ward_id, state=s, as_at=t) for s in states
    )


def _board_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/api/v1/board/").status_code == 200
    return len(ctx.captured_queries)


def test_the_board_query_count_does_not_grow_with_the_estate(scc_client, estate):
    _ingest(worked_example(hours_ago(1)))
    _estate_of(2, 3)
    small = _board_queries(scc_client)
    _estate_of(25, 12)
    large = _board_queries(scc_client)
    assert small == large
    body = scc_client.get("/api/v1/board/").json()
    assert len(body["sites"]) == 3 + 2 + 25
    big = next(s for s in body["sites"] if s["code"] == "S25-0")
    assert big["occupancy"]["occupied"] == 8 * 15  # 8 of 12 wards are adult G&A


def test_site_wards_gives_each_wards_state_and_unknown_for_silent_ones(
    estate, django_assert_num_queries
):
    t = hours_ago(1)
    _ingest(worked_example(t))
    site = Site.objects.get(code="RWE-LRI")
    with django_assert_num_queries(1):
        rows = {r.ward.code: r for r in site_wards(site=site)}
    assert rows["LRI-W22"].occupancy == Occupancy(18, 2, 1, 1)
    assert rows["LRI-W22"].last_sitrep_at == t and rows["LRI-W22"].source == "bed_list"
    assert rows["LRI-W23"].occupancy == Occupancy(10, 0, 0, 0)
    assert rows["LRI-W10"].occupancy is None and rows["LRI-W10"].last_sitrep_at is None


def test_site_bed_map_gives_status_and_escalation_flag(estate, django_assert_num_queries):
    t = hours_ago(1)
    _ingest(worked_example(t))
    site = Site.objects.get(code="RWE-LRI")
    with django_assert_num_queries(1):
        beds = {b.code: b for b in site_bed_map(site=site)}
    assert len(beds) == 22 + 10 + 12
    assert (beds["LRI-W22-B01"].status, beds["LRI-W22-B01"].since) == ("occupied", t)
    assert beds["LRI-W22-B20"].status == "closed"
    assert beds["LRI-W22-E01"].escalation and beds["LRI-W22-E01"].status == "occupied"
    assert beds["LRI-W22-E02"].status == "not_open"
    assert beds["LRI-W23-B01"].status is None  # counts: single beds unknown
    assert beds["LRI-W10-B01"].status is None  # never reported


def test_bed_history_says_who_what_and_when(estate):
    t1, t2 = hours_ago(3), hours_ago(1)
    first = _ingest(sitrep("RWE-LRI", t1, bed_list("LRI-W23", 10)))
    second = _ingest(sitrep("RWE-LRI", t2, bed_list("LRI-W23", 10, {"B04": "occupied"})))
    changes = list(bed_history(bed=Bed.objects.get(code="LRI-W23-B04")))
    assert [(c.from_status, c.to_status, c.at, c.submission_id) for c in changes] == [
        ("vacant", "occupied", t2, second),
        (None, "vacant", t1, first),
    ]
    assert changes[0].submission.organisation.code == "RWE"


def test_figures_by_bed_type_per_site_organisation_and_system(estate):
    _ingest(worked_example(hours_ago(1)))
    _ingest(sitrep("RT5-CCH", hours_ago(1), counts("CCH-W4", occupied=25, vacant=2)), org="RT5")
    site = Site.objects.get(code="RWE-LRI")
    by_site = occupancy_by_bed_type(level="site")
    lri = by_site[site.pk]
    assert lri["ga_adult"].occupancy == WORKED
    assert (lri["ga_adult"].wards_reporting, lri["ga_adult"].wards_total) == (2, 2)
    assert lri["ga_paeds"].occupancy is None and lri["ga_paeds"].wards_total == 1
    rwe = Organisation.objects.get(code="RWE")
    by_org = occupancy_by_bed_type(level="organisation", organisation_id=rwe.pk)
    assert set(by_org) == {rwe.pk}
    assert by_org[rwe.pk]["ga_adult"].wards_total == 3  # GH-W15 has not reported
    assert by_org[rwe.pk]["ga_adult"].occupancy == WORKED
    system = occupancy_by_bed_type(level="system")["system"]
    assert system["community"].occupancy == Occupancy(occupied=25, vacant=2)
    assert system["ga_adult"].occupancy == WORKED


def test_recompute_snapshots_each_site_and_the_system_by_bed_type(estate):
    t = hours_ago(1)
    sub = _ingest(worked_example(t))
    changed = submissions_recompute([sub])
    assert changed == {"beds:RWE-LRI"}
    site = Site.objects.get(code="RWE-LRI")
    snap = OccupancySnapshot.objects.get(site=site, bed_type="ga_adult", taken_at=t)
    assert Occupancy(snap.occupied, snap.vacant, snap.closed, snap.escalation_open) == WORKED
    assert (snap.wards_reporting, snap.wards_total) == (2, 2)
    paeds = OccupancySnapshot.objects.get(site=site, bed_type="ga_paeds", taken_at=t)
    assert (paeds.wards_reporting, paeds.occupied) == (0, 0)
    system = OccupancySnapshot.objects.get(site=None, bed_type="ga_adult", taken_at=t)
    assert (system.occupied, system.wards_reporting, system.wards_total) == (28, 2, 3)


def test_recompute_is_idempotent(estate):
    sub = _ingest(worked_example(hours_ago(1)))
    handler = handler_for("beds")
    submission = Submission.objects.get(pk=sub)
    handler.recompute([submission])
    before = list(OccupancySnapshot.objects.order_by("pk").values())
    handler.recompute([submission])
    assert list(OccupancySnapshot.objects.order_by("pk").values()) == before


def test_a_late_delivery_retakes_later_snapshots(estate):
    t_late, t_new = hours_ago(3), hours_ago(1)
    submissions_recompute([_ingest(sitrep("RWE-LRI", t_new, counts("LRI-W23", 9, 1)))])
    site = Site.objects.get(code="RWE-LRI")
    later = OccupancySnapshot.objects.get(site=site, bed_type="ga_adult", taken_at=t_new)
    assert (later.occupied, later.wards_reporting) == (9, 1)
    submissions_recompute([_ingest(sitrep("RWE-LRI", t_late, counts("LRI-W22", 15, 5)))])
    later.refresh_from_db()
    assert (later.occupied, later.wards_reporting) == (24, 2)
    early = OccupancySnapshot.objects.get(site=site, bed_type="ga_adult", taken_at=t_late)
    assert (early.occupied, early.wards_reporting) == (15, 1)


def test_site_occupancy_history_covers_the_window_from_its_left_edge(estate):
    now = timezone.now()
    for hours, occupied in ((24 * 9, 5), (24 * 8, 6), (24 * 2, 7), (1, 8)):
        at = (now - timedelta(hours=hours)).replace(microsecond=0)
        submissions_recompute([_ingest(sitrep("RWE-LRI", at, counts("LRI-W23", occupied, 1)))])
    site = Site.objects.get(code="RWE-LRI")
    history = site_occupancy_history(site=site, now=now, days=7)
    assert [s.occupied for s in history] == [6, 7, 8]


# The plain definition the one-pass statements are checked against: each ward's latest state at
# or before %(t)s, summed per (site, bed type), one moment at a time.
_AS_AT_SQL = """
SELECT {site_col}, w.bed_type, count(*) AS wards_total, count(s.ward_id) AS wards_reporting,
       coalesce(sum(s.occupied), 0), coalesce(sum(s.vacant), 0),
       coalesce(sum(s.closed), 0), coalesce(sum(s.escalation_open), 0)
FROM beds_ward w
JOIN beds_site si ON si.id = w.site_id
JOIN beds_organisation o ON o.id = si.organisation_id AND o.kind = ANY(%(kinds)s)
LEFT JOIN LATERAL (
    SELECT ws.ward_id, ws.occupied, ws.vacant, ws.closed, ws.escalation_open
    FROM beds_wardstate ws
    WHERE ws.ward_id = w.id AND ws.as_at <= %(t)s
    ORDER BY ws.as_at DESC LIMIT 1
) s ON true
{where}
GROUP BY {group}
"""


def _as_at_rows(cursor, *, t, site_id: int | None) -> list[tuple]:
    if site_id is None:
        sql = _AS_AT_SQL.format(site_col="NULL::bigint", where="", group="w.bed_type")
    else:
        sql = _AS_AT_SQL.format(
            site_col="w.site_id", where="WHERE w.site_id = %(site)s", group="w.site_id, w.bed_type"
        )
    cursor.execute(sql, {"t": t, "site": site_id, "kinds": [str(k) for k in BED_HOLDING_KINDS]})
    return cursor.fetchall()


def test_system_snapshots_at_many_times_equal_the_sum_of_states_in_force_at_each(estate):
    """The one-pass system figures (unchanged wards summed once, changed wards probed) against
    the plain definition: every ward's latest state at or before t, summed by bed type."""
    from apps.beds.services import _sites_rows, _system_rows

    t = hours_ago(6)
    _ingest(sitrep("RWE-GH", t, counts("GH-W15", occupied=20, vacant=8)))  # unchanged later
    _ingest(sitrep("RWE-LRI", t, counts("LRI-W23", 5, 5), counts("LRI-W10", 6, 6)))
    _ingest(sitrep("RWE-LRI", t + timedelta(hours=2), counts("LRI-W23", 9, 1)))
    # Newest state exactly at the first time: changed in the window, not part of the base.
    _ingest(sitrep("RT5-CCH", t + timedelta(hours=1), counts("CCH-W4", 20, 7)), org="RT5")
    # First ever state of LRI-W22 inside the window; a late delivery for LRI-W23 inside it too.
    _ingest(sitrep("RWE-LRI", t + timedelta(hours=4), counts("LRI-W22", 15, 5)))
    _ingest(sitrep("RWE-LRI", t + timedelta(hours=1), counts("LRI-W23", 7, 3)))
    times = [
        t + timedelta(hours=h, minutes=m) for h, m in ((1, 0), (1, 30), (3, 0), (4, 0), (5, 0))
    ]
    with connection.cursor() as cursor:
        many = _system_rows(cursor, times=times)
        for when in times:
            assert sorted(many[when]) == sorted(_as_at_rows(cursor, t=when, site_id=None)), when
        # And each site's figures at many moments, in one query, against one moment at a time.
        sites = list(Site.objects.values_list("pk", flat=True))
        moments = [(site, when) for site in sites for when in times]
        by_time = _sites_rows(cursor, moments=moments)
        for site, when in moments:
            got = sorted(row for row in by_time.get(when, []) if row[0] == site)
            assert got == sorted(_as_at_rows(cursor, t=when, site_id=site)), (site, when)


def test_board_occupancy_from_the_figures_by_bed_type_is_board_occupancy(estate):
    from apps.beds.selectors import board_occupancy_from

    t = hours_ago(1)
    _ingest(worked_example(t))
    _ingest(sitrep("RWE-LRI", hours_ago(0.5), counts("LRI-W10", occupied=12, vacant=0)))
    _ingest(sitrep("RWE-GH", hours_ago(2), counts("GH-W15", occupied=20, vacant=8)))
    _ingest(sitrep("RT5-CCH", hours_ago(3), counts("CCH-W4", occupied=27, vacant=0)), org="RT5")
    now = timezone.now()
    by_type = occupancy_by_bed_type(level="site")
    assert board_occupancy_from(by_type) == board_occupancy(now=now)
    # And with nothing reported at all.
    WardCurrent.objects.all().delete()
    assert board_occupancy_from(occupancy_by_bed_type(level="site")) == board_occupancy(now=now)


def test_wards_and_beds_come_in_natural_order_issue_15(estate):
    """ "Ward 7" before "Ward 43" (not text order), "B2" before "B10"; core beds first."""
    site = Site.objects.create(
        code="RWE-NAT",
        name="Natural",
        organisation_id=Site.objects.get(code="RWE-LRI").organisation_id,
    )
    for code, name in (("NAT-W43", "Ward 43"), ("NAT-W7", "ward 7"), ("NAT-W100", "Ward 100")):
        Ward.objects.create(code=code, name=name, site=site, bed_type="ga_adult", core_beds=3)
    ward = Ward.objects.get(code="NAT-W7")
    for code, escalation in (("B10", False), ("E1", True), ("B2", False), ("B1", False)):
        Bed.objects.create(ward=ward, code=code, escalation=escalation)
    assert [r.ward.name for r in site_wards(site=site)] == ["ward 7", "Ward 43", "Ward 100"]
    assert [b.code for b in site_bed_map(site=site)] == ["B1", "B2", "B10", "E1"]
