import copy
import json

import pytest
from django.core.management import CommandError, call_command

from apps.beds.models import Bed, Organisation, Site, System, Ward
from apps.virtualwards.models import VirtualWard
from tests.conftest import SMALL_ESTATE

pytestmark = pytest.mark.django_db


def _write(tmp_path, document) -> str:
    path = tmp_path / "estate.json"
    path.write_text(json.dumps(document))
    return str(path)


def _counts():
    return tuple(m.objects.count() for m in (System, Organisation, Site, Ward, Bed, VirtualWard))


def test_it_loads_the_estate_and_creates_beds_from_counts(tmp_path, capsys):
    call_command("load_estate", _write(tmp_path, SMALL_ESTATE))
    ward = Ward.objects.get(code="LRI-W22")
    codes = list(ward.beds.order_by("code").values_list("code", "escalation"))
    assert codes[0] == ("LRI-W22-B01", False)
    assert codes[19] == ("LRI-W22-B20", False)
    assert codes[20:] == [("LRI-W22-E01", True), ("LRI-W22-E02", True)]
    assert Bed.objects.count() == 22 + 10 + 12 + 32 + 27
    assert "created" in capsys.readouterr().out


def test_a_second_run_changes_nothing(tmp_path, capsys):
    path = _write(tmp_path, SMALL_ESTATE)
    call_command("load_estate", path)
    before = (_counts(), list(Bed.objects.order_by("pk").values_list("pk", "code")))
    capsys.readouterr()
    call_command("load_estate", path)
    assert capsys.readouterr().out.strip() == "Estate unchanged."
    assert (_counts(), list(Bed.objects.order_by("pk").values_list("pk", "code"))) == before


def test_it_updates_changed_items_in_place(tmp_path):
    call_command("load_estate", _write(tmp_path, SMALL_ESTATE))
    changed = copy.deepcopy(SMALL_ESTATE)
    changed["wards"][1]["core_beds"] = 12
    changed["sites"][0]["name"] = "LRI"
    call_command("load_estate", _write(tmp_path, changed))
    assert Site.objects.get(code="RWE-LRI").name == "LRI"
    assert Ward.objects.get(code="LRI-W23").beds.count() == 12


def test_a_ward_may_list_its_beds(tmp_path):
    doc = copy.deepcopy(SMALL_ESTATE)
    doc["wards"][1] = {
        "code": "LRI-W23",
        "site": "RWE-LRI",
        "name": "Ward 23",
        "bed_type": "ga_adult",
        "beds": [{"code": "W23-A"}, {"code": "W23-B"}, {"code": "W23-X", "escalation": True}],
    }
    call_command("load_estate", _write(tmp_path, doc))
    ward = Ward.objects.get(code="LRI-W23")
    assert (ward.core_beds, ward.escalation_beds) == (2, 1)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["wards"][2].update(site="NOPE"), "wards.2.site: Unknown site NOPE."),
        (lambda d: d["wards"][0].update(bed_type="sofa"), "wards.0.bed_type"),
        (lambda d: d["organisations"][1].update(kind="pharmacy"), "organisations.1.kind"),
        (lambda d: d["sites"].append(dict(d["sites"][0])), "sites.3.code: RWE-LRI repeats item 0."),
        (lambda d: d["virtual_wards"][0].update(capacity=-1), "virtual_wards.0.capacity"),
        (lambda d: d["wards"][3].pop("core_beds"), "wards.3.core_beds"),
        (lambda d: d.pop("system"), "system"),
    ],
)
def test_an_invalid_file_names_the_item_and_writes_nothing(tmp_path, mutate, expected):
    doc = copy.deepcopy(SMALL_ESTATE)
    mutate(doc)
    with pytest.raises(CommandError) as excinfo:
        call_command("load_estate", _write(tmp_path, doc))
    assert expected in str(excinfo.value)
    assert "nothing written" in str(excinfo.value)
    assert _counts() == (0, 0, 0, 0, 0, 0)


def test_a_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "estate.json"
    path.write_text("{nope")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("load_estate", str(path))


def test_the_demo_estate_loads(settings):
    call_command("load_estate", str(settings.BASE_DIR / "demo" / "llr_estate.json"))
    assert set(Site.objects.filter(organisation__code="RWE").values_list("name", flat=True)) == {
        "Leicester Royal Infirmary",
        "Glenfield Hospital",
        "Leicester General Hospital",
    }
    assert VirtualWard.objects.count() == 13
    assert Organisation.objects.filter(code="OOA", kind="out_of_area").exists()


def test_an_organisation_may_give_a_contact_email_for_overdue_actions(tmp_path, capsys):
    document = copy.deepcopy(SMALL_ESTATE)
    document["organisations"][0]["contact_email"] = "uhl-site@nhs.test"
    call_command("load_estate", _write(tmp_path, document))
    assert Organisation.objects.get(code="RWE").contact_email == "uhl-site@nhs.test"
    capsys.readouterr()
    call_command("load_estate", _write(tmp_path, document))
    assert capsys.readouterr().out.strip() == "Estate unchanged."
    # A file that does not mention it leaves it as it is.
    call_command("load_estate", _write(tmp_path, SMALL_ESTATE))
    assert Organisation.objects.get(code="RWE").contact_email == "uhl-site@nhs.test"
    document["organisations"][0]["contact_email"] = "not an address"
    with pytest.raises(CommandError, match="contact_email"):
        call_command("load_estate", _write(tmp_path, document))
