from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from apps.beds.models import Organisation
from apps.feeds.choices import FeedFormat
from apps.feeds.models import MIN_EVERY_S, Feed
from apps.feeds.rules import header_parse
from apps.feeds.services import feed_create
from apps.sitreps.choices import SitrepKind
from apps.sitreps.registry import handlers


class Command(BaseCommand):
    help = (
        "Register a feed that Celery pulls on a schedule; prints the feed id. "
        "The document has the shape of the matching POST body (CSV: DOMAIN.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("org_code")
        parser.add_argument("kind", help=" | ".join(SitrepKind.values))
        parser.add_argument("url", help="http:// or https://")
        parser.add_argument("--format", required=True, choices=FeedFormat.values)
        parser.add_argument(
            "--every", type=int, default=300, help=f"seconds between pulls (≥ {MIN_EVERY_S})"
        )
        parser.add_argument(
            "--header",
            action="append",
            default=[],
            help="extra request header 'Name: value' (repeatable), e.g. an auth token",
        )

    def handle(self, *args, org_code, kind, url, format, every, header, **options):
        try:
            organisation = Organisation.objects.get(code=org_code)
        except Organisation.DoesNotExist:
            raise CommandError(f"No organisation with code {org_code!r}.") from None
        if kind not in SitrepKind.values:
            raise CommandError(f"Unknown kind {kind!r}: use one of {', '.join(SitrepKind.values)}.")
        if every < MIN_EVERY_S:
            raise CommandError(f"--every must be at least {MIN_EVERY_S} seconds.")
        headers = {}
        for text in header:
            try:
                name, value = header_parse(text)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            headers[name] = value
        handler = handlers().get(kind)
        if handler is not None and not handler.allowed(organisation):
            raise CommandError(f"{organisation.code} may not send {kind} sitreps.")
        existing = Feed.objects.filter(organisation=organisation, kind=kind, url=url).first()
        if existing is not None:
            raise CommandError(f"This feed is already registered as feed {existing.pk}.")
        try:
            feed = feed_create(
                organisation=organisation,
                kind=kind,
                url=url,
                format=format,
                every_s=every,
                headers=headers,
            )
        except ValidationError as exc:
            raise CommandError(_message(exc)) from None
        except IntegrityError:
            raise CommandError("This feed was registered at the same moment.") from None
        self.stdout.write(str(feed.pk))


def _message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)
