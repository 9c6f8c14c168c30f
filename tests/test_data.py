"""itb_edu.data: loading, locating and validating the course tables."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest

from itb_edu import data
from itb_edu.errors import ParameterError

SOURCES = textwrap.dedent(
    """\
    source_id,kind,citation,url
    label-a,label,"Maker A. Drug A label, 2020.",https://example.org/a
    paper-b,peer-reviewed,"Author B. A paper. J Ex. 2001;1:1-2.",
    """
)

PUMP_HEADER = ",".join(data.SPECS["pumps"].columns)
PUMP_ROW = (
    'p20,Maker A,Pump A,A-20,20,programmable peristaltic,battery,"Programmed rate.",'
    '"Reprogram.","Beeps when low.",2,1,"5–7 years.","Battery.","Stops in MRI.",label-a'
)
DRUG_HEADER = ",".join(data.SPECS["drug_products"].columns)
DRUG_ROW = "d500,Brand,Maker A,ampule,refill,500,20,10,label-a;paper-b"


def write_dir(tmp_path: Path, **tables: str) -> Path:
    files = {"sources": SOURCES, **tables}
    for name, text in files.items():
        path = tmp_path / f"{name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def pump_table(*rows: str) -> str:
    return "\n".join([PUMP_HEADER, *rows]) + "\n"


# --- the course's own data ------------------------------------------------------------------


def test_course_data_dir_is_the_checkout():
    assert data.course_data_dir() == Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize("name", data.table_names())
def test_every_course_table_validates(name):
    table = data.load_table(name)
    assert len(table) > 0
    if name != "sources":
        assert table["source_ids"].notna().all()


@pytest.mark.parametrize("name", data.table_names())
def test_every_course_table_has_a_loader_named_after_it(name):
    if name.startswith("quiz/"):
        loaded = data.quiz(name.removeprefix("quiz/"))
    else:
        loader = getattr(data, name)
        assert f"``data/{name}.csv``" in (loader.__doc__ or "")
        loaded = loader()
    pd.testing.assert_frame_equal(loaded, data.load_table(name))


@pytest.mark.parametrize("name", sorted(data.SPECS))
def test_every_schema_column_is_in_the_data_dictionary(name):
    text = (Path(__file__).resolve().parents[1] / "docs" / "data-dictionary.md").read_text(
        encoding="utf-8"
    )
    file = "quiz/<quiz_id>" if name == "quiz" else name
    section = text.split(f"\n## `data/{file}.csv`", 1)[1].split("\n## ", 1)[0]
    for column in data.SPECS[name].columns:
        assert f"| `{column}` |" in section, f"{name}.{column} is not described"


def test_every_schema_has_a_loader():
    assert all(callable(getattr(data, name)) for name in data.SPECS)
    assert set(data.quiz_ids()) == {
        name.removeprefix("quiz/") for name in data.table_names() if name.startswith("quiz/")
    }


def test_data_dir_must_be_a_folder(tmp_path):
    with pytest.raises(ParameterError, match=r"data_dir=.* is not a directory") as info:
        data.pumps(tmp_path / "absent")
    assert info.value.parameter == "data_dir"


def test_byte_order_mark_is_accepted(tmp_path):
    directory = write_dir(tmp_path)
    path = directory / "pumps.csv"
    path.write_bytes(b"\xef\xbb\xbf" + pump_table(PUMP_ROW).encode("utf-8"))
    assert data.pumps(directory).iloc[0]["pump_id"] == "p20"


def test_sources_have_known_kinds_and_unique_ids():
    table = data.sources()
    assert set(table["kind"]) <= set(data.SOURCE_KINDS)
    assert table["source_id"].is_unique
    assert "itb-edu-authors" in set(table["source_id"])


def test_loaders_return_copies():
    first = data.sources()
    first.loc[first.index[0], "citation"] = "changed"
    assert data.sources().iloc[0]["citation"] != "changed"


def test_resolve_sources_keeps_order_and_rejects_unknown(tmp_path):
    directory = write_dir(tmp_path)
    table = data.resolve_sources("paper-b; label-a;paper-b", directory)
    assert list(table["source_id"]) == ["paper-b", "label-a"]
    with pytest.raises(ValueError, match="unknown: nope"):
        data.resolve_sources(["label-a", "nope"], directory)


# --- valid tables ---------------------------------------------------------------------------


def test_valid_pump_table_types(tmp_path):
    directory = write_dir(tmp_path, pumps=pump_table(PUMP_ROW))
    pumps = data.pumps(directory)
    assert list(pumps.columns) == data.SPECS["pumps"].columns
    row = pumps.iloc[0]
    assert row["reservoir_ml"] == 20.0
    assert pd.api.types.is_float_dtype(pumps["reservoir_ml"])
    assert row["battery_life"] == "5–7 years."
    assert pumps.index[0] == 2  # index = line in the file


def test_optional_number_may_be_empty(tmp_path):
    row = PUMP_ROW.replace(",2,1,", ",,,")
    pumps = data.pumps(write_dir(tmp_path, pumps=pump_table(row)))
    assert pumps["default_low_alarm_ml"].isna().all()


def test_unregistered_table_is_checked_for_sources(tmp_path):
    directory = write_dir(tmp_path, **{"extra/x": "note_id,source_ids\nn1,label-a\n"})
    assert data.load_table("extra/x", directory)["note_id"].tolist() == ["n1"]
    assert "extra/x" in data.table_names(directory)


def test_drug_product_amount(tmp_path):
    table = "\n".join([DRUG_HEADER, DRUG_ROW]) + "\n"
    products = data.drug_products(write_dir(tmp_path, drug_products=table))
    assert products.iloc[0]["drug_amount_mg"] == 10.0


# --- malformed tables: every message names file, line and column ----------------------------


def test_empty_source_is_reported(tmp_path):
    bad = PUMP_ROW.removesuffix("label-a")
    directory = write_dir(tmp_path, pumps=pump_table(PUMP_ROW, bad))
    with pytest.raises(
        data.DataValidationError,
        match=r"data/pumps\.csv, line 3, column 'source_ids': is empty",
    ):
        data.pumps(directory)


def test_unknown_source_id_is_reported(tmp_path):
    bad = PUMP_ROW.replace("label-a", "label-a;nobody-2020")
    directory = write_dir(tmp_path, pumps=pump_table(bad))
    with pytest.raises(
        data.DataValidationError,
        match=r"data/pumps\.csv, line 2, column 'source_ids': source 'nobody-2020' is not in",
    ):
        data.pumps(directory)


def test_text_in_number_column_is_reported(tmp_path):
    bad = PUMP_ROW.replace("A-20,20,", "A-20,twenty,")
    directory = write_dir(tmp_path, pumps=pump_table(PUMP_ROW, PUMP_ROW, bad))
    with pytest.raises(
        data.DataValidationError,
        match=r"data/pumps\.csv, line 4, column 'reservoir_ml': 'twenty' is not a number",
    ):
        data.pumps(directory)


def test_negative_and_zero_numbers_are_reported(tmp_path):
    bad = PUMP_ROW.replace("A-20,20,", "A-20,0,").replace(",2,1,", ",-2,1,")
    directory = write_dir(tmp_path, pumps=pump_table(bad))
    with pytest.raises(data.DataValidationError) as info:
        data.pumps(directory)
    text = str(info.value)
    assert "line 2, column 'reservoir_ml': '0' must be greater than zero" in text
    assert "line 2, column 'default_low_alarm_ml': '-2' must not be negative" in text


def test_missing_column_is_reported(tmp_path):
    header = PUMP_HEADER.replace(",mri", "")
    row = PUMP_ROW.replace(',"Stops in MRI."', "")
    directory = write_dir(tmp_path, pumps=f"{header}\n{row}\n")
    with pytest.raises(data.DataValidationError, match=r"column 'mri': this column is missing"):
        data.pumps(directory)


def test_unknown_category_is_reported(tmp_path):
    bad = PUMP_ROW.replace("programmable peristaltic", "magic")
    directory = write_dir(tmp_path, pumps=pump_table(bad))
    with pytest.raises(
        data.DataValidationError,
        match=r"line 2, column 'mechanism': 'magic' is not one of: programmable peristaltic",
    ):
        data.pumps(directory)


def test_wrong_field_count_suggests_quoting(tmp_path):
    bad = PUMP_ROW.replace('"Battery."', "Battery, or age")
    directory = write_dir(tmp_path, pumps=pump_table(PUMP_ROW, bad))
    with pytest.raises(data.DataValidationError, match=r"line 3: has 17 fields .* double quotes"):
        data.pumps(directory)


def test_duplicate_key_is_reported(tmp_path):
    directory = write_dir(tmp_path, pumps=pump_table(PUMP_ROW, PUMP_ROW))
    with pytest.raises(data.DataValidationError, match=r"column 'pump_id': 'p20' appears more"):
        data.pumps(directory)


def test_drug_amount_must_match(tmp_path):
    table = "\n".join([DRUG_HEADER, DRUG_ROW.replace(",20,10,", ",20,40,")]) + "\n"
    with pytest.raises(
        data.DataValidationError,
        match=r"line 2, column 'drug_amount_mg': 40.0 mg does not equal",
    ):
        data.drug_products(write_dir(tmp_path, drug_products=table))


def test_line_numbers_follow_multiline_fields(tmp_path):
    multiline = PUMP_ROW.replace('"Reprogram."', '"Reprogram\nat a visit."')
    bad = PUMP_ROW.replace("p20,", "p40,").replace("A-20,20,", "A-20,x,")
    directory = write_dir(tmp_path, pumps=pump_table(multiline, bad))
    with pytest.raises(data.DataValidationError, match=r"line 4, column 'reservoir_ml'"):
        data.pumps(directory)


def test_bad_source_id_and_kind(tmp_path):
    sources = SOURCES + "Bad Id,blog,A blog.,\n"
    directory = write_dir(tmp_path)
    (directory / "sources.csv").write_text(sources, encoding="utf-8")
    with pytest.raises(data.DataValidationError) as info:
        data.sources(directory)
    text = str(info.value)
    assert "line 4, column 'kind': 'blog' is not one of: label" in text


def test_table_without_source_column(tmp_path):
    directory = write_dir(tmp_path, notes="note_id,text\nn1,hello\n")
    with pytest.raises(data.DataValidationError, match=r"column 'source_ids': this column is"):
        data.load_table("notes", directory)


def test_not_utf8(tmp_path):
    directory = write_dir(tmp_path)
    (directory / "pumps.csv").write_bytes(PUMP_HEADER.encode() + b"\n\xff\xfe\n")
    with pytest.raises(data.DataValidationError, match=r"data/pumps\.csv: the file is not UTF-8"):
        data.pumps(directory)


def test_missing_table(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"data/pumps\.csv does not exist"):
        data.pumps(write_dir(tmp_path))


def test_all_problems_are_listed(tmp_path):
    bad1 = PUMP_ROW.replace("A-20,20,", "A-20,big,")
    bad2 = PUMP_ROW.replace("p20,", "p21,").replace("label-a", "")
    directory = write_dir(tmp_path, pumps=pump_table(bad1, bad2))
    with pytest.raises(data.DataValidationError) as info:
        data.pumps(directory)
    assert len(info.value.problems) == 2
    assert str(info.value).startswith("2 problems in the course data:")


def test_edits_to_a_file_are_seen_without_restarting(tmp_path):
    directory = write_dir(tmp_path, pumps=pump_table(PUMP_ROW))
    assert data.pumps(directory).iloc[0]["reservoir_ml"] == 20.0
    path = directory / "pumps.csv"
    path.write_text(pump_table(PUMP_ROW.replace("A-20,20,", "A-20,40,")), encoding="utf-8")
    assert data.pumps(directory).iloc[0]["reservoir_ml"] == 40.0


def test_spec_field_lookup():
    spec = data.SPECS["side_effects"]
    assert spec.field("category").choices[0] == "common drug effect"
    with pytest.raises(KeyError, match="no column 'nope'; columns: effect_id"):
        spec.field("nope")
