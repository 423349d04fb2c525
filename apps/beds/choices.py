from django.db import models


class OrganisationKind(models.TextChoices):
    ACUTE = "acute", "Acute trust"
    COMMUNITY = "community", "Community trust"
    MENTAL_HEALTH = "mental_health", "Mental-health trust"
    AMBULANCE = "ambulance", "Ambulance service"
    OUT_OF_AREA = "out_of_area", "Out of area"
    VIRTUAL_WARD = "virtual_ward", "Virtual-ward provider"
    COMMISSIONER = "commissioner", "Commissioner"


# Organisations that hold beds and so may send bed and discharge sitreps.
BED_HOLDING_KINDS = (
    OrganisationKind.ACUTE,
    OrganisationKind.COMMUNITY,
    OrganisationKind.MENTAL_HEALTH,
)
# Rows of the S1 (DOMAIN.md).
S1_KINDS = (*BED_HOLDING_KINDS, OrganisationKind.OUT_OF_AREA)


class BedType(models.TextChoices):
    GA_ADULT = "ga_adult", "Adult general & acute"
    GA_PAEDS = "ga_paeds", "Paediatric general & acute"
    CRITICAL_CARE = "critical_care", "Critical care"
    MATERNITY = "maternity", "Maternity"
    MENTAL_HEALTH = "mental_health", "Mental health"
    COMMUNITY = "community", "Community"


class BedStatus(models.TextChoices):
    OCCUPIED = "occupied", "Occupied"
    VACANT = "vacant", "Vacant"
    CLOSED = "closed", "Closed"
    # A shut escalation bed: not "closed" (DOMAIN.md), simply not open. Never sent, only held.
    NOT_OPEN = "not_open", "Not open"


# What a bed list may say of a bed (API.md).
REPORTED_BED_STATUSES = (BedStatus.OCCUPIED, BedStatus.VACANT, BedStatus.CLOSED)


class WardStateSource(models.TextChoices):
    """How a ward's state was reported."""

    BED_LIST = "bed_list", "Bed list"
    COUNTS = "counts", "Counts"
