from django.db import models

from apps.beds.models import Organisation


class VirtualWard(models.Model):
    """Hospital-level care at home, with a capacity in "beds"."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="virtual_wards"
    )
    capacity = models.PositiveIntegerField(help_text="Funded capacity in beds (estate file).")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
