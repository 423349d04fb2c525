"""History import, the series builder (own figures, clock changes) and the forecast run."""

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from apps.forecasts.choices import SYSTEM_SCOPE
from apps.forecasts.models import Forecast, HistoryDay
from apps.forecasts.selectors import own_ga_occupied_midday, series_history
from apps.forecasts.services import HistoryError, forecasts_run, history_load
from tests.beds.factories import URL, counts, sitrep

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 30)
HEADER = "site,date,ed_attendances,emergency_admissions,ga_occupied_midday\n"


def history_text(rows: list[str]) -> str:
    return HEADER + "".join(f"{row}\n" for row in rows)


def test_it_imports_good_rows_with_blank_cells_unknown(estate):
    report = history_load(
        text=history_text(["RWE-LRI,2026-11-01,450,120,25", "RWE-GH,2026-11-01,,,30"]), today=TODAY
    )
    assert (report.rows, report.created, report.updated) == (2, 2, 0)
    gh = HistoryDay.objects.get(site__code="RWE-GH")
    assert gh.ed_attendances is None and gh.ga_occupied_midday == 30


def test_a_second_import_of_the_same_file_changes_nothing(estate):
    text = history_text(["RWE-LRI,2026-11-01,450,120,25"])
    history_load(text=text, today=TODAY)
    again = history_load(text=text, today=TODAY)
    assert (again.created, again.updated) == (0, 0)
    # A blank cell is "not known in this file": it never clears what is held; a value corrects.
    blank = history_load(text=history_text(["RWE-LRI,2026-11-01,,121,"]), today=TODAY)
    assert blank.updated == 1
    row = HistoryDay.objects.get()
    assert (row.ed_attendances, row.emergency_admissions, row.ga_occupied_midday) == (450, 121, 25)


def test_bad_rows_are_named_and_nothing_is_written(estate):
    text = history_text(
        [
            "RWE-LRI,2026-11-01,450,120,25",
            "RWE-XXX,2026-11-02,1,1,1",
            "RWE-LRI,2026-13-01,1,1,1",
            "RWE-LRI,2026-11-03,-4,1,1",
            "RWE-LRI,2026-11-30,1,1,1",
            "RWE-LRI,2026-11-01,1,1,1",
            "RWE-LRI,2026-11-04,1,1",
        ]
    )
    with pytest.raises(HistoryError) as caught:
        history_load(text=text, today=TODAY)
    assert caught.value.errors == [
        "line 3 (RWE-XXX 2026-11-02): site: unknown site 'RWE-XXX'",
        "line 4 (RWE-LRI 2026-13-01): date: '2026-13-01' is not a date YYYY-MM-DD",
        "line 5 (RWE-LRI 2026-11-03): ed_attendances: '-4' is not a whole number ≥ 0",
        "line 6 (RWE-LRI 2026-11-30): date: 2026-11-30 is not a complete past day",
        "line 7 (RWE-LRI 2026-11-01): the same site and date as line 2",
        "line 8: 4 cells, expected 5",
    ]
    assert not HistoryDay.objects.exists()


