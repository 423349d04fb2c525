"""CSV feeds become exactly the JSON body of the matching POST (API.md, DOMAIN.md)."""

import pytest

from apps.feeds.csvfeeds import CsvError, csv_to_body

AS_AT = "2026-11-23T08:00:00+00:00"


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def test_a_bed_level_beds_csv_groups_beds_by_ward():
    doc = csv_to_body(
        kind="beds",
        content=_csv(
            "site,as_at,ward,bed,status",
            f"RWE-LRI,{AS_AT},LRI-W22,LRI-W22-B01,occupied",
            f"RWE-LRI,{AS_AT},LRI-W23,LRI-W23-B01,closed",
            f"RWE-LRI,{AS_AT},LRI-W22,LRI-W22-B02,vacant",
        ),
    )

    assert doc.body == {
        "site": "RWE-LRI",
        "as_at": AS_AT,
        "wards": [
            {
                "ward": "LRI-W22",
                "beds": [
                    {"bed": "LRI-W22-B01", "status": "occupied"},
                    {"bed": "LRI-W22-B02", "status": "vacant"},
                ],
            },
            {"ward": "LRI-W23", "beds": [{"bed": "LRI-W23-B01", "status": "closed"}]},
        ],
    }
    assert doc.rows[("wards", 0, "beds", 1)] == 4
    assert doc.rows[("wards", 1)] == 3


def test_a_counts_beds_csv_gives_one_ward_per_row_with_whole_numbers():
    doc = csv_to_body(
        kind="beds",
        content=_csv(
            "site,as_at,ward,occupied,vacant,closed,escalation_open",
            f"RWE-LRI,{AS_AT},LRI-W23,20,3,1,2",
        ),
    )

    assert doc.body == {
        "site": "RWE-LRI",
        "as_at": AS_AT,
        "wards": [
            {
                "ward": "LRI-W23",
                "counts": {"occupied": 20, "vacant": 3, "closed": 1, "escalation_open": 2},
            }
        ],
    }


def test_a_beds_csv_is_one_site_at_one_time():
    content = _csv(
        "site,as_at,ward,occupied,vacant,closed,escalation_open",
        f"RWE-LRI,{AS_AT},LRI-W23,20,3,1,2",
        f"RWE-GH,{AS_AT},GH-W15,20,3,1,2",
    )
    with pytest.raises(CsvError, match=r"^row 3, column site: 'RWE-GH' differs from 'RWE-LRI'"):
        csv_to_body(kind="beds", content=content)

    content = content.replace(b"RWE-GH", b"RWE-LRI").replace(b"08:00:00+00:00,GH", b"08:15:00Z,GH")
    with pytest.raises(CsvError, match=r"^row 3, column as_at: "):
        csv_to_body(kind="beds", content=content)


def test_a_handovers_csv_gives_one_handover_per_row_with_nulls_for_empty_cells():
    doc = csv_to_body(
        kind="handovers",
        content=_csv(
            "incident,site,arrived_at,handover_at,cleared_at,category",
            "RX9-000123,RWE-LRI,2026-11-23T07:05:00+00:00,2026-11-23T07:52:00+00:00,,2",
            "RX9-000124,RWE-GH,2026-11-23T07:40:00+00:00,,,",
        ),
    )

    assert doc.body == {
        "handovers": [
            {
                "incident": "RX9-000123",
                "site": "RWE-LRI",
                "arrived_at": "2026-11-23T07:05:00+00:00",
                "handover_at": "2026-11-23T07:52:00+00:00",
                "cleared_at": None,
                "category": 2,
            },
            {
                "incident": "RX9-000124",
                "site": "RWE-GH",
                "arrived_at": "2026-11-23T07:40:00+00:00",
                "handover_at": None,
                "cleared_at": None,
                "category": None,
            },
        ]
    }
    assert doc.rows == {("handovers", 0): 2, ("handovers", 1): 3}


def test_a_discharge_csv_is_one_organisations_list_keeping_nhs_numbers_as_text():
    doc = csv_to_body(
        kind="discharge",
        content=_csv(
            "organisation,as_at,ref,nhs_number,site,ward,mofd_on,pathway,planned_discharge_on,delay_reason",
            f"RWE,{AS_AT},A1B2C3,0434765919,RWE-LRI,LRI-W22,2026-11-19,P1,,awaiting_homecare",
            f"RWE,{AS_AT},D4E5F6,,,,2026-11-22,P0,2026-11-24,",
        ),
    )

    assert doc.body == {
        "organisation": "RWE",
        "as_at": AS_AT,
        "patients": [
            {
                "ref": "A1B2C3",
                "nhs_number": "0434765919",
                "site": "RWE-LRI",
                "ward": "LRI-W22",
                "mofd_on": "2026-11-19",
                "pathway": "P1",
                "planned_discharge_on": None,
                "delay_reason": "awaiting_homecare",
            },
            {
                "ref": "D4E5F6",
                "nhs_number": None,
                "site": None,
                "ward": None,
                "mofd_on": "2026-11-22",
                "pathway": "P0",
                "planned_discharge_on": "2026-11-24",
                "delay_reason": None,
            },
        ],
    }


