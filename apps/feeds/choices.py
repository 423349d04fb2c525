from django.db import models


class FeedFormat(models.TextChoices):
    JSON = "json", "JSON (the body of the matching POST)"
    CSV = "csv", "CSV (DOMAIN.md formats)"
