from datetime import UTC, datetime, timedelta

import pytest

from apps.feeds.rules import (
    errors_summary,
    feed_is_stale,
    header_parse,
    headers_masked,
    pull_delay,
    url_check,
    url_for_display,
)

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
CREATED = NOW - timedelta(days=3)


def _stale(last_success_at, *, every_s=300, created_at=CREATED, enabled=True) -> bool:
    return feed_is_stale(
        every_s=every_s,
        last_success_at=last_success_at,
        created_at=created_at,
        now=NOW,
        enabled=enabled,
    )


def test_it_is_fresh_up_to_two_intervals_and_a_minute_after_a_success():
    assert not _stale(NOW - timedelta(seconds=660))
    assert _stale(NOW - timedelta(seconds=661))
    assert not _stale(NOW - timedelta(seconds=120), every_s=30)
    assert _stale(NOW - timedelta(seconds=121), every_s=30)


def test_a_feed_that_never_succeeded_counts_from_its_creation():
    assert not _stale(None, created_at=NOW - timedelta(seconds=600))
    assert _stale(None, created_at=NOW - timedelta(seconds=661))


def test_a_disabled_feed_is_never_stale():
    assert not _stale(None, enabled=False)


def test_the_pull_delay_doubles_per_failure_after_the_first_up_to_the_cap():
    delays = [
        pull_delay(every_s=300, consecutive_failures=n, cap_s=3600).total_seconds()
        for n in range(7)
    ]
    assert delays == [300, 300, 600, 1200, 2400, 3600, 3600]


def test_the_cap_never_makes_a_pull_more_frequent_than_its_interval():
    assert pull_delay(every_s=7200, consecutive_failures=4, cap_s=3600) == timedelta(hours=2)
    assert pull_delay(every_s=60, consecutive_failures=500, cap_s=3600) == timedelta(hours=1)


def test_a_header_is_name_colon_value():
    assert header_parse("Authorization: Bearer abc:def") == ("Authorization", "Bearer abc:def")
    assert header_parse("X-Token:t") == ("X-Token", "t")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Authorization Bearer abc", "is not of the form 'Name: value'"),
        (": value", "is not of the form 'Name: value'"),
        ("Bad Name: v", "'Bad Name' is not a valid header name"),
        ("X-Token:", "needs a one-line, non-empty text value"),
    ],
)
def test_a_malformed_header_says_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        header_parse(text)


def test_header_values_and_url_passwords_are_masked():
    assert headers_masked({"Authorization": "Bearer abc"}) == {"Authorization": "••••"}
    assert url_for_display("https://feed:pw@example.org:8443/x.csv?a=1") == (
        "https://feed:••••@example.org:8443/x.csv?a=1"
    )
    assert url_for_display("https://example.org/x.csv") == "https://example.org/x.csv"


def test_the_error_summary_names_each_item_and_its_csv_row():
    errors = {
        "wards": [
            {},
            {"beds": [{}, {"status": ['"busy" is not a valid choice.']}]},
        ],
        "as_at": ["Give the time with an offset."],
    }
    rows = {("as_at",): 2, ("wards", 1): 4, ("wards", 1, "beds", 1): 5}

    assert errors_summary(errors, status=400, rows=rows) == (
        'Rejected (HTTP 400): row 5 (wards.1.beds.1.status): "busy" is not a valid choice.; '
        "row 2 (as_at): Give the time with an offset."
    )
    assert errors_summary(errors, status=400) == (
        'Rejected (HTTP 400): wards.1.beds.1.status: "busy" is not a valid choice.; '
        "as_at: Give the time with an offset."
    )


def test_the_error_summary_keeps_to_a_few_items():
    errors = {"handovers": {str(i): {"site": ["Unknown site."]} for i in range(8)}}

    summary = errors_summary(errors, status=400, limit=2)

    assert summary == (
        "Rejected (HTTP 400): handovers.0.site: Unknown site.; handovers.1.site: Unknown site.; "
        "(+6 more)"
    )


def test_a_detail_is_summarised_as_it_is():
    assert errors_summary({"detail": "Nope."}, status=403) == "Rejected (HTTP 403): Nope."
    assert errors_summary({"non_field_errors": ["Bad."]}, status=400) == (
        "Rejected (HTTP 400): Bad."
    )


def test_any_http_or_https_url_with_a_host_is_a_feed_url():
    for url in (
        "https://bedsys.example.nhs.uk/lri.csv",
        "http://feedsim:8001/x",
        "HTTP://10.0.0.2/",
    ):
        url_check(url)


@pytest.mark.parametrize(
    "url", ["ftp://a.example/x", "file:///etc/passwd", "https:///x", "http://a:b:c/", "a b", ""]
)
def test_other_urls_are_refused(url):
    with pytest.raises(ValueError):
        url_check(url)
