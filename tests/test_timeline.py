"""The timing arithmetic, with no manim: exact frame counts and the phase table."""

from __future__ import annotations

import numpy as np
import pytest

from timeline import PhaseClock, TimingError, check_phases, exact_run_time, phase_frame_spans

NAMES = ["A", "B", "C"]


@pytest.mark.parametrize("fps", [15, 30, 60])
def test_exact_run_time_gives_exact_frame_counts(fps):
    # manim counts an animation's frames with np.arange and a still wait's with int().
    for frames in range(1, 3 * fps * 46):
        play = exact_run_time(frames, fps, "play")
        wait = exact_run_time(frames, fps, "wait")
        assert len(np.arange(0, play, 1 / fps)) == frames
        assert int(wait / (1 / fps)) == frames
        assert abs(play - frames / fps) < 1e-11
        assert abs(wait - frames / fps) < 1e-11


def test_naive_run_times_would_be_off_by_a_frame():
    # Why exact_run_time exists: frames / fps alone miscounts for some frame counts.
    fps = 60
    assert any(len(np.arange(0, n / fps, 1 / fps)) != n for n in range(1, 3000))
    assert any(int((n / fps) / (1 / fps)) != n for n in range(1, 3000))


def test_phase_spans_cover_the_video_without_gaps():
    phases = {"A": 3.0, "B": 4.0, "C": 10.0 / 3}
    spans = phase_frame_spans(phases, 60)
    starts = [start for start, _ in spans.values()]
    ends = [end for _, end in spans.values()]
    assert starts[0] == 0
    assert starts[1:] == ends[:-1]
    assert ends[-1] == round(sum(phases.values()) * 60)
    assert spans["A"] == (0, 180)


def test_check_phases_returns_the_scene_order():
    checked = check_phases({"C": 2, "A": 1.5, "B": 3}, NAMES)
    assert list(checked) == NAMES
    assert checked == {"A": 1.5, "B": 3.0, "C": 2.0}


@pytest.mark.parametrize(
    ("phases", "named"),
    [
        ({"A": 1, "B": 1}, "'C'"),
        ({"A": 1, "B": 1, "C": 1, "D": 1}, "'D'"),
        ({"A": 1, "B": 0, "C": 1}, "'B'"),
        ({"A": 1, "B": -2, "C": 1}, "'B'"),
        ({"A": "3", "B": 1, "C": 1}, "'A'"),
        ({"A": 1, "B": 1, "C": float("nan")}, "'C'"),
        ({"A": True, "B": 1, "C": 1}, "'A'"),
        ({"A": 1, "B": 0.2, "C": 1}, "'B'"),
    ],
)
def test_check_phases_names_the_bad_phase(phases, named):
    with pytest.raises(TimingError, match=named):
        check_phases(phases, NAMES)


def test_clock_hands_out_shares_and_refuses_to_overrun():
    clock = PhaseClock(60)
    assert clock.take(0.25) == 15
    assert clock.take(0.001) == 1
    assert clock.remaining == 44
    with pytest.raises(ValueError, match="more than"):
        clock.take(0.9)


# ------------------------------------------------ phases the network may not play

LAYERS = ["Intro", "Layer 1", "Layer 2", "Layer 3", "Outro"]
TABLE = {"Intro": 2.0, "Layer 1": 10.0, "Layer 2": 8.0, "Outro": 4.0}


def test_a_phase_without_an_entry_takes_its_stand_in():
    checked = check_phases(TABLE, LAYERS, stand_ins={"Layer 3": "Layer 2"})
    assert checked == {"Intro": 2.0, "Layer 1": 10.0, "Layer 2": 8.0, "Layer 3": 8.0, "Outro": 4.0}
    assert list(checked) == LAYERS


def test_an_entry_of_its_own_beats_the_stand_in():
    checked = check_phases({**TABLE, "Layer 3": 5.0}, LAYERS, stand_ins={"Layer 3": "Layer 2"})
    assert checked["Layer 3"] == 5.0


def test_optional_phases_are_checked_but_not_played():
    played = ["Intro", "Layer 1", "Outro"]
    checked = check_phases(TABLE, played, optional=["Layer 2", "Layer 3"])
    assert checked == {"Intro": 2.0, "Layer 1": 10.0, "Outro": 4.0}
    with pytest.raises(TimingError, match=r"PHASES\['Layer 2'\]"):
        check_phases({**TABLE, "Layer 2": 0}, played, optional=["Layer 2"])
    with pytest.raises(TimingError, match="unknown phase 'Layer 4'"):
        check_phases({**TABLE, "Layer 4": 3.0}, played, optional=["Layer 2", "Layer 3"])


def test_a_stand_in_missing_from_the_table_leaves_the_phase_missing():
    table = {name: seconds for name, seconds in TABLE.items() if name != "Layer 2"}
    with pytest.raises(TimingError, match="'Layer 2' is missing"):
        check_phases(table, LAYERS, stand_ins={"Layer 3": "Layer 2"})
    with pytest.raises(TimingError, match="'Layer 3' is missing"):
        check_phases(table, ["Intro", "Layer 1", "Layer 3", "Outro"], stand_ins={"Layer 3": "Layer 2"})
