from django import forms

from apps.beds.choices import S1_KINDS
from apps.beds.models import Organisation, Site

from .choices import MofdSort, Pathway, PlanStatus


class MofdPatientFilter(forms.Form):
    organisation = forms.ChoiceField(required=False)
    site = forms.ChoiceField(required=False)
    pathway = forms.ChoiceField(required=False, choices=[("", "Any"), *Pathway.choices])
    plan = forms.ChoiceField(required=False, choices=[("", "Any"), *PlanStatus.choices])
    min_days = forms.IntegerField(
        required=False, min_value=0, max_value=3650, label="MOFD at least (days)"
    )
    sort = forms.ChoiceField(required=False, choices=MofdSort.choices, label="Sort by")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [
            ("", "All"),
            *Organisation.objects.filter(kind__in=S1_KINDS)
            .order_by("code")
            .values_list("code", "name"),
        ]
        self.fields["site"].choices = [
            ("", "All"),
            *Site.objects.filter(organisation__kind__in=S1_KINDS)
            .order_by("code")
            .values_list("code", "name"),
        ]


class S1DayForm(forms.Form):
    """The S1 page's date picker (a plain GET form: works without JavaScript)."""

    date = forms.DateField(
        label="Day",
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        if today is not None:
            self.fields["date"].widget.attrs["max"] = today.isoformat()
