"""Content tests of the sourced clinical tables: drug products, pumps and facts.

The loaders in ``itb_edu.data`` already enforce the schemas; these tests check what a clinical
reviewer would check: every labelled strength is present and nothing invented is, device
figures match the manufacturers' documents, unverified numbers are not published, and every
row cites sources that resolve. Expected values are written out by hand from the sources.
"""

from __future__ import annotations

import csv
import math
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itb_edu import data

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
DICTIONARY = REPO / "docs" / "data-dictionary.md"

HEADERS = {
    "drug_products": [
        "product_id",
        "brand",
        "manufacturer",
        "presentation",
        "use",
        "concentration_mcg_per_ml",
        "container_volume_ml",
        "drug_amount_mg",
        "source_ids",
    ],
    "pumps": [
        "pump_id",
        "manufacturer",
        "model",
        "model_number",
        "reservoir_ml",
        "mechanism",
        "powered_by",
        "dose_setting",
        "dose_change",
        "low_reservoir_alarm",
        "default_low_alarm_ml",
        "overinfusion_above_pct",
        "battery_life",
        "end_of_life",
        "mri",
        "source_ids",
    ],
    "facts": ["fact_id", "topic", "statement", "value", "unit", "status", "source_ids"],
}
TABLES = sorted(HEADERS)


