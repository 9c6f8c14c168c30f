"""Tests for itb_edu.parts: the parts catalogue and the pump-type comparison."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itb_edu import data, parts
from itb_edu.errors import ParameterError
from itb_edu.parts import COMPARISON_ROWS, FIGURES, PARTS_COLUMNS, get_part, load_parts, parts_for

EXPECTED = {
    "body": {
        "pump",
        "tunnelled_catheter",
        "catheter_entry",
        "catheter_tip",
        "intrathecal_space_body",
        "spinal_cord_body",
        "vertebrae",
    },
    "spine": {
        "skin_fat",
        "muscle",
        "vertebra",
        "epidural_space",
        "dura",
        "arachnoid",
        "intrathecal_space",
        "spinal_cord",
        "catheter_in_csf",
    },
    "pump": {
        "housing",
        "reservoir",
        "refill_port",
        "catheter_access_port",
        "pump_mechanism",
        "battery",
        "electronics",
        "alarm",
        "catheter",
    },
}


def test_every_picture_has_its_named_parts():
    for figure in FIGURES:
        assert {p.part_id for p in parts_for(figure)} == EXPECTED[figure]


def test_catalogue_is_the_union_of_the_pictures():
    ids = [p.part_id for p in load_parts()]
    assert len(ids) == len(set(ids)) == sum(len(v) for v in EXPECTED.values())


def test_every_part_is_explained_and_sourced():
    known = set(data.sources()["source_id"])
    for part in load_parts():
        assert part.name.strip()
        assert 30 <= len(part.explanation) <= 300, part.part_id
        assert part.source_ids, part.part_id
        assert set(part.source_ids) <= known, (part.part_id, set(part.source_ids) - known)


def test_key_teaching_points_are_in_the_words():
    assert "bypassing the reservoir" in get_part("catheter_access_port").explanation
    assert "never use it for a refill" in get_part("catheter_access_port").explanation
    assert "5–7 years" in get_part("battery").explanation
    assert "NOT where intrathecal baclofen goes" in get_part("epidural_space").explanation
    assert get_part("refill_port").name == "Central refill port (septum)"


def test_get_part_returns_the_row():
    part = get_part("reservoir")
    assert part.figure == "pump"
    assert part.name == "Drug reservoir"
    assert "moberg-wolff-pump-info" in part.source_ids


def test_unknown_figure_and_part_raise():
    with pytest.raises(ValueError, match=r"figure must be one of .* got 'heart'"):
        parts_for("heart")
    with pytest.raises(ValueError, match=r"part_id='valve' is not in the parts catalogue"):
        get_part("valve")


# ----------------------------------------------------------------------------- bad files
SOURCES = "source_id,kind,citation,url\nsrc-a,label,Label A citation,\n"


def write_parts(root: Path, text: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "sources.csv").write_text(SOURCES, encoding="utf-8")
    (root / "system_parts.csv").write_text(text, encoding="utf-8")
    return root


HEADER = ",".join(PARTS_COLUMNS)


def test_custom_data_dir_is_read(tmp_path):
    root = write_parts(tmp_path / "d", f"{HEADER}\nx1,pump,Thing,A plain line.,src-a\n")
    (only,) = load_parts(root)
    assert only == parts.Part("x1", "pump", "Thing", "A plain line.", ("src-a",))


def test_missing_file_raises(tmp_path):
    with pytest.raises(ParameterError, match=r"holds no system_parts\.csv") as info:
        load_parts(tmp_path)
    assert info.value.parameter == "data_dir"


# The catalogue is read and checked by itb_edu.data, like every course table: the messages
# are the uniform "data/system_parts.csv, line L, column 'C': ...".
@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "part_id,figure,name\nx,pump,Thing\n",
            r"data/system_parts\.csv, line 1, column 'explanation': this column is missing",
        ),
        (
            f"{HEADER}\nx1,pump,,Words.,src-a\n",
            r"data/system_parts\.csv, line 2, column 'name': is empty",
        ),
        (
            f"{HEADER}\nx1,heart,Thing,Words.,src-a\n",
            r"line 2, column 'figure': 'heart' is not one of: body, spine, pump",
        ),
        (
            f"{HEADER}\nx1,pump,Thing,Words.,src-a\nx1,body,Other,Words.,src-a\n",
            r"line 3, column 'part_id': 'x1' appears more than once \(first on line 2\)",
        ),
        (
            f"{HEADER}\nx1,pump,Thing,Words.,src-zz\n",
            r"line 2, column 'source_ids': source 'src-zz' is not in sources\.csv",
        ),
    ],
)
def test_malformed_catalogue_raises(tmp_path, body, message):
    root = write_parts(tmp_path / "bad", body)
    with pytest.raises(data.DataValidationError, match=message):
        load_parts(root)


def test_real_file_copies_load_identically(tmp_path):
    for name in ("system_parts.csv", "sources.csv"):
        shutil.copy(data.course_data_dir() / name, tmp_path / name)
    assert load_parts(tmp_path) == load_parts()


# ----------------------------------------------------------------------- pump comparison
def pump_rows(rows: list[dict]) -> pd.DataFrame:
    columns = ["pump_id", "model", *(c for _, c in COMPARISON_ROWS)]
    full = [{c: row.get(c, "") for c in columns} for row in rows]
    return pd.DataFrame(full, columns=columns)


def test_comparison_groups_sizes_of_one_model():
    table = parts.pump_comparison(
        pump_rows(
            [
                {
                    "model": "Alpha",
                    "model_number": "A-20",
                    "reservoir_ml": 20.0,
                    "powered_by": "battery",
                    "source_ids": "s1;s2",
                },
                {
                    "model": "Alpha",
                    "model_number": "A-40",
                    "reservoir_ml": 40.0,
                    "powered_by": "battery",
                    "source_ids": "s2;s3",
                },
                {
                    "model": "Beta",
                    "model_number": "",
                    "reservoir_ml": float("nan"),
                    "powered_by": "none",
                    "source_ids": "s4",
                },
            ]
        )
    )
    assert list(table.columns) == ["Alpha", "Beta"]
    assert list(table.index) == [label for label, _ in COMPARISON_ROWS]
    assert table.loc["Reservoir [mL]", "Alpha"] == "20 or 40"
    assert table.loc["Reservoir [mL]", "Beta"] == ""
    assert table.loc["Model number", "Alpha"] == "A-20, A-40"
    assert table.loc["Power source", "Alpha"] == "battery"
    assert table.loc["Sources", "Alpha"] == "s1; s2; s3"


def test_comparison_of_the_course_pumps():
    table = parts.pump_comparison()
    assert list(table.columns) == ["SynchroMed II", "Prometra II", "CODMAN 3000 Constant Flow Pump"]
    assert table.loc["Reservoir [mL]", "SynchroMed II"] == "20 or 40"
    assert table.loc["Power source", "CODMAN 3000 Constant Flow Pump"] == "none"
    assert "Empty the reservoir before any MRI" in table.loc["MRI", "Prometra II"]
    assert (
        "different concentration"
        in table.loc["What changes a dose", "CODMAN 3000 Constant Flow Pump"]
    )


def test_comparison_rejects_bad_tables():
    with pytest.raises(ValueError, match=r"missing column\(s\) \['mri'\]"):
        parts.pump_comparison(pump_rows([{"model": "A"}]).drop(columns=["mri"]))
    with pytest.raises(ValueError, match="pumps has no rows"):
        parts.pump_comparison(pump_rows([]))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["M1", "M2", "M3"]), st.sampled_from([10.0, 20.0, 40.0])),
        min_size=1,
        max_size=8,
    )
)
def test_comparison_has_one_column_per_model_and_keeps_every_size(rows):
    table = parts.pump_comparison(
        pump_rows([{"model": m, "reservoir_ml": v, "source_ids": "s"} for m, v in rows])
    )
    models = list(dict.fromkeys(m for m, _ in rows))
    assert list(table.columns) == models
    for model in models:
        sizes = list(dict.fromkeys(str(int(v)) for m, v in rows if m == model))
        assert table.loc["Reservoir [mL]", model] == " or ".join(sizes)


# --------------------------------------------------------------------------- facts table
def facts_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ["f-a", "t", "Dose A is small.", "50", "mcg", "V", "s1;s2"],
            ["f-b", "t", "Idea B has no number.", float("nan"), float("nan"), "S", "s3"],
            ["f-c", "t", "Number C was never checked.", "7", "mL", "U", "s4"],
        ],
        columns=["fact_id", "topic", "statement", "value", "unit", "status", "source_ids"],
    )


def test_facts_table_keeps_order_and_joins_value_and_unit():
    table = parts.facts_table(["f-b", "f-a"], facts_frame())
    assert list(table.columns) == ["Fact", "Value", "Status", "Sources"]
    assert table.to_dict("records") == [
        {
            "Fact": "Idea B has no number.",
            "Value": "",
            "Status": "S: from a secondary source",
            "Sources": "s3",
        },
        {
            "Fact": "Dose A is small.",
            "Value": "50 mcg",
            "Status": "V: read in the source",
            "Sources": "s1; s2",
        },
    ]


def test_facts_table_refuses_unverified_unknown_and_empty():
    with pytest.raises(ValueError, match=r"\['f-c'\] are unverified \(status U\)"):
        parts.facts_table(["f-a", "f-c"], facts_frame())
    with pytest.raises(ValueError, match=r"not in the facts table: \['f-z'\]"):
        parts.facts_table(["f-z"], facts_frame())
    with pytest.raises(ValueError, match=r"at least one fact, got \[\]"):
        parts.facts_table([], facts_frame())


def test_facts_table_reads_the_course_facts():
    table = parts.facts_table(["synchromed-battery-life", "synchromed-eri-90-days"])
    assert table.loc[0, "Value"] == "5–7 years"
    assert table.loc[1, "Value"] == "90 days"
    assert "medtronic-uk-pump-replacement" in table.loc[0, "Sources"]


def test_fact_groups_resolve_and_hold_no_unverified_fact():
    facts = data.facts().set_index("fact_id")
    for name, ids in parts.FACT_GROUPS.items():
        table = parts.fact_group(name)
        assert len(table) == len(ids)
        assert set(facts.loc[list(ids), "status"]) <= {"V", "S"}, name
    with pytest.raises(ValueError, match=r"name must be one of .* got 'lungs'"):
        parts.fact_group("lungs")


def test_notebook_sources_cover_every_cited_id_and_resolve():
    ids = parts.notebook_source_ids()
    assert ids == sorted(set(ids))
    data.resolve_sources(ids)  # raises if an id does not resolve
    for part in load_parts():
        assert set(part.source_ids) <= set(ids)
    assert set(parts.NARRATIVE_SOURCE_IDS) <= set(ids)
    assert {"mccoy-2006-weight-gain", "codman-3000-patient-support"} <= set(ids)


def test_notebook_sources_reject_a_missing_fact(tmp_path):
    root = data.course_data_dir()
    for name in ("sources.csv", "system_parts.csv", "faq.csv", "pumps.csv"):
        shutil.copy(root / name, tmp_path / name)
    (tmp_path / "quiz").mkdir()
    shutil.copy(root / "quiz" / "01_pump_and_catheter_system.csv", tmp_path / "quiz")
    header = ",".join(data.SPECS["facts"].columns)
    (tmp_path / "facts.csv").write_text(
        f"{header}\nother,t,A fact.,,,V,itb-edu-authors\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match=r"FACT_GROUPS names facts not in facts\.csv"):
        parts.notebook_source_ids(tmp_path)
