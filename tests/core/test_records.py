"""Records filled in over several posts: the merge rule (API.md, issue 15)."""

from apps.core.records import merged_from_held, record_merge

FIELDS = ("arrived_at", "handover_at", "cleared_at", "category")


def test_a_null_or_absent_value_keeps_what_is_held_and_a_value_corrects_it():
    held = {"arrived_at": 1, "handover_at": 5, "cleared_at": 9, "category": 2}
    assert record_merge(held, {"arrived_at": 1, "handover_at": None}, fields=FIELDS) == held
    corrected = record_merge(held, {"arrived_at": 2, "handover_at": 6}, fields=FIELDS)
    assert corrected == {"arrived_at": 2, "handover_at": 6, "cleared_at": 9, "category": 2}
    assert merged_from_held(held, {"handover_at": 6}, fields=FIELDS) == {
        "arrived_at",
        "cleared_at",
        "category",
    }


def test_a_record_not_seen_before_is_the_post_itself():
    post = {"arrived_at": 1, "handover_at": None}
    assert record_merge(None, post, fields=FIELDS) == {
        "arrived_at": 1,
        "handover_at": None,
        "cleared_at": None,
        "category": None,
    }
    assert merged_from_held(None, post, fields=FIELDS) == set()


def test_zero_and_false_are_values_not_unknown():
    held = {"category": 3}
    assert record_merge(held, {"category": 0}, fields=("category",)) == {"category": 0}