def read_raw(name: str) -> list[dict[str, str]]:
    """Read a table with the csv module only, independent of the package loader."""
    with (DATA / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def products():
    return data.drug_products().set_index("product_id")


@pytest.fixture(scope="module")
def pumps():
    return data.pumps().set_index("pump_id")


@pytest.fixture(scope="module")
def facts():
    return data.facts().set_index("fact_id")


# --- file format -------------------------------------------------------------------------


@pytest.mark.parametrize("name", TABLES)
def test_header_is_exact_and_in_order(name: str) -> None:
    with (DATA / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == HEADERS[name]


@pytest.mark.parametrize("name", TABLES)
def test_every_row_has_as_many_fields_as_the_header(name: str) -> None:
    with (DATA / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    widths = {len(row) for row in rows}
    assert widths == {len(HEADERS[name])}


@pytest.mark.parametrize("name", TABLES)
def test_source_ids_are_semicolon_separated_without_spaces(name: str) -> None:
    for row in read_raw(name):
        cell = row["source_ids"]
        assert cell, f"{name}: a row has no source"
        assert " " not in cell, f"{name}: {cell!r} contains a space"
        assert all(part for part in cell.split(";")), f"{name}: {cell!r} has an empty id"


@pytest.mark.parametrize("name", TABLES)
def test_every_cited_source_is_in_sources_csv(name: str) -> None:
    known = {row["source_id"] for row in read_raw("sources")}
    cited = {sid for row in read_raw(name) for sid in row["source_ids"].split(";")}
    assert cited - known == set()


def test_clinical_rows_do_not_cite_only_the_authors(facts, products, pumps) -> None:
    for table in (facts, products, pumps):
        for cell in table["source_ids"]:
            assert cell != "itb-edu-authors"


@pytest.mark.parametrize(
    ("name", "key"), [("drug_products", "product_id"), ("pumps", "pump_id"), ("facts", "fact_id")]
)
def test_ids_are_unique_kebab_slugs(name: str, key: str) -> None:
    ids = [row[key] for row in read_raw(name)]
    assert len(ids) == len(set(ids))
    for value in ids:
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", value), value


# --- drug products -----------------------------------------------------------------------


def test_lioresal_has_every_labelled_ampule_and_nothing_else(products) -> None:
    lioresal = products[products["brand"] == "Lioresal Intrathecal"]
    found = {
        (row.concentration_mcg_per_ml, row.container_volume_ml, row.use)
        for row in lioresal.itertuples()
    }
    assert found == {
        (50.0, 1.0, "screening"),
        (500.0, 20.0, "refill"),
        (2000.0, 5.0, "refill"),
        (2000.0, 20.0, "refill"),
    }
    assert set(lioresal["presentation"]) == {"ampule"}


def test_gablofen_has_screening_syringe_and_three_refill_strengths_in_syringe_and_vial(
    products,
) -> None:
    gablofen = products[products["brand"] == "Gablofen"]
    found = {
        (row.concentration_mcg_per_ml, row.container_volume_ml, row.presentation, row.use)
        for row in gablofen.itertuples()
    }
    refill = {
        (conc, 20.0, presentation, "refill")
        for conc in (500.0, 1000.0, 2000.0)
        for presentation in ("prefilled syringe", "vial")
    }
    assert found == refill | {(50.0, 1.0, "prefilled syringe", "screening")}


def test_every_product_cites_a_label_or_an_ndc_listing(products) -> None:
    table = data.sources().set_index("source_id")
    for product_id, cell in products["source_ids"].items():
        cited = table.loc[cell.split(";")]
        official = (cited["kind"] == "label") | cited["citation"].str.contains("National Drug Code")
        assert official.any(), product_id


@pytest.mark.parametrize(
    ("product_id", "expected_mg"),
    [
        ("lioresal-it-50-1ml", 0.05),
        ("lioresal-it-500-20ml", 10.0),
        ("lioresal-it-2000-5ml", 10.0),
        ("lioresal-it-2000-20ml", 40.0),
        ("gablofen-50-1ml-syringe", 0.05),
        ("gablofen-500-20ml-vial", 10.0),
        ("gablofen-1000-20ml-syringe", 20.0),
        ("gablofen-2000-20ml-vial", 40.0),
    ],
)
def test_drug_amount_matches_the_label(products, product_id: str, expected_mg: float) -> None:
    assert products.loc[product_id, "drug_amount_mg"] == pytest.approx(expected_mg)


def test_drug_amount_is_concentration_times_volume_for_every_row(products) -> None:
    for row in products.itertuples():
        expected = row.concentration_mcg_per_ml * row.container_volume_ml / 1000.0
        assert math.isclose(row.drug_amount_mg, expected, rel_tol=1e-12), row.Index


def test_only_the_screening_strength_is_for_screening(products) -> None:
    screening = products[products["use"] == "screening"]
    assert set(screening["concentration_mcg_per_ml"]) == {50.0}
    assert set(screening["container_volume_ml"]) == {1.0}


def test_studied_3000_strength_and_oral_products_are_not_marketed_rows(products, facts) -> None:
    assert 3000.0 not in set(products["concentration_mcg_per_ml"])
    assert not products["brand"].str.contains("Ozobax", case=False).any()
    assert "3000" in facts.loc["gablofen-3000-studied", "statement"]


def write_product_table(root: Path, concentration: float, volume: float, amount_mg: float) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "sources.csv").write_text(
        "source_id,kind,citation,url\nsrc-a,label,A label,\n", encoding="utf-8"
    )
    with (root / "drug_products.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS["drug_products"])
        writer.writerow(
            ["p", "B", "M", "vial", "refill", concentration, volume, amount_mg, "src-a"]
        )
    return root


@settings(max_examples=20, deadline=None)
@given(
    concentration=st.sampled_from([50.0, 500.0, 1000.0, 2000.0]),
    volume=st.sampled_from([1.0, 5.0, 20.0]),
    error_mg=st.floats(min_value=0.001, max_value=5.0),
)
def test_loader_accepts_a_consistent_amount_and_rejects_an_inconsistent_one(
    concentration: float, volume: float, error_mg: float
) -> None:
    amount = concentration * volume / 1000.0
    with tempfile.TemporaryDirectory() as tmp:
        # Two folders: the loader caches each folder's tables.
        good = write_product_table(Path(tmp) / "good", concentration, volume, amount)
        bad = write_product_table(Path(tmp) / "bad", concentration, volume, amount + error_mg)
        loaded = data.drug_products(good)
        assert loaded["drug_amount_mg"].iloc[0] == pytest.approx(amount)
        with pytest.raises(data.DataValidationError, match="drug_amount_mg"):
            data.drug_products(bad)


# --- pumps -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pump_id", "model_number", "reservoir_ml"),
    [("synchromed-ii-20", "8637-20", 20.0), ("synchromed-ii-40", "8637-40", 40.0)],
)
def test_synchromed_ii_sizes_model_numbers_and_labelled_accuracy(
    pumps, pump_id: str, model_number: str, reservoir_ml: float
) -> None:
    row = pumps.loc[pump_id]
    assert row["manufacturer"] == "Medtronic"
    assert row["model"] == "SynchroMed II"
    assert row["model_number"] == model_number
    assert row["reservoir_ml"] == reservoir_ml
    assert row["default_low_alarm_ml"] == 2.0
    assert row["overinfusion_above_pct"] == 14.5  # the same labelling for both sizes
    assert "ecri-synchromed-overinfusion-2014" in row["source_ids"].split(";")
    assert "maino-2017-pocket-fill" not in row["source_ids"].split(";")
    assert row["mechanism"] == "programmable peristaltic"
    assert row["powered_by"] == "battery"
    assert "90 days" in row["end_of_life"]
    assert "2 to 24 hours" in row["mri"]


@pytest.mark.parametrize(
    ("pump_id", "ref", "reservoir_ml"),
    [("prometra-ii-20", "13827", 20.0), ("prometra-ii-40", "16827", 40.0)],
)
def test_prometra_ii_sizes_and_mri_emptying(
    pumps, pump_id: str, ref: str, reservoir_ml: float
) -> None:
    row = pumps.loc[pump_id]
    assert row["model_number"] == ref
    assert row["reservoir_ml"] == reservoir_ml
    assert row["mechanism"] == "programmable valve-gated"
    assert "Empty the reservoir before any MRI" in row["mri"]


def test_synchromed_figures_are_not_transferred_to_other_pumps(pumps) -> None:
    others = pumps[pumps["model"] != "SynchroMed II"]
    assert others["overinfusion_above_pct"].isna().all()
    assert others["default_low_alarm_ml"].isna().all()


def test_every_mechanism_category_is_represented(pumps) -> None:
    assert set(pumps["mechanism"]) == {
        "programmable peristaltic",
        "programmable valve-gated",
        "constant-flow gas-driven",
    }


def test_only_the_constant_flow_pump_has_no_battery(pumps) -> None:
    no_battery = pumps[pumps["powered_by"] == "none"]
    assert set(no_battery["mechanism"]) == {"constant-flow gas-driven"}
    assert (
        pumps.loc[pumps["powered_by"] == "battery", "mechanism"] != "constant-flow gas-driven"
    ).all()


def test_codman_reservoir_is_left_empty_because_no_exact_size_was_verified(pumps, facts) -> None:
    codman = pumps.loc["codman-3000"]
    assert math.isnan(codman["reservoir_ml"])
    assert facts.loc["codman-3000-volume", "value"] == "about 1"


def test_alarm_volume_is_below_the_reservoir_and_limits_are_percentages(pumps) -> None:
    known = pumps.dropna(subset=["default_low_alarm_ml", "reservoir_ml"])
    assert not known.empty
    assert (known["default_low_alarm_ml"] < known["reservoir_ml"]).all()
    limits = pumps["overinfusion_above_pct"].dropna()
    assert not limits.empty
    assert ((limits > 0) & (limits < 100)).all()


def test_pump_text_columns_are_filled(pumps) -> None:
    text = [
        "dose_setting",
        "dose_change",
        "low_reservoir_alarm",
        "battery_life",
        "end_of_life",
        "mri",
    ]
    assert pumps[text].notna().all().all()


# --- facts -------------------------------------------------------------------------------


def test_facts_are_numerous_and_status_is_only_v_or_s(facts) -> None:
    assert len(facts) >= 40
    assert set(facts["status"]) <= {"V", "S"}


def test_no_unverified_marker_is_published(facts) -> None:
    for column in ("statement", "value", "unit"):
        cells = facts[column].dropna()
        assert not cells.str.contains(r"\bU\b|unverified|TODO|TBD", regex=True).any(), column


def test_ranges_use_an_en_dash_not_a_hyphen(facts) -> None:
    values = facts["value"].dropna()
    assert not values.str.contains(r"\d-\d", regex=True).any()


@pytest.mark.parametrize(
    ("fact_id", "value", "unit"),
    [
        ("screening-first-bolus", "50", "mcg"),
        ("screening-second-bolus", "75", "mcg"),
        ("screening-third-bolus", "100", "mcg"),
        ("screening-small-children", "25", "mcg"),
        ("screening-onset", "30–60", "min"),
        ("screening-peak", "4–6", "h"),
        ("screening-duration", "4–8", "h"),
        ("initial-dose-double", "2", "× screening dose"),
        ("initial-dose-long-effect", "8", "h"),
        ("titration-spinal", "10–30", "% per 24 h"),
        ("titration-cerebral", "5–15", "% per 24 h"),
        ("maintenance-spinal-usual", "300–800", "mcg/day"),
        ("synchromed-battery-life", "5–7", "years"),
        ("synchromed-eri-90-days", "90", "days"),
        ("low-alarm-default-2ml", "2", "mL"),
        ("low-alarm-raised-4ml", "4", "mL"),
        ("refill-alarm-date-margin", "3–5", "days"),
        ("refill-travel-week-early", "1", "week"),
        ("pocket-fill-sensor-gap", "1; 2", "mL"),
        ("synchromed-dimensions", "87.5; 19.5; 26", "mm"),
        ("synchromed-flex-13-changes", "13", "changes per day"),
        ("implant-operation-duration", "1–4", "h"),
        ("ultrasound-transducer-distance", "15", "cm"),
        ("overinfusion-definition", "14.5; 0.16", "%"),
        ("mri-recovery-delay", "2–24", "h"),
        ("prometra-refill-date-rule", "3.0", "mL"),
        ("prometra-catheter-volume", "0.0026", "mL/cm"),
        ("prometra-ii-fav", "10", "µL"),
        ("stability-180-day-statement", "180", "days"),
        ("flex-dosing-children", "429.3 vs 211.9", "mcg/day"),
        ("weight-gain-velocity", "2.32 vs 2.93", "kg/year"),
        ("weight-bmi-cp-2025", "17.90 vs 19.13", "kg/m²"),
        ("synchromed-clinical-accuracy", "1; 2.5", "%"),
    ],
)
def test_key_fact_values(facts, fact_id: str, value: str, unit: str) -> None:
    assert facts.loc[fact_id, "value"] == value
    assert facts.loc[fact_id, "unit"] == unit


def test_stability_figure_is_framed_as_the_authors_statement_not_a_label_limit(facts) -> None:
    statement = facts.loc["stability-180-day-statement", "statement"]
    assert "authors" in statement
    assert "not a label limit" in statement


def test_secondary_facts_are_the_monograph_ranges(facts) -> None:
    secondary = set(facts.index[facts["status"] == "S"])
    assert {"maintenance-spinal-usual", "maintenance-cerebral-usual"} <= secondary


def test_fact_table_agrees_with_pump_table(facts, pumps) -> None:
    assert (
        facts.loc["low-alarm-default-2ml", "value"]
        == f"{pumps.loc['synchromed-ii-20', 'default_low_alarm_ml']:g}"
    )
    limit = facts.loc["overinfusion-definition", "value"].split("; ")[0]
    assert float(limit) == pumps.loc["synchromed-ii-20", "overinfusion_above_pct"]
    assert float(limit) == pumps.loc["synchromed-ii-40", "overinfusion_above_pct"]


def test_the_pocket_fill_study_is_taught_as_what_it_measured(facts) -> None:
    statement = facts.loc["pocket-fill-sensor-gap", "statement"]
    assert "fill-level sensor" in statement
    assert "volume injected" in statement
    assert "not limits for the residual drawn back" in statement
    assert "SynchroMed" not in statement
    assert "pocket-fill-gap-thresholds" not in facts.index


def test_withdrawal_look_alikes_rest_on_a_differential_diagnosis_source(facts) -> None:
    time_course = facts.loc["withdrawal-time-course"]
    assert "distinct from" in time_course["statement"]
    assert time_course["source_ids"] == "coffey-2002-withdrawal"
    look_alikes = facts.loc["withdrawal-look-alikes"]
    assert "coffey-2002-withdrawal" not in look_alikes["source_ids"]
    for condition in ("sepsis", "meningitis", "autonomic dysreflexia", "serotonin syndrome"):
        assert condition in look_alikes["statement"]


def test_every_topic_in_use_is_documented(facts) -> None:
    text = DICTIONARY.read_text(encoding="utf-8")
    for topic in set(facts["topic"]):
        assert re.fullmatch(r"[a-z]+(?:-[a-z]+)*", topic), topic
        assert f"`{topic}`" in text, f"topic {topic!r} is not listed in docs/data-dictionary.md"


@pytest.mark.parametrize("name", TABLES)
def test_every_column_is_described_in_the_data_dictionary(name: str) -> None:
    text = DICTIONARY.read_text(encoding="utf-8")
    section = text.split(f"`data/{name}.csv`", 1)[1].split("\n## ", 1)[0]
    for column in HEADERS[name]:
        assert f"| `{column}` |" in section, f"{name}.{column} is not described"