def test_the_command_names_the_bad_row_and_writes_nothing(estate, tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(history_text(["RWE-LRI,2020-01-01,1,1,1", "RWE-LRI,2020-01-02,x,1,1"]))
    with pytest.raises(CommandError, match=r"line 3 \(RWE-LRI 2020-01-02\): ed_attendances"):
        call_command("load_history", str(path))
    assert not HistoryDay.objects.exists()
    path.write_text(history_text(["RWE-LRI,2020-01-01,1,1,1"]))
    out = StringIO()
    call_command("load_history", str(path), stdout=out)
    assert out.getvalue().strip() == "1 rows: 1 days added, 0 updated."


def test_a_wrong_header_is_refused(estate):
    with pytest.raises(HistoryError, match="line 1: the header must be"):
        history_load(text="site,day,ed\nRWE-LRI,2026-01-01,1\n", today=TODAY)


def post_w23(client, as_at: datetime, occupied: int) -> None:
    body = sitrep("RWE-LRI", as_at, counts("LRI-W23", occupied=occupied, vacant=10 - occupied))
    response = client.post(URL, body, format="json")
    assert response.status_code == 201, response.json()


def test_midday_occupancy_uses_the_state_in_force_at_local_noon_across_clock_changes(key_client):
    rwe = key_client("RWE")
    # Saturday 28 March 2026 (GMT): noon is 12:00 UTC.
    post_w23(rwe, datetime(2026, 3, 28, 11, 30, tzinfo=UTC), 6)
    post_w23(rwe, datetime(2026, 3, 28, 12, 30, tzinfo=UTC), 7)
    # Sunday 29 March (clocks forward, BST): noon is 11:00 UTC.
    post_w23(rwe, datetime(2026, 3, 29, 10, 30, tzinfo=UTC), 5)
    post_w23(rwe, datetime(2026, 3, 29, 11, 30, tzinfo=UTC), 9)
    # Sunday 25 October (clocks back, GMT again): noon is 12:00 UTC.
    post_w23(rwe, datetime(2026, 10, 25, 11, 30, tzinfo=UTC), 3)
    post_w23(rwe, datetime(2026, 10, 25, 12, 30, tzinfo=UTC), 8)
    got = own_ga_occupied_midday(start=date(2026, 3, 27), end=date(2026, 10, 26))["RWE-LRI"]
    assert got[date(2026, 3, 28)] == 6
    assert got[date(2026, 3, 29)] == 5
    assert got[date(2026, 3, 30)] == 9  # the last state held in force until the next
    assert got[date(2026, 10, 25)] == 3
    assert got[date(2026, 10, 26)] == 8
    assert date(2026, 3, 27) not in got  # no state in force yet: missing, not 0


def test_own_figures_win_and_the_system_sums_sites_with_a_value(key_client):
    rwe = key_client("RWE")
    history_load(
        text=history_text(
            ["RWE-LRI,2026-11-27,,,40", "RWE-LRI,2026-11-28,,,41", "RWE-GH,2026-11-28,,,20"]
        ),
        today=TODAY,
    )
    post_w23(rwe, datetime(2026, 11, 28, 9, 0, tzinfo=UTC), 4)
    history = series_history(today=TODAY)["ga_occupied_midday"]
    assert history["RWE-LRI"][date(2026, 11, 27)] == 40  # imported: no state in force yet
    assert history["RWE-LRI"][date(2026, 11, 28)] == 4  # its own figure wins
    assert history["RWE-LRI"][date(2026, 11, 29)] == 4
    assert history[SYSTEM_SCOPE][date(2026, 11, 28)] == 24
    assert history[SYSTEM_SCOPE][date(2026, 11, 29)] == 4  # GH has no value that day
    assert TODAY not in history["RWE-LRI"]  # today is not a complete day


def test_the_run_stores_every_scope_and_says_why_when_history_is_short(estate):
    rows = [f"RWE-LRI,{TODAY - timedelta(days=i)},{400 + (i % 7) * 10},," for i in range(1, 120)]
    rows += [f"RWE-GH,{TODAY - timedelta(days=i)},50,," for i in range(1, 20)]
    history_load(text=history_text(rows), today=TODAY)
    report = forecasts_run(now=datetime(2026, 11, 30, 2, 0, tzinfo=UTC))
    assert (report.forecasts, report.with_days) == (3, 2)
    lri = Forecast.objects.get(scope="RWE-LRI", series="ed_attendances")
    assert len(lri.days) == 14 and lri.days[0]["date"] == "2026-12-01"
    # 119 days from today − 119: 56 days precede today − 63 first → origins − 63 … − 14.
    assert lri.backtest["origins"] == 50 and lri.history_days == 119
    gh = Forecast.objects.get(scope="RWE-GH", series="ed_attendances")
    assert gh.days == [] and gh.reason.startswith("Too little history: 19 days")
    assert Forecast.objects.get(scope=SYSTEM_SCOPE).history_days == 119
    # A second run replaces, never duplicates.
    forecasts_run(now=datetime(2026, 11, 30, 2, 0, tzinfo=UTC))
    assert Forecast.objects.count() == 3


def test_the_nightly_task_fits_every_scope_in_chunks(estate, settings, fitted_once):
    from apps.forecasts import tasks

    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.SCC_FORECAST_CHAINS = 2
    today = timezone.localdate()
    rows = [f"RWE-LRI,{today - timedelta(days=i)},{400 + (i % 7) * 10},," for i in range(1, 70)]
    rows += [f"RWE-GH,{today - timedelta(days=i)},{90 + i % 7},," for i in range(1, 70)]
    history_load(text=history_text(rows), today=today)
    tasks.SCOPES_PER_TASK, saved = 1, tasks.SCOPES_PER_TASK
    try:
        assert tasks.run_forecasts.apply().get() == 3  # RWE-GH, RWE-LRI, system
    finally:
        tasks.SCOPES_PER_TASK = saved
    stored = set(Forecast.objects.values_list("scope", "series"))
    assert stored == {
        ("RWE-GH", "ed_attendances"),
        ("RWE-LRI", "ed_attendances"),
        (SYSTEM_SCOPE, "ed_attendances"),
    }
    assert all(len(f.days) == 14 for f in Forecast.objects.all())
