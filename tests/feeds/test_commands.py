import re

import pytest
from django.core.management import CommandError, call_command

from apps.feeds.models import Feed

pytestmark = pytest.mark.django_db


def test_add_feed_registers_a_feed_and_prints_its_id(estate, capsys):
    call_command(
        "add_feed",
        "RWE",
        "beds",
        "https://bedsys.example.nhs.uk/lri.csv",
        "--format",
        "csv",
        "--every",
        "60",
        "--header",
        "Authorization: Bearer abc",
        "--header",
        "X-Site: LRI",
    )

    feed = Feed.objects.get()
    assert capsys.readouterr().out.strip() == str(feed.pk)
    assert (feed.organisation.code, feed.kind, feed.format, feed.every_s) == (
        "RWE",
        "beds",
        "csv",
        60,
    )
    assert feed.url == "https://bedsys.example.nhs.uk/lri.csv" and feed.enabled
    assert feed.headers == {"Authorization": "Bearer abc", "X-Site": "LRI"}


def test_add_feed_pulls_every_five_minutes_by_default(estate):
    call_command(
        "add_feed", "RT5", "virtual_wards", "http://vw.local/census.json", "--format", "json"
    )
    assert Feed.objects.get().every_s == 300


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["XXX", "beds", "https://a.example/x", "--format", "csv"],
            "No organisation with code 'XXX'",
        ),
        (
            ["RWE", "bedz", "https://a.example/x", "--format", "csv"],
            "Unknown kind 'bedz': use one of",
        ),
        (
            ["RWE", "beds", "ftp://a.example/x", "--format", "csv"],
            "url: Only http:// and https:// feeds can be pulled, not 'ftp'.",
        ),
        (
            ["RWE", "beds", "file:///etc/passwd", "--format", "csv"],
            "url: Only http:// and https:// feeds can be pulled, not 'file'.",
        ),
        (
            ["RWE", "beds", "not a url", "--format", "csv"],
            "url: Give an http:// or https:// URL without spaces.",
        ),
        (
            ["RWE", "beds", "https:///x.csv", "--format", "csv"],
            "url: 'https:///x.csv' names no host.",
        ),
        (
            ["RWE", "beds", "http://a.example:port/x", "--format", "csv"],
            "url: 'http://a.example:port/x' is not a valid URL.",
        ),
        (["RWE", "beds", "https://a.example/x", "--format", "xml"], "invalid choice: 'xml'"),
        (["RWE", "beds", "https://a.example/x"], "the following arguments are required: --format"),
        (
            ["RWE", "beds", "https://a.example/x", "--format", "csv", "--every", "10"],
            "--every must be at least 30 seconds.",
        ),
        (
            ["RWE", "beds", "https://a.example/x", "--format", "csv", "--header", "Token abc"],
            "Header 'Token abc' is not of the form 'Name: value'.",
        ),
    ],
)
def test_add_feed_refuses_clearly(estate, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("add_feed", *args)
    assert not Feed.objects.exists()


def test_add_feed_refuses_the_same_feed_twice(estate, capsys):
    args = ["RWE", "beds", "https://a.example/x", "--format", "csv"]
    call_command("add_feed", *args)
    first = capsys.readouterr().out.strip()

    with pytest.raises(CommandError, match=f"already registered as feed {first}"):
        call_command("add_feed", *args)


def test_add_feed_refuses_a_kind_the_organisation_may_not_send(estate, handlers):
    with pytest.raises(CommandError, match=r"RX9 may not send beds sitreps\."):
        call_command("add_feed", "RX9", "beds", "https://a.example/x", "--format", "csv")
