"""Tests for itb_edu.side_effects: the sourced tables, filtering and the missed-refill timeline."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from itb_edu import data
from itb_edu import side_effects as se

REPO_DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def table():
    return data.side_effects()


# --- the course table ------------------------------------------------------------


def test_table_has_at_least_20_sourced_rows_in_every_category(table) -> None:
    assert len(table) >= 20
    assert set(table["category"]) == set(se.CATEGORIES)
    assert table["effect_id"].is_unique
    for _, row in table.iterrows():
        for column in ("name", "description", "frequency", "nurse_action", "source_ids"):
            assert isinstance(row[column], str), (row.effect_id, column)
            assert row[column].strip(), (row.effect_id, column)


def test_every_row_cites_a_clinical_source(table) -> None:
    known = set(data.sources()["source_id"])
    for _, row in table.iterrows():
        ids = [s.strip() for s in row.source_ids.split(";")]
        assert all(i in known for i in ids), row.effect_id
        assert any(i != "itb-edu-authors" for i in ids), row.effect_id


def test_rows_with_numbers_cite_the_source_of_the_number(table) -> None:
    """Spot-check numbers in the frequency column against the source they came from."""
    by_id = table.set_index("effect_id")
    somnolence = by_id.loc["drowsiness"]
    assert "13 of 244" in somnolence.frequency
    assert "11 of 214" in somnolence.frequency
    assert "18 of 214" in somnolence.frequency
    assert "lioresal-it-adverse-table" in somnolence.source_ids
    assert "50 of 720" in by_id.loc["pocket-infection"].frequency
    assert "jco-2019-itb-cp-complications" in by_id.loc["pocket-infection"].source_ids
    assert "85 of 341" in by_id.loc["csf-leak"].frequency
    assert "2.32" in by_id.loc["weight-gain"].frequency
    assert "mccoy-2006-weight-gain" in by_id.loc["weight-gain"].source_ids


def test_percentages_match_their_counts(table) -> None:
    """Every 'x % ... (a of b)' pair in the frequency column agrees to within 0.1 %."""
    pattern = re.compile(r"(\d+(?:\.\d+)?) % [^()]*\((\d+) of (\d+)\)")
    checked = 0
    for text in table["frequency"]:
        for percent, part, whole in pattern.findall(text):
            # the papers round or truncate to one decimal (50 of 341 = 14.66 is printed 14.6)
            assert abs(100 * int(part) / int(whole) - float(percent)) < 0.1, text
            checked += 1
    assert checked >= 5


def test_unverified_us_incidence_percentages_are_not_published(table) -> None:
    """Only somnolence has verified per-phase percentages; other drug effects stay qualitative."""
    drug_rows = table[table["category"].isin(["common drug effect", "serious drug effect"])]
    for _, row in drug_rows.iterrows():
        if row.effect_id in ("drowsiness", "weight-gain"):
            continue
        assert "%" not in row.frequency, row.effect_id


def test_seed_and_fact_sheet_effects_are_covered(table) -> None:
    names = " ".join(table["name"]).casefold()
    for word in (
        "dizziness",
        "drowsiness",
        "well-being",
        "light-headedness",
        "vision",
        "clumsiness",
        "nausea",
        "hypotension",
        "headache",
        "seizures",
        "hypotonia",
        "agitation",
        "constipation",
        "urinary retention",
        "chills",
        "sexual",
        "itching",
        "tingling",
        "fever",
        "rigidity",
        "meningitis",
        "(csf) leak",
        "infection",
        "catheter",
        "breathing",
        "coma",
        "temperature",
    ):
        assert word in names, word


def test_boxed_warning_risk_groups_are_stated(table) -> None:
    text = table.set_index("effect_id").loc["withdrawal-spasticity", "phase_or_population"]
    assert "T6 or above" in text
    assert "communication" in text
    assert "withdrawal" in text


def test_comparison_table() -> None:
    compare = data.withdrawal_vs_overdose()
    assert len(compare) >= 8
    aspects = set(compare["aspect_id"])
    for needed in ("early-signs", "time-course", "higher-risk", "first-actions", "shared-signs"):
        assert needed in aspects
    row = compare.set_index("aspect_id").loc["time-course"]
    assert "1 to 3 days" in row.withdrawal
    assert "coffey-2002-withdrawal" in row.source_ids
    risk = compare.set_index("aspect_id").loc["higher-risk"]
    assert "T6" in risk.withdrawal


def test_weight_studies_figures() -> None:
    studies = data.weight_studies().set_index("measure_id")
    assert studies.loc["mccoy-weight-velocity", "before"] == pytest.approx(2.32)
    assert studies.loc["mccoy-weight-velocity", "after"] == pytest.approx(2.93)
    assert studies.loc["jnsp-bmi", "before"] == pytest.approx(17.90)
    assert studies.loc["jnsp-bmi", "after"] == pytest.approx(19.13)
    assert studies.loc["jnsp-bmi", "n_patients"] == 237
    assert studies.loc["jnsp-bmi-velocity", "after"] == pytest.approx(0.46)


# --- validation of a broken copy ----------------------------------------------------


def _copy_data(tmp_path: Path) -> Path:
    for name in ("sources.csv", "side_effects.csv"):
        shutil.copy(REPO_DATA / name, tmp_path / name)
    return tmp_path


def test_unknown_category_is_reported_with_line(tmp_path: Path) -> None:
    root = _copy_data(tmp_path)
    path = root / "side_effects.csv"
    text = path.read_text(encoding="utf-8").replace(",common drug effect,", ",mild,", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(data.DataValidationError, match=r"line 2, column 'category'.*'mild'"):
        data.side_effects(root)


def test_unknown_source_is_reported_with_line(tmp_path: Path) -> None:
    root = _copy_data(tmp_path)
    path = root / "side_effects.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].rsplit(",", 1)[0] + ",no-such-source"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(data.DataValidationError, match=r"line 3, column 'source_ids'"):
        data.side_effects(root)


# --- filtering ------------------------------------------------------------------------


def test_filter_by_category(table) -> None:
    overdose = se.filter_effects(table, "overdose")
    assert len(overdose) == se.category_counts(table)["overdose"]
    assert set(overdose["category"]) == {"overdose"}
    both = se.filter_effects(table, ["early withdrawal", "severe withdrawal"])
    assert set(both["category"]) == {"early withdrawal", "severe withdrawal"}
    assert len(se.filter_effects(table, [])) == 0
    assert len(se.filter_effects(table)) == len(table)


def test_search_is_case_insensitive_and_needs_every_word(table) -> None:
    hits = se.filter_effects(table, text="ITCHING")
    assert "withdrawal-itching" in set(hits["effect_id"])
    both = se.filter_effects(table, text="fever  withdrawal")
    assert "withdrawal-fever" in set(both["effect_id"])
    assert len(se.filter_effects(table, text="itching zzzz")) == 0
    assert len(se.filter_effects(table, text="   ")) == len(table)


def test_search_within_category(table) -> None:
    hits = se.filter_effects(table, "overdose", "breathing")
    assert set(hits["category"]) == {"overdose"}
    assert "overdose-breathing" in set(hits["effect_id"])


@pytest.mark.parametrize("bad", ["mild", ["overdose", "Overdose"], ["side effect"]])
def test_unknown_category_raises(table, bad) -> None:
    with pytest.raises(ValueError, match=r"categories contains '.*', which is not one of"):
        se.filter_effects(table, bad)


def test_non_string_search_raises(table) -> None:
    with pytest.raises(ValueError, match=r"text must be a string, got 3"):
        se.filter_effects(table, text=3)  # type: ignore[arg-type]


@given(st.text(max_size=12))
def test_search_never_adds_rows(text: str) -> None:
    table = data.side_effects()
    hits = se.filter_effects(table, text=text)
    assert set(hits.index) <= set(table.index)
    narrower = se.filter_effects(table, text=text + " itching")
    assert set(narrower.index) <= set(hits.index)


def test_for_display_effects(table) -> None:
    shown = se.for_display(table)
    assert list(shown.columns) == list(se.EFFECT_HEADINGS.values())
    first = table.iloc[0]
    assert shown.iloc[0]["Sources"] == first.source_ids.replace(";", "; ")
    assert "; " in shown.iloc[0]["Sources"]
    picked = se.for_display(table, ["name", "frequency"])
    assert list(picked.columns) == ["Effect", "How often"]
    assert len(picked) == len(table)
    # the original is untouched
    assert ";" in table.iloc[0]["source_ids"]
    assert "; " not in table.iloc[0]["source_ids"]


def test_for_display_comparison() -> None:
    compare = data.withdrawal_vs_overdose()
    shown = se.for_display(compare)
    assert list(shown.columns) == list(se.COMPARISON_HEADINGS.values())
    assert shown.iloc[0]["Withdrawal (too little)"] == compare.iloc[0]["withdrawal"]


def test_for_display_unknown_column(table) -> None:
    with pytest.raises(ValueError, match=r"columns contains 'colour', which is not in the table"):
        se.for_display(table, ["name", "colour"])


def test_category_counts_sum(table) -> None:
    counts = se.category_counts(table)
    assert list(counts) == list(se.CATEGORIES)
    assert sum(counts.values()) == len(table)
    assert se.category_counts(table.iloc[0:0]) == dict.fromkeys(se.CATEGORIES, 0)


# --- missed-refill timeline -------------------------------------------------------------

ALARM = datetime(2026, 3, 1, 9, 30)
EMPTY = datetime(2026, 3, 5, 21, 0)


def test_timeline_phases_hand_computed() -> None:
    phases = se.missed_refill_timeline(ALARM, EMPTY, lead_days=7)
    assert [p.name for p in phases] == [
        "Refill window",
        "Low-reservoir alarm",
        "Running low",
        "Reservoir empty",
        "Withdrawal evolves (1-3 days)",
        "Untreated severe withdrawal",
    ]
    assert phases[0].start == datetime(2026, 2, 22, 9, 30)
    assert phases[0].end == ALARM
    assert phases[1].is_moment
    assert phases[1].start == ALARM
    assert (phases[2].start, phases[2].end) == (ALARM, EMPTY)
    assert phases[3].is_moment
    assert phases[3].start == EMPTY
    assert phases[4].end == datetime(2026, 3, 8, 21, 0)
    assert phases[5].end == datetime(2026, 3, 15, 21, 0)
    known = set(data.sources()["source_id"])
    for phase in phases:
        assert phase.source_ids
        assert set(phase.source_ids) <= known
    assert "coffey-2002-withdrawal" in phases[4].source_ids


def test_timeline_accepts_dates_and_equal_moments() -> None:
    phases = se.missed_refill_timeline(date(2026, 3, 1), date(2026, 3, 1))
    assert phases[2].start == phases[2].end == datetime(2026, 3, 1)


def test_timeline_aware_moments() -> None:
    tz = timezone(timedelta(hours=1))
    phases = se.missed_refill_timeline(ALARM.replace(tzinfo=tz), EMPTY.replace(tzinfo=tz))
    assert phases[4].end.tzinfo == tz


@pytest.mark.parametrize(
    ("alarm", "empty", "lead", "pattern"),
    [
        (EMPTY, ALARM, 7, r"empty_at \(2026-03-01T09:30:00\) is before low_alarm_at"),
        ("1st March", EMPTY, 7, r"low_alarm_at must be a date such as '2026-04-17'.*'1st March'"),
        (ALARM, None, 7, r"empty_at must be a date such as '2026-04-17' .*, got None"),
        (ALARM, EMPTY, 0, r"lead_days must be greater than zero, got 0"),
        (ALARM, EMPTY, float("nan"), r"lead_days must be a finite number"),
        (
            ALARM.replace(tzinfo=UTC),
            EMPTY,
            7,
            r"must both be naive or both time-zone aware",
        ),
    ],
)
def test_timeline_bad_input(alarm, empty, lead, pattern) -> None:
    with pytest.raises(ValueError, match=pattern):
        se.missed_refill_timeline(alarm, empty, lead_days=lead)


@pytest.mark.parametrize(
    ("moment", "stage"),
    [
        (datetime(2026, 3, 1, 9, 29), 0),
        (ALARM, 1),
        (datetime(2026, 3, 5, 20, 59), 1),
        (EMPTY, 2),
        (datetime(2026, 3, 8, 21, 0), 2),
        (datetime(2026, 3, 8, 21, 1), 3),
        (date(2026, 3, 15), 3),
    ],
)
def test_stage_at_boundaries(moment, stage) -> None:
    assert se.stage_at(moment, ALARM, EMPTY) == se.STAGES[stage]


def test_iso_strings_are_accepted() -> None:
    assert se.as_moment("when", "2026-04-17") == datetime(2026, 4, 17)
    assert se.as_moment("when", " 2026-04-17 09:30 ") == datetime(2026, 4, 17, 9, 30)
    assert se.stage_at("2026-03-07", "2026-03-01 09:30", EMPTY) == se.STAGES[2]
    phases = se.missed_refill_timeline("2026-03-01 09:30", "2026-03-05 21:00")
    assert phases == se.missed_refill_timeline(ALARM, EMPTY)


def test_timeline_for_a_refill_plan() -> None:
    from itb_edu import reservoir

    # 20 mL of 2000 mcg/mL at 400 mcg/day: 0.2 mL/day, alarm (2 mL) after 90 days, empty after 100
    plan = reservoir.plan_refill(
        fill_volume_ml=20,
        concentration_mcg_per_ml=2000,
        refill_at=date(2026, 1, 5),
        daily_dose_mcg=400,
    )
    phases = se.timeline_for(plan)
    assert phases[1].start == datetime(2026, 4, 5)
    assert phases[3].start == datetime(2026, 4, 15)
    assert se.stage_at("2026-04-17", plan.low_alarm_at, plan.empty_at) == se.STAGES[2]


def test_timeline_for_a_stopped_pump_raises() -> None:
    class Stopped:
        low_alarm_at = None
        empty_at = None

    with pytest.raises(ValueError, match=r"plan must reach its low-reservoir alarm"):
        se.timeline_for(Stopped())


def test_cited_source_ids_cover_tables_quiz_and_timeline() -> None:
    ids = se.cited_source_ids()
    assert len(ids) == len(set(ids))
    assert ids[-1] == "itb-edu-authors"
    for needed in (
        "lioresal-us-label",
        "coffey-2002-withdrawal",
        "mccoy-2006-weight-gain",
        "jns-pediatr-2025-itb-bmi",
        "gillette-itb-refills",
        "neurosurgery-2004-residual-volume",
    ):
        assert needed in ids
    table_ids = {i.strip() for cell in data.side_effects()["source_ids"] for i in cell.split(";")}
    assert table_ids <= set(ids)
    assert set(ids) <= set(data.sources()["source_id"])


def test_stage_at_bad_moment() -> None:
    with pytest.raises(ValueError, match=r"moment must be a date such as '2026-04-17' .*, got 5"):
        se.stage_at(5, ALARM, EMPTY)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"must both be naive or both aware"):
        se.stage_at(ALARM.replace(tzinfo=UTC), ALARM, EMPTY)


@given(
    offset_hours=st.integers(min_value=0, max_value=24 * 60),
    gap_hours=st.integers(min_value=0, max_value=24 * 30),
    probe_hours=st.integers(min_value=-24 * 10, max_value=24 * 60),
)
def test_stages_advance_in_order(offset_hours: int, gap_hours: int, probe_hours: int) -> None:
    alarm = datetime(2026, 1, 1) + timedelta(hours=offset_hours)
    empty = alarm + timedelta(hours=gap_hours)
    first = se.stage_at(alarm + timedelta(hours=probe_hours), alarm, empty)
    later = se.stage_at(alarm + timedelta(hours=probe_hours + 1), alarm, empty)
    assert se.STAGES.index(later) >= se.STAGES.index(first)
    phases = se.missed_refill_timeline(alarm, empty)
    starts = [p.start for p in phases]
    assert starts == sorted(starts)


# --- the notebook ----------------------------------------------------------------------

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "03_side_effects_and_safety.ipynb"


def _cited_ids() -> set[str]:
    from itb_edu import quiz

    ids: set[str] = set()
    for frame in (
        data.side_effects(),
        data.withdrawal_vs_overdose(),
        data.weight_studies(),
    ):
        for cell in frame["source_ids"]:
            ids |= {i.strip() for i in cell.split(";") if i.strip()}
    for question in quiz.load_quiz("03_side_effects_and_safety"):
        ids |= set(question.source_ids)
    for phase in se.missed_refill_timeline(datetime(2026, 4, 5), datetime(2026, 4, 15)):
        ids |= set(phase.source_ids)
    return ids


def test_notebook_sources_list_every_cited_source() -> None:
    import json

    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    last = cells[-1]
    assert "".join(last["source"]) == "nb.sources_table(se.cited_source_ids())"
    stored = "".join(last["outputs"][0]["data"]["text/html"])
    missing = sorted(i for i in _cited_ids() if f"<td>{i}</td>" not in stored)
    assert not missing, missing
    assert _cited_ids() == set(se.cited_source_ids())


def test_notebook_prints_no_quiz_answer() -> None:
    """Quiz explanations never appear in the stored notebook (only widgets are shown)."""
    import json

    from itb_edu import quiz

    text = json.dumps(json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"])
    for question in quiz.load_quiz("03_side_effects_and_safety"):
        assert question.explanation[:60] not in text, question.question_id