def test_a_discharge_row_naming_only_organisation_and_time_is_an_empty_list():
    doc = csv_to_body(
        kind="discharge",
        content=_csv(
            "organisation,as_at,ref,nhs_number,site,ward,mofd_on,pathway,planned_discharge_on,delay_reason",
            f"RT5,{AS_AT},,,,,,,,",
        ),
    )

    assert doc.body == {"organisation": "RT5", "as_at": AS_AT, "patients": []}


def test_a_discharge_csv_is_one_organisation():
    content = _csv(
        "organisation,as_at,ref,nhs_number,site,ward,mofd_on,pathway,planned_discharge_on,delay_reason",
        f"RWE,{AS_AT},A1,,,,2026-11-19,P1,,",
        f"RT5,{AS_AT},A2,,,,2026-11-19,P1,,",
    )
    with pytest.raises(CsvError, match=r"^row 3, column organisation: 'RT5' differs"):
        csv_to_body(kind="discharge", content=content)


def test_a_virtual_wards_csv_is_one_census():
    doc = csv_to_body(
        kind="virtual_wards",
        content=_csv(
            "as_at,ward,capacity,occupied",
            f"{AS_AT},VW-FRAILTY,20,14",
            f"{AS_AT},VW-ASTHMA,40,0",
        ),
    )

    assert doc.body == {
        "as_at": AS_AT,
        "wards": [
            {"ward": "VW-FRAILTY", "capacity": 20, "occupied": 14},
            {"ward": "VW-ASTHMA", "capacity": 40, "occupied": 0},
        ],
    }


def test_columns_may_come_in_any_order_with_spaces_a_bom_and_crlf_and_quoted_cells():
    header = "\ufeffward , occupied,as_at,capacity\r\n"
    content = f'{header}"VW-FRAILTY", 14 ,{AS_AT},20\r\n\r\n'.encode()

    doc = csv_to_body(kind="virtual_wards", content=content)

    assert doc.body == {
        "as_at": AS_AT,
        "wards": [{"ward": "VW-FRAILTY", "capacity": 20, "occupied": 14}],
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The document is empty: a header row is required."),
        (b"as_at,ward,capacity,occupied\n", "The document has a header but no rows"),
        (
            b"as_at,ward,capacity\n",
            "row 1: missing column(s) occupied. Expected: as_at,ward,capacity,occupied.",
        ),
        (b"as_at,ward,capacity,occupied,notes\n", "row 1: unknown column(s) notes."),
        (b"as_at,ward,ward,capacity,occupied\n", "row 1: column 'ward' appears twice."),
        (
            f"as_at,ward,capacity,occupied\n{AS_AT},VW-FRAILTY,20\n".encode(),
            "row 2: has 3 cells but the header has 4 columns.",
        ),
        (
            f"as_at,ward,capacity,occupied\n{AS_AT},VW-A,20,1\n{AS_AT},VW-B,20,1.5\n".encode(),
            "row 3, column occupied: '1.5' is not a whole number.",
        ),
        (
            f"as_at,ward,capacity,occupied\n{AS_AT},VW-A,twenty,1\n".encode(),
            "row 2, column capacity: 'twenty' is not a whole number.",
        ),
        (b"as_at,ward,capacity,occupied\n\xff\xfe,x,1,1\n", "line 2: not UTF-8 (byte 29)."),
        (
            f'as_at,ward,capacity,occupied\n{AS_AT},"VW-A"x,20,1\n'.encode(),
            "row 2: not valid CSV",
        ),
    ],
)
def test_a_malformed_csv_says_where(content, message):
    with pytest.raises(CsvError) as error:
        csv_to_body(kind="virtual_wards", content=content)
    assert str(error.value).startswith(message)


def test_negative_whole_numbers_pass_to_the_sitrep_validation():
    doc = csv_to_body(
        kind="virtual_wards", content=_csv("as_at,ward,capacity,occupied", f"{AS_AT},VW-A,-1,0")
    )
    assert doc.body["wards"][0]["capacity"] == -1


def test_an_incidents_csv_gives_one_incident_per_row_with_nulls_for_unknown_times():
    doc = csv_to_body(
        kind="incidents",
        content=_csv(
            "incident,category,call_connected_at,identified_at,dispatched_at,at_scene_at,"
            "stood_down_at",
            "RX9-2026-000123,2,2026-11-23T07:00:00+00:00,2026-11-23T07:02:10+00:00,"
            "2026-11-23T07:01:40+00:00,,",
            "RX9-2026-000124,,,,,2026-11-23T07:40:00+00:00,",
        ),
    )
    assert doc.body == {
        "incidents": [
            {
                "incident": "RX9-2026-000123",
                "category": 2,
                "call_connected_at": "2026-11-23T07:00:00+00:00",
                "identified_at": "2026-11-23T07:02:10+00:00",
                "dispatched_at": "2026-11-23T07:01:40+00:00",
                "at_scene_at": None,
                "stood_down_at": None,
            },
            {
                "incident": "RX9-2026-000124",
                "category": None,
                "call_connected_at": None,
                "identified_at": None,
                "dispatched_at": None,
                "at_scene_at": "2026-11-23T07:40:00+00:00",
                "stood_down_at": None,
            },
        ]
    }
    assert doc.rows == {("incidents", 0): 2, ("incidents", 1): 3}
    with pytest.raises(CsvError, match="missing column"):
        csv_to_body(kind="incidents", content=_csv("incident,category", "X,1"))
