from django.db import models


class SitrepKind(models.TextChoices):
    BEDS = "beds", "Bed state"
    HANDOVERS = "handovers", "Ambulance handovers"
    DISCHARGE = "discharge", "Discharge (MOFD list)"
    VIRTUAL_WARDS = "virtual_wards", "Virtual-ward census"
    EMERGENCY = "emergency", "ED attendances"
    INCIDENTS = "incidents", "Ambulance incidents (ARP response)"
    REAP = "reap", "Ambulance REAP level"


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class Source(models.TextChoices):
    API = "api", "API"
    FEED = "feed", "Pulled feed"
