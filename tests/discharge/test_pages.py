import csv
import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from apps.accounts.choices import AuditAction
from apps.accounts.models import AuditEvent
from apps.core.localtime import local_date
from apps.discharge.rules import Patient

from .factories import SEED_AS_AT, SEED_DAY, post_list, seed_patients

pytestmark = pytest.mark.django_db

HEADER = (
    "organisation,name,total,planned_today,future_plan,awaiting_outcome,"
    "P0,P1,P2,P3,lost_discharges,days_7_plus,days_21_plus"
)


@pytest.fixture
def seed(estate):
    for code in ("OOA", "RT5", "RWE"):
        post_list(code, SEED_AS_AT, seed_patients(code))


def test_the_csv_export_is_the_daily_return(manager_client, seed):
    response = manager_client.get("/exports/s1/2023-04-26.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 's1-2023-04-26.csv"' in response["Content-Disposition"]
    text = response.content.decode()
    assert text.splitlines()[0] == HEADER
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["organisation"] for r in rows] == ["OOA", "RT5", "RWE", "TOTAL"]
    got = {
        r["organisation"]: tuple(
            int(r[k]) for k in ("total", "planned_today", "future_plan", "awaiting_outcome")
        )
        for r in rows
    }
    assert got["RWE"] == (140, 21, 3, 116) and got["TOTAL"] == (192, 27, 6, 159)
    assert sum(int(rows[-1][p]) for p in ("P0", "P1", "P2", "P3")) == 192
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.user == manager_client.user
    assert event.detail == {"what": "s1_csv", "date": "2023-04-26"}


