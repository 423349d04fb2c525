"""The one application error, its API answer, and the one organisation-scope check."""

import pytest
from rest_framework.exceptions import ValidationError

from apps.core.exceptions import ApplicationError, FieldErrors, exception_handler
from apps.core.scope import organisation_scope_check


def test_field_path_errors_answer_400_in_drf_shape():
    exc = ApplicationError({"wards": {2: {"ward": ["Unknown ward X."]}}, "site": "Unknown."})
    response = exception_handler(exc, {})
    assert response.status_code == 400
    assert response.data == {"wards": {2: {"ward": ["Unknown ward X."]}}, "site": ["Unknown."]}


def test_a_plain_message_is_a_non_field_error():
    assert ApplicationError("Give either beds or counts.").detail == {
        "non_field_errors": ["Give either beds or counts."]
    }


def test_forbidden_answers_403_with_a_detail():
    response = exception_handler(ApplicationError.forbidden("Not yours."), {})
    assert (response.status_code, response.data) == (403, {"detail": "Not yours."})


def test_other_errors_keep_drf_answers():
    response = exception_handler(ValidationError({"as_at": ["Required."]}), {})
    assert (response.status_code, response.data) == (400, {"as_at": ["Required."]})


def test_field_errors_collect_under_paths_and_raise_together():
    errors = FieldErrors()
    errors.raise_if_any()  # nothing filed: nothing raised
    errors.add("patients", 2, "ref", message="X is repeated: items 0 and 2.")
    errors.add("patients", 0, "ref", message="X is repeated: items 0 and 2.")
    errors.add("patients", 2, "mofd_on", message="After as_at's local date.")
    errors.add("discharged", 1, "discharged_at", message="After as_at.")
    assert errors.has("patients", 2, "ref") and not errors.has("patients", 1)
    with pytest.raises(ApplicationError) as raised:
        errors.raise_if_any()
    assert raised.value.status == 400
    assert raised.value.detail == {
        "patients": {
            2: {
                "ref": ["X is repeated: items 0 and 2."],
                "mofd_on": ["After as_at's local date."],
            },
            0: {"ref": ["X is repeated: items 0 and 2."]},
        },
        "discharged": {1: {"discharged_at": ["After as_at."]}},
    }


def test_the_scope_check_passes_the_organisations_own_items():
    organisation_scope_check(organisation_code="RWE", owners={"RWE-LRI": "RWE", "RWE": "RWE"})
    organisation_scope_check(organisation_code="RWE", owners={})


def test_the_scope_check_refuses_with_403_naming_every_item_and_owner():
    with pytest.raises(ApplicationError) as raised:
        organisation_scope_check(
            organisation_code="RT5",
            owners={"VW-B": "RX9", "VW-A": "RX9", "RWE-LRI": "RWE", "VW-OWN": "RT5"},
        )
    assert raised.value.status == 403
    assert raised.value.detail == {
        "detail": "RWE-LRI belongs to RWE; VW-A, VW-B belong to RX9; this key reports for RT5."
    }


def test_naming_another_organisation_itself_is_refused():
    with pytest.raises(ApplicationError) as raised:
        organisation_scope_check(organisation_code="RWE", owners={"RT5": "RT5"})
    assert raised.value.detail == {
        "detail": "RT5 is another organisation; this key reports for RWE."
    }
