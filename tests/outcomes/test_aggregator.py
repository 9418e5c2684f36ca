"""The call-export rule on hand-made rows: each quirk of Seattle's export handled as the rule says."""

from __future__ import annotations

import datetime as dt

import pytest

from onemind.outcomes import aggregator as agg

TODAY = dt.date(2026, 6, 1)
HEADERS = ["", "template_id", "reported_date", "occured_date_time", "call_type", "disposition", "cit_officer_arrived"]


def _figures(rows: list[list[str]], mapping: dict | None = None) -> agg.Aggregate:  # type: ignore[type-arg]
    columns = agg.find_columns(HEADERS)
    found = agg.contacts(rows, columns, TODAY)
    return agg.aggregate(found, mapping or agg.default_mapping(agg.values_found(found)), len(rows))


def test_padded_repeated_ids_are_one_contact_counted_once_per_figure() -> None:
    result = _figures(
        [
            ["0", "  17 ", "2015-07-19T00:00:00", "2015-06-03 10:00:00", "911", "Subject Arrested", "Y"],
            ["1", "17", "2015-07-19T00:00:00", "2015-06-03 10:00:00", "911", "Subject Arrested", "N"],
            ["2", "17", "2015-07-19T00:00:00", "2015-06-03 10:00:00", "911", "Voluntary Committal", "N"],
        ]
    )
    assert result.contacts == 1
    assert result.figures["2015-06"]["mh_calls"] == 1
    assert result.figures["2015-06"]["arrest"] == 1 and result.figures["2015-06"]["transported_voluntary"] == 1
    assert result.figures["2015-06"]["cit_arrived"] == 1


def test_placeholder_dates_fall_back_then_leave_the_contact_out() -> None:
    result = _figures(
        [
            ["0", "1", "2016-04-29T00:00:00", "1900-01-01 00:00:00", "-", "-", "N"],  # reported date used
            ["1", "2", "1900-01-01T00:00:00", "1900-01-01 00:00:00", "911", "Crisis Clinic", "N"],  # no date
            ["2", "3", "2031-01-01T00:00:00", "", "911", "Crisis Clinic", "N"],  # future: not a date
        ]
    )
    assert set(result.figures) == {"2016-04"} and result.undated == 2
    # '-' is no value: the contact counts as a call with no disposition.
    assert result.figures["2016-04"]["mh_calls"] == 1
    assert sum(v for k, v in result.figures["2016-04"].items() if k != "mh_calls") == 0


def test_an_excluded_call_type_leaves_the_contact_out() -> None:
    rows = [
        ["0", "1", "", "2015-06-03", "ONVIEW", "Subject Arrested", "N"],
        ["1", "2", "", "2015-06-04", "911", "-", "N"],
    ]
    mapping = {"call_type": {"ONVIEW": "exclude", "911": "include"}, "disposition": {"Subject Arrested": "arrest"}}
    result = _figures(rows, mapping)
    assert result.excluded == 1 and result.figures["2015-06"]["mh_calls"] == 1
    assert result.figures["2015-06"]["arrest"] == 0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2015-07-19T00:00:00", dt.date(2015, 7, 19)),
        ("2015-09-01 15:25:09", dt.date(2015, 9, 1)),
        ("9/1/2015 3:25 PM", dt.date(2015, 9, 1)),
        ("1900-01-01 00:00:00", None),
        ("-", None),
        ("", None),
        ("2015-02-30", None),
        ("²/1/2015", None),
    ],
)
def test_dates(raw: str, expected: dt.date | None) -> None:
    assert agg.parse_date(raw, TODAY) == expected


def test_suggestions_for_seattle_dispositions() -> None:
    assert agg.suggest_disposition("Emergent Detention / ITA") == "involuntary_evaluation"
    assert agg.suggest_disposition("Voluntary Committal") == "transported_voluntary"
    assert agg.suggest_disposition("Mobile Crisis Team") == "co_responder"
    assert agg.suggest_disposition("Crisis Clinic") == "crisis_line_transfers"
    assert agg.suggest_disposition("Chronic Complaint") == "disposition_other"


def test_a_file_without_ids_or_dates_is_refused() -> None:
    with pytest.raises(agg.ExportProblem, match="contact id"):
        agg.find_columns(["a", "b"])
    with pytest.raises(agg.ExportProblem, match="date column"):
        agg.find_columns(["template_id", "disposition"])