def test_the_xlsx_export_reads_back(admin_client, seed):
    response = admin_client.get("/exports/s1/2023-04-26.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert "26.04.2023" in sheet["A1"].value
    assert sheet["A2"].value.startswith("Not yet frozen: the day is over")
    assert sheet.freeze_panes == "C4"
    header = [c.value for c in sheet[3]]
    assert header[:6] == [
        "Organisation",
        "Name",
        "Total MOFD",
        "Planned discharge today",
        "Future plan",
        "Awaiting outcome",
    ]
    assert header[-2:] == ["Lists that day", "Late lists"]
    assert all(c.font.bold for c in sheet[3])
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert [r[0] for r in rows] == ["OOA", "RT5", "RWE", "TOTAL"]
    assert rows[-1][2:6] == [192, 27, 6, 159]
    assert rows[-1][-2:] == [3, 0]
    assert all(c.font.bold for c in sheet[sheet.max_row])
    assert sheet.column_dimensions["B"].width >= 30
    assert AuditEvent.objects.get(action=AuditAction.EXPORT).detail["what"] == "s1_xlsx"


@pytest.mark.parametrize(
    "path", ["/exports/s1/2023-04-26.csv", "/exports/s1/2023-04-26.xlsx", "/s1/2023-04-26/"]
)
def test_exports_are_refused_to_scc_staff_and_not_audited(scc_client, estate, path):
    assert scc_client.get(path).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize(
    "path", ["/exports/s1/2023-04-26.csv", "/exports/s1/2023-04-26.xlsx", "/s1/2023-04-26/"]
)
def test_anonymous_exports_redirect_to_login(client, estate, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_impossible_date_is_404(manager_client, estate):
    assert manager_client.get("/exports/s1/2026-02-30.csv").status_code == 404


@pytest.mark.parametrize("day", ["0001-01-01", "0001-01-02", "1999-12-31"])
def test_a_day_before_any_list_can_exist_is_404_not_a_500(manager_client, estate, day):
    # Year 1 overflowed the date arithmetic (the day before, 7 and 21 days before): 500s.
    for url in (f"/s1/{day}/", f"/exports/s1/{day}.csv", f"/exports/s1/{day}.xlsx"):
        response = manager_client.get(url)
        assert response.status_code == 404, url
    api = manager_client.get("/api/v1/s1/", {"date": day})
    assert api.status_code == 404 and "2000-01-01" in api.json()["detail"]


def test_the_first_s1_day_has_no_previous_link(manager_client, estate):
    html = manager_client.get("/s1/2000-01-01/").content.decode()
    assert 'id="s1-previous"' not in html and "s1-next" in html
    assert 'id="s1-previous"' in manager_client.get("/s1/2000-01-02/").content.decode()


def test_the_printable_s1_is_a4_landscape(manager_client, seed):
    response = manager_client.get("/s1/2023-04-26/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "@media print" in html and "size: A4 landscape" in html
    assert '<td class="num">192</td>' in html and "University Hospitals of Leicester" in html
    assert 'href="/exports/s1/2023-04-26.csv"' in html
    assert AuditEvent.objects.get(action=AuditAction.EXPORT).detail["what"] == "s1_page"


def test_the_exports_use_the_frozen_figures_of_a_past_day(manager_client, seed):
    from apps.discharge.services import s1_freeze

    s1_freeze(day=SEED_DAY, now=timezone.now())
    post_list("RWE", SEED_AS_AT + timedelta(hours=2), [])  # later that day: not in the frozen S1
    rows = list(
        csv.DictReader(
            io.StringIO(manager_client.get("/exports/s1/2023-04-26.csv").content.decode())
        )
    )
    assert rows[-1]["total"] == "192"


# --------------------------------------------------------------------------- /discharge/
@pytest.fixture
def patients(estate):
    today = local_date(timezone.now())
    post_list(
        "RWE",
        timezone.now() - timedelta(minutes=5),
        [
            Patient("NEW", today - timedelta(days=2), "P1", today),
            Patient("LONG", today - timedelta(days=30), "P3", None),
            Patient("MID", today - timedelta(days=9), "P1", today + timedelta(days=1)),
        ],
        now=timezone.now(),
    )
    from apps.discharge.models import MofdPatient

    MofdPatient.objects.filter(ref="LONG").update(nhs_number="9434765919")
    return today


def test_the_patients_page_lists_longest_mofd_first(scc_client, patients):
    html = scc_client.get("/discharge/").content.decode()
    assert html.index("LONG") < html.index("MID") < html.index("NEW")
    assert "3 patients" in html


def test_nhs_numbers_are_masked_for_scc_and_shown_to_managers(scc_client, manager_client, patients):
    scc = scc_client.get("/discharge/").content.decode()
    assert "943 *** **19" in scc and "476 5919" not in scc
    assert "943 476 5919" in manager_client.get("/discharge/").content.decode()


@pytest.mark.parametrize(
    ("query", "refs"),
    [
        ({"pathway": "P1"}, {"NEW", "MID"}),
        ({"plan": "planned_today"}, {"NEW"}),
        ({"plan": "future_plan"}, {"MID"}),
        ({"plan": "awaiting_outcome"}, {"LONG"}),
        ({"min_days": "7"}, {"LONG", "MID"}),
        ({"organisation": "RT5"}, set()),
        ({"organisation": "RWE", "pathway": "P3", "min_days": "21"}, {"LONG"}),
    ],
)
def test_the_patients_page_filters_without_js(scc_client, patients, query, refs):
    response = scc_client.get("/discharge/", query)
    shown = {p.ref for p in [r["patient"] for r in response.context["rows"]]}
    assert shown == refs


def test_the_patients_page_paginates(scc_client, estate):
    today = local_date(timezone.now())
    post_list(
        "RWE",
        timezone.now() - timedelta(minutes=5),
        [Patient(f"P{i:03d}", today - timedelta(days=i % 50), "P0") for i in range(120)],
        now=timezone.now(),
    )
    first = scc_client.get("/discharge/")
    assert len(first.context["rows"]) == 50 and "Page 1 of 3" in first.content.decode()
    last = scc_client.get("/discharge/", {"pathway": "P0", "page": 3})
    assert len(last.context["rows"]) == 20
    assert "pathway=P0&amp;page=2" in last.content.decode()


def test_a_bad_filter_shows_the_error_and_all_patients(scc_client, patients):
    response = scc_client.get("/discharge/", {"min_days": "-3"})
    assert response.status_code == 200 and len(response.context["rows"]) == 3
    assert "error" in response.content.decode()


def test_the_patients_page_query_count_does_not_grow_with_rows(scc_client, estate, day_clock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = local_date(timezone.now())

    def count(n, minutes_ago):
        post_list(
            "RWE",
            timezone.now() - timedelta(minutes=minutes_ago),
            [Patient(f"Q{i}", today - timedelta(days=i), "P0") for i in range(n)],
            now=timezone.now(),
        )
        with CaptureQueriesContext(connection) as queries:
            assert len(scc_client.get("/discharge/").context["rows"]) == n
        return len(queries)

    assert count(2, minutes_ago=10) == count(30, minutes_ago=5)


def test_hostile_names_are_escaped_on_the_s1_page(manager_client, estate):
    from apps.beds.models import Organisation

    Organisation.objects.filter(code="RWE").update(name="<script>x</script>")
    html = manager_client.get(f"/s1/{date(2026, 1, 1).isoformat()}/").content.decode()
    assert "<script>x</script>" not in html


def _refs(response) -> list[str]:
    return [r["patient"].ref for r in response.context["rows"]]


def test_the_patients_page_filters_by_site(scc_client, patients):
    from apps.beds.models import Site
    from apps.discharge.models import MofdPatient

    MofdPatient.objects.filter(ref="MID").update(site=Site.objects.get(code="RWE-GH"))
    assert _refs(scc_client.get("/discharge/", {"site": "RWE-GH"})) == ["MID"]
    assert set(_refs(scc_client.get("/discharge/", {"site": "RWE-LRI"}))) == {"LONG", "NEW"}
    assert _refs(scc_client.get("/discharge/", {"site": "RT5-CCH"})) == []


@pytest.mark.parametrize(
    ("sort", "refs"),
    [
        ("days", ["LONG", "MID", "NEW"]),
        ("days_shortest", ["NEW", "MID", "LONG"]),
        ("pathway", ["MID", "NEW", "LONG"]),  # P1 (longest first), then P3
        ("plan", ["NEW", "MID", "LONG"]),  # planned today, future plan, awaiting outcome
    ],
)
def test_the_patients_page_sorts_by_days_pathway_and_plan(scc_client, patients, sort, refs):
    assert _refs(scc_client.get("/discharge/", {"sort": sort})) == refs


def test_the_column_headings_sort_and_keep_the_filters(scc_client, patients):
    html = scc_client.get("/discharge/", {"pathway": "P1", "sort": "days"}).content.decode()
    assert 'href="?pathway=P1&amp;sort=days_shortest"' in html  # days again: the other way
    assert 'href="?pathway=P1&amp;sort=plan"' in html
    assert 'aria-sort="descending"' in html


def test_each_patient_links_to_the_site_and_ward(scc_client, estate):
    from apps.discharge.models import MofdPatient

    today = local_date(timezone.now())
    post_list("RWE", timezone.now() - timedelta(minutes=5), [Patient("W", today, "P1")])
    from apps.beds.models import Ward

    ward = Ward.objects.get(code="LRI-W22")
    MofdPatient.objects.update(ward=ward)
    html = scc_client.get("/discharge/").content.decode()
    assert 'href="/sites/RWE-LRI/"' in html and 'href="/sites/RWE-LRI/wards/LRI-W22/"' in html


# --------------------------------------------------------------------------- S1 by day
def test_s1_redirects_to_today_and_the_picker_to_the_day(manager_client, estate):
    today = local_date(timezone.now())
    response = manager_client.get("/s1/")
    assert response.status_code == 302 and response["Location"] == f"/s1/{today.isoformat()}/"
    picked = manager_client.get("/s1/", {"date": "2026-02-03"})
    assert picked["Location"] == "/s1/2026-02-03/"


@pytest.mark.parametrize("garbage", ["garbage", "2026-02-30", "03/02/2026"])
def test_a_malformed_picked_day_is_400_naming_it_not_today(manager_client, estate, garbage):
    response = manager_client.get("/s1/", {"date": garbage})
    assert response.status_code == 400
    assert garbage in response.content.decode() and "YYYY-MM-DD" in response.content.decode()


def test_the_s1_page_links_the_days_around_it_and_says_what_it_is(manager_client, estate):
    today = local_date(timezone.now())
    html = manager_client.get(f"/s1/{today.isoformat()}/").content.decode()
    yesterday = today - timedelta(days=1)
    assert f'href="/s1/{yesterday.isoformat()}/"' in html and 'id="s1-next"' not in html
    assert 'data-state="live"' in html and 'type="date"' in html
    assert f'max="{today.isoformat()}"' in html
    html = manager_client.get(f"/s1/{yesterday.isoformat()}/").content.decode()
    assert f'id="s1-next" href="/s1/{today.isoformat()}/"' in html
    assert 'data-state="not_frozen"' in html and "Not yet frozen" in html


@pytest.mark.parametrize("path", ["/s1/{}/", "/exports/s1/{}.csv", "/exports/s1/{}.xlsx"])
def test_a_day_after_today_has_no_s1(manager_client, estate, path):
    tomorrow = local_date(timezone.now()) + timedelta(days=1)
    assert manager_client.get(path.format(tomorrow.isoformat())).status_code == 404
    assert manager_client.get(path.format("2099-01-01")).status_code == 404


def test_a_day_without_lists_says_no_list_received(manager_client, seed):
    from apps.discharge.services import s1_freeze

    s1_freeze(day=SEED_DAY, now=timezone.now())
    html = manager_client.get("/s1/2023-04-20/").content.decode()  # before any list
    assert html.count("No list received.") == 4  # each organisation and the total
    assert 'data-state="not_frozen"' in html
    html = manager_client.get("/s1/2023-04-26/").content.decode()
    assert "No list received" not in html and 'data-state="frozen"' in html
    # A late list for the frozen day.
    post_list("RWE", SEED_AS_AT + timedelta(hours=3), [], now=timezone.now())
    html = manager_client.get("/s1/2023-04-26/").content.decode()
    assert "1 late list received after the freeze, not included." in html
    book = load_workbook(io.BytesIO(manager_client.get("/exports/s1/2023-04-26.xlsx").content))
    assert book.active["A2"].value.startswith("Frozen at ")
    assert "1 late list(s)" in book.active["A2"].value


def test_s1_exports_carry_hostile_organisation_names_as_text(manager_client, seed):
    from apps.beds.models import Organisation

    hostile = {
        "OOA": '=HYPERLINK("http://127.0.0.1:9/x","Click here")',
        "RT5": "@SUM(1+1)",
        "RWE": "\tTab",
    }
    for code, name in hostile.items():
        Organisation.objects.filter(code=code).update(name=name)
    text = manager_client.get("/exports/s1/2023-04-26.csv").content.decode()
    rows = {r["organisation"]: r["name"] for r in csv.DictReader(io.StringIO(text))}
    assert rows == {**{code: "'" + name for code, name in hostile.items()}, "TOTAL": "Total"}
    body = manager_client.get("/exports/s1/2023-04-26.xlsx").content
    import zipfile

    assert "<f>" not in zipfile.ZipFile(io.BytesIO(body)).read("xl/worksheets/sheet1.xml").decode()
    sheet = load_workbook(io.BytesIO(body)).active
    names = {row[0].value: row[1] for row in sheet.iter_rows(min_row=4)}
    for code, name in hostile.items():
        assert names[code].value == name and names[code].data_type == "s"


def test_the_patients_page_shows_todays_timeliness_and_the_trend(scc_client, estate, day_clock):
    now = day_clock
    today = local_date(now)
    post_list(
        "RWE",
        now - timedelta(minutes=30),
        [Patient("T1", today - timedelta(days=1), "P1")],
        now=now,
    )
    post_list(
        "RWE",
        now - timedelta(minutes=10),
        [],
        discharged=[{"ref": "T1", "discharged_at": (now - timedelta(minutes=20)).isoformat()}],
        now=now,
    )
    html = scc_client.get("/discharge/").content.decode()
    assert "Discharge timeliness" in html
    section = html[html.index('id="timeliness"') :]
    assert section.count("<svg") == 3
    assert "90% target" in section and "85% target" in section and "65% target" in section
    assert "100.0%" in section  # P1 within 1 day: 1 of 1
