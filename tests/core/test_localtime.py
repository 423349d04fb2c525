"""The one local-time module: Europe/London days, both 2026 clock changes."""

from datetime import UTC, date, datetime, timedelta

from apps.core.localtime import (
    LOCAL_TZ,
    local_date,
    local_day_bounds,
    local_day_end,
    local_day_start,
    local_midnight,
    local_time,
    local_today,
)


def test_the_day_clocks_go_forward_is_23_hours():
    start, end = local_day_bounds(date(2026, 3, 29))
    assert start == datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 29, 23, 0, tzinfo=UTC)
    assert end - start == timedelta(hours=23)


def test_the_day_clocks_go_back_is_25_hours():
    start, end = local_day_bounds(date(2026, 10, 25))
    assert start == datetime(2026, 10, 24, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 10, 26, 0, 0, tzinfo=UTC)
    assert end - start == timedelta(hours=25)


def test_an_ordinary_summer_day_runs_from_2300_utc():
    start, end = local_day_bounds(date(2026, 7, 1))
    assert (start, end - start) == (datetime(2026, 6, 30, 23, 0, tzinfo=UTC), timedelta(days=1))


def test_it_dates_an_arrival_by_its_local_day():
    assert local_date(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == date(2026, 7, 2)
    assert local_date(datetime(2026, 10, 25, 23, 30, tzinfo=UTC)) == date(2026, 10, 25)


def test_a_moment_is_dated_by_its_local_day_across_both_clock_changes():
    # 29 March 2026: 00:59 UTC is 00:59 GMT, 01:00 UTC is 02:00 BST, both the 29th.
    assert local_date(datetime(2026, 3, 29, 0, 59, tzinfo=UTC)) == date(2026, 3, 29)
    assert local_date(datetime(2026, 3, 29, 1, 0, tzinfo=UTC)) == date(2026, 3, 29)
    assert local_date(datetime(2026, 3, 28, 23, 59, tzinfo=UTC)) == date(2026, 3, 28)
    assert local_date(datetime(2026, 3, 29, 23, 0, tzinfo=UTC)) == date(2026, 3, 30)  # 00:00 BST
    # 25 October 2026: 23:00 UTC on the 24th is 00:00 BST on the 25th; the day ends 00:00 UTC.
    assert local_date(datetime(2026, 10, 24, 22, 59, tzinfo=UTC)) == date(2026, 10, 24)
    assert local_date(datetime(2026, 10, 24, 23, 0, tzinfo=UTC)) == date(2026, 10, 25)
    assert local_date(datetime(2026, 10, 25, 23, 59, tzinfo=UTC)) == date(2026, 10, 25)
    assert local_date(datetime(2026, 10, 26, 0, 0, tzinfo=UTC)) == date(2026, 10, 26)


def test_today_is_the_local_date_of_now():
    assert local_today(datetime(2026, 3, 29, 23, 30, tzinfo=UTC)) == date(2026, 3, 30)
    assert local_today(datetime(2026, 12, 1, 23, 30, tzinfo=UTC)) == date(2026, 12, 1)


def test_day_start_and_end_are_the_bounds_and_the_next_day_starts_where_one_ends():
    for day in (date(2026, 3, 28), date(2026, 3, 29), date(2026, 10, 25), date(2026, 12, 31)):
        start, end = local_day_bounds(day)
        assert (local_day_start(day), local_day_end(day)) == (start, end)
        assert local_day_start(day + timedelta(days=1)) == end
        assert start.tzinfo == UTC and end.tzinfo == UTC


def test_local_midnight_and_local_time_keep_the_instant():
    assert local_midnight(date(2026, 10, 25)) == datetime(2026, 10, 24, 23, 0, tzinfo=UTC)
    assert local_midnight(date(2026, 10, 26)) == datetime(2026, 10, 26, 0, 0, tzinfo=UTC)
    assert local_midnight(date(2026, 3, 30)).tzinfo is LOCAL_TZ
    moment = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert local_time(moment) == moment
    assert (local_time(moment).hour, local_time(moment).minute) == (2, 30)  # BST
