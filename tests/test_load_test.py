"""scripts/load_test.py: the pure parts (percentile, arrivals, configuration layers, frames).

The burst itself is heavy (30 kernels on two cores) and runs only with ``make loadtest``.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import math
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jupyter_server.services.kernels.connection.base import (
    deserialize_msg_from_ws_v1,
    serialize_msg_to_ws_v1,
)

ROOT = Path(__file__).resolve().parents[1]
CLASSROOM = ["--config", "etc/classroom", "--config", "etc"]


def _load():
    spec = importlib.util.spec_from_file_location("load_test", ROOT / "scripts" / "load_test.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["load_test"] = module
    spec.loader.exec_module(module)
    return module


lt = _load()


# --- the percentile -------------------------------------------------------------------------


def test_p95_of_thirty_learners_is_the_29th_fastest():
    times = [float(i) for i in range(1, 31)]
    assert lt.nearest_rank(times, 95) == 29.0
    assert lt.nearest_rank(list(reversed(times)), 95) == 29.0  # order does not matter
    assert lt.nearest_rank(times, 50) == 15.0
    assert lt.nearest_rank(times, 100) == 30.0


def test_nearest_rank_textbook_example_and_edges():
    assert lt.nearest_rank([15, 20, 35, 40, 50], 30) == 20
    assert lt.nearest_rank([15, 20, 35, 40, 50], 40) == 20
    assert lt.nearest_rank([15, 20, 35, 40, 50], 50) == 35
    assert lt.nearest_rank([7.0], 95) == 7.0
    assert lt.nearest_rank([], 95) is None


def test_a_learner_who_never_became_interactive_counts_as_slowest():
    times = [1.0] * 28 + [math.inf, math.inf]
    assert lt.nearest_rank(times, 95) == math.inf  # two of thirty failed: p95 fails too
    assert lt.nearest_rank([1.0] * 29 + [math.inf], 95) == 1.0  # one may be slow


@pytest.mark.parametrize("percent", [0, -5, 100.5])
def test_nearest_rank_refuses_a_percent_outside_0_100(percent):
    with pytest.raises(ValueError, match="percent"):
        lt.nearest_rank([1.0], percent)


@given(
    st.lists(st.floats(min_value=0, max_value=1e4, allow_nan=False), min_size=1, max_size=60),
    st.floats(min_value=0.01, max_value=100),
)
def test_nearest_rank_is_a_measured_value_with_enough_at_or_below(values, percent):
    result = lt.nearest_rank(values, percent)
    assert result in values
    at_or_below = sum(v <= result for v in values)
    assert at_or_below >= percent / 100 * len(values) - 1e-9
    assert sum(v < result for v in values) < percent / 100 * len(values) + 1e-9


def test_interactive_times_leave_out_refusals_and_count_errors_as_never():
    ok = lt.Session(1, outcome="ok", tti_s=2.0)
    refused = lt.Session(2, outcome="refused (room full)", page_s=0.1)
    failed = lt.Session(3, outcome="error", page_s=5.0)
    assert lt.interactive_times([ok, refused, failed]) == [2.0, math.inf]


# --- arrivals -------------------------------------------------------------------------------


def test_thirty_arrivals_spread_evenly_over_three_seconds():
    offsets = lt.arrival_offsets(30, 3.0)
    assert len(offsets) == 30
    assert offsets[0] == 0.0
    assert offsets[-1] == pytest.approx(3.0)
    gaps = [b - a for a, b in itertools.pairwise(offsets)]
    assert gaps == pytest.approx([3.0 / 29] * 29, abs=1e-5)
    assert lt.arrival_offsets(30, 0) == [0.0] * 30


# --- configuration layers -------------------------------------------------------------------


def test_merge_replaces_a_setting_whole_and_merges_sections():
    base = {"A": {"x": 1, "pools": {"a": 1, "b": 2}}, "B": {"y": 1}}
    over = {"A": {"pools": {"c": 3}}}
    assert lt.merge_config(base, over) == {"A": {"x": 1, "pools": {"c": 3}}, "B": {"y": 1}}
    assert base["A"]["pools"] == {"a": 1, "b": 2}  # inputs untouched


def test_classroom_layer_sizes_the_pool_for_a_class_and_keeps_the_room_settings():
    room = json.loads((ROOT / "etc" / "voila.json").read_text())
    layer = json.loads((ROOT / "etc" / "classroom" / "voila.json").read_text())
    merged = lt.load_config([ROOT / "etc" / "classroom", ROOT / "etc"])
    pools = merged["VoilaKernelManager"]["kernel_pools_config"]
    assert pools == layer["VoilaKernelManager"]["kernel_pools_config"]
    assert pools["default"]["pool_size"] == 0  # the other notebooks are not pre-heated
    class_pool = pools["02_reservoir_simulator.ipynb"]["pool_size"]
    assert class_pool >= 30  # the whole class of the burst gets a finished page
    assert class_pool < merged["CappedKernelManager"]["max_kernels"]  # room for latecomers
    assert merged["KernelManager"]["transport"] == "ipc"  # no TCP port race at 30 starts
    # Everything else is the room configuration of make app, unchanged.
    for section in ("Voila", "VoilaConfiguration", "CappedKernelManager", "MappingKernelManager"):
        assert merged[section] == room[section]
    assert merged["VoilaKernelManager"]["fill_delay"] == room["VoilaKernelManager"]["fill_delay"]
    assert "token" not in json.dumps(layer).lower()


def test_laptop_room_stays_small():
    room = lt.load_config([ROOT / "etc"])
    pools = room["VoilaKernelManager"]["kernel_pools_config"]
    assert max(p["pool_size"] for p in pools.values()) < 10  # make app, the test servers


def test_load_test_moves_the_classroom_pool_to_the_notebook_under_test():
    args = lt.parse_args([*CLASSROOM, "--notebook", "notebooks/08_join_room.ipynb"])
    config, pool_size = lt.room_config(Path("notebooks/08_join_room.ipynb"), args)
    assert pool_size == 30
    assert config["VoilaKernelManager"]["kernel_pools_config"] == {
        "default": {"pool_size": 0},
        "08_join_room.ipynb": {"pool_size": 30},
    }
    assert config["KernelManager"]["transport"] == "ipc"
    assert config["Voila"]["ip"] == "127.0.0.1"


def test_a_pool_the_configuration_names_for_the_notebook_wins(tmp_path):
    (tmp_path / "voila.json").write_text(
        json.dumps(
            {
                "VoilaKernelManager": {
                    "kernel_pools_config": {
                        "default": {"pool_size": 0},
                        "big.ipynb": {"pool_size": 9},
                        "small.ipynb": {"pool_size": 2},
                    }
                }
            }
        )
    )
    args = lt.parse_args(["--config", str(tmp_path), "--config", "etc", "--fill-delay", "12"])
    config, pool_size = lt.room_config(Path("small.ipynb"), args)
    assert pool_size == 2
    assert config["VoilaKernelManager"]["fill_delay"] == 12
    _, pool_size = lt.room_config(Path("other.ipynb"), args)
    assert pool_size == 9


# --- options --------------------------------------------------------------------------------


def test_options_keep_ramp_and_default_to_a_three_second_burst():
    args = lt.parse_args([])
    assert (args.sessions, args.spread, args.p95_target) == (30, 3.0, 10.0)
    assert args.notebook == "notebooks/02_reservoir_simulator.ipynb"
    assert lt.parse_args(["--ramp", "60"]).spread == 60.0
    assert lt.parse_args(["--spread", "0"]).spread == 0.0


@pytest.mark.parametrize(
    "argv",
    [
        ["--p95-target", "0"],
        ["--spread", "-1"],
        ["--fill-delay", "-1"],
        ["--warmup-timeout", "0"],
        ["--config", "no/such/folder"],
    ],
)
def test_bad_options_are_refused(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        lt.parse_args(argv)
    assert stop.value.code == 2
    assert "must" in capsys.readouterr().err


def test_make_loadtest_uses_the_classroom_configuration():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nloadtest:", 1)[1].split("\n\n", 1)[0]
    assert "--config etc/classroom --config etc" in recipe


# --- kernel websocket frames (v1 protocol, as the page speaks it) ---------------------------


def test_frames_round_trip_through_jupyter_servers_own_v1_codec():
    message = {
        "header": {"msg_id": "m1", "msg_type": "comm_msg"},
        "parent_header": {},
        "metadata": {},
        "content": {"comm_id": "c1", "data": {"method": "request_states"}},
    }
    frame = lt.encode_frame("shell", message)
    channel, parts = deserialize_msg_from_ws_v1(frame)
    assert channel == "shell"
    assert [json.loads(p) for p in parts] == [
        message["header"],
        message["parent_header"],
        message["metadata"],
        message["content"],
    ]
    reply_parts = [
        json.dumps({"msg_type": "comm_msg"}).encode(),
        json.dumps({"msg_id": "m1"}).encode(),
        b"{}",
        json.dumps({"comm_id": "c1", "data": {"method": "update_states", "states": {}}}).encode(),
        b"\x00\x01binary",
    ]
    decoded = lt.decode_frame(serialize_msg_to_ws_v1(reply_parts, "iopub"))
    assert decoded["channel"] == "iopub"
    assert decoded["msg_type"] == "comm_msg"
    assert decoded["parent_header"] == {"msg_id": "m1"}
    assert decoded["content"]["data"]["method"] == "update_states"
    assert decoded["buffers"] == [b"\x00\x01binary"]


def test_table_and_numbers_for_the_report():
    assert lt.fmt(math.inf) == "never"
    assert lt.fmt(None) == "–"
    assert lt.fmt(0.654, 2) == "0.65"
    assert lt.ordinal(29) == "29th"
    assert [lt.ordinal(n) for n in (1, 2, 3, 11, 12, 13, 21, 22, 23)] == [
        "1st",
        "2nd",
        "3rd",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "23rd",
    ]


def test_the_scripts_examples_hold():
    import doctest

    assert doctest.testmod(lt, raise_on_error=False).failed == 0


def test_a_page_must_hold_as_many_app_outputs_as_the_stored_notebook():
    from tests.browser.test_lab_notebooks import expected_outputs

    assert lt.widget_views(ROOT / "notebooks" / "08_join_room.ipynb") == 1  # the seat
    simulator = ROOT / "notebooks" / "02_reservoir_simulator.ipynb"
    assert lt.widget_views(simulator) == expected_outputs(simulator)[1] > 0


def test_voila_waits_long_enough_for_the_outputs_of_a_pool_pre_heating_at_once():
    """With Voilà's default 4 s, 30 join pages pre-heating together lost their app output."""
    config = json.loads((ROOT / "etc" / "voila.json").read_text())
    assert config["VoilaExecutor"]["iopub_timeout"] >= 30
