"""The scene played without rendering: its timeline, its subtitles and its layout at every phase's end."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from dry_run import dry_run, forward_pass_labels, layout_problems, neuron_label_problems
from forward_pass import ForwardPassScene
from network_model import NETWORK_ENV_VAR, format_value, forward, load_network

FPS = 60
HALF_FRAME = 0.5 / FPS


def running_sums(phases):
    return dict(zip(phases, np.cumsum([0.0, *phases.values()])[:-1]))


def test_phases_match_the_specification():
    # The one place that pins the default table to the specification's 46 s; every other test reads PHASES.
    assert list(ForwardPassScene.PHASES.items()) == [
        ("Intro", 3),
        ("Input layer", 4),
        ("Layer 1 forward", 10),
        ("Layer 2 forward", 8),
        ("Output layer", 6),
        ("Prediction", 5),
        ("Weight matrix", 6),
        ("Outro", 4),
    ]
    assert sum(ForwardPassScene.PHASES.values()) == 46


def test_each_phase_starts_at_the_running_sum_of_the_table(default_run):
    expected = running_sums(ForwardPassScene.PHASES)
    assert list(default_run.section_starts) == list(expected)
    for name, start in expected.items():
        assert default_run.section_starts[name] == pytest.approx(start, abs=1e-9), name
    assert default_run.end_time == pytest.approx(sum(ForwardPassScene.PHASES.values()), abs=1e-9)


class SlowScene(ForwardPassScene):
    PHASES = {
        "Intro": 2.0,
        "Input layer": 5.5,
        "Layer 1 forward": 12.0,
        "Layer 2 forward": 9.0,
        "Output layer": 1.0,
        "Prediction": 7.25,
        "Weight matrix": 3.0,
        "Outro": 6.0,
    }


def test_a_subclass_with_other_timings_gets_a_video_of_that_length():
    run = dry_run(SlowScene)
    for name, start in running_sums(SlowScene.PHASES).items():
        assert run.section_starts[name] == pytest.approx(start, abs=1e-9), name
    assert run.end_time == pytest.approx(sum(SlowScene.PHASES.values()), abs=1e-9)


def test_subtitles_cover_the_video_phase_by_phase(default_run):
    cues = default_run.subcaptions
    starts = [cue.start.total_seconds() for cue in cues]
    ends = [cue.end.total_seconds() for cue in cues]
    assert starts[0] == 0
    assert ends[-1] == pytest.approx(sum(ForwardPassScene.PHASES.values()), abs=HALF_FRAME)
    for end, next_start in zip(ends, starts[1:]):
        assert next_start == pytest.approx(end, abs=1e-6), "a gap or an overlap between cues"
    for name, start in running_sums(ForwardPassScene.PHASES).items():
        assert any(abs(cue_start - start) < 1e-6 for cue_start in starts), f"no cue starts {name}"


def test_subtitles_carry_the_computed_numbers(default_run):
    trace = forward(load_network())
    text = " ".join(cue.content.replace("\n", " ") for cue in default_run.subcaptions)
    winner = trace.prediction
    assert f"{trace.predicted_class}, with probability {format_value(trace.probabilities[winner])}" in text
    for layer in trace.layers[:-1]:
        assert "(" + ", ".join(format_value(a) for a in layer.a) + ")" in text
    sums = re.findall(r"z = ([-\d.·() +]+?) = (-?\d+\.\d\d)", text)
    assert len(sums) == 2
    for expression, result in sums:
        # The subtitle's arithmetic, redone from its own text, gives its result.
        value = eval(expression.replace("·", "*"))  # noqa: S307 - digits and operators only
        assert format_value(value) == result


MIN_GLYPH = 0.13
"""The tallest glyph of any text, in scene units: 0.13 of the frame's 8 is 18 px at 1080p."""


def test_no_text_overlaps_leaves_the_frame_or_is_too_small(default_run):
    assert layout_problems(default_run, MIN_GLYPH) == []


def test_every_phase_shows_its_numbers(default_run):
    trace = forward(load_network())
    by_phase = {snap.phase: " ".join(name for name, _ in snap.texts) for snap in default_run.snapshots}
    assert "DecimalNumber('0.50')" in by_phase["Input layer"]
    for value in trace.layers[0].a:
        assert f"DecimalNumber('{format_value(value)}')" in by_phase["Layer 1 forward"]
    for value in trace.probabilities:
        assert format_value(value) in by_phase["Output layer"]
    outro = by_phase["Outro"]
    for activations in trace.activations:
        for value in activations:
            assert f"DecimalNumber('{format_value(value)}')" in outro


def test_each_neuron_shows_its_own_value_centred_inside_it(default_run):
    trace = forward(load_network())
    shown = forward_pass_labels(trace, list(ForwardPassScene.PHASES))
    assert neuron_label_problems(default_run, shown) == []


class ShortestScene(ForwardPassScene):
    PHASES = dict.fromkeys(ForwardPassScene.PHASES, 1.0)


@pytest.mark.parametrize("fps", [15, 60])
def test_the_shortest_phases_still_fit_every_beat(fps):
    run = dry_run(ShortestScene, frame_rate=fps)
    assert list(run.section_starts.values()) == pytest.approx([float(i) for i in range(8)], abs=1e-9)
    assert run.end_time == pytest.approx(8.0, abs=1e-9)


class DeeperTimings(ForwardPassScene):
    PHASES = {**ForwardPassScene.PHASES, "Layer 3 forward": 5.0}


def use_network(tmp_path, monkeypatch, sizes: list[int]) -> None:
    spec = {
        "layer_sizes": sizes,
        "inputs": [0.5] * sizes[0],
        "seed": 3,
        "class_names": [f"Class {i}" for i in range(sizes[-1])],
    }
    path = tmp_path / "network.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    monkeypatch.setenv(NETWORK_ENV_VAR, str(path))


def phase_seconds(run) -> dict[str, float]:
    starts = [*run.section_starts.values(), run.end_time]
    return {name: end - start for name, start, end in zip(run.section_starts, starts, starts[1:])}


def test_a_hidden_layer_takes_its_own_entry_or_that_of_layer_2(tmp_path, monkeypatch):
    use_network(tmp_path, monkeypatch, [3, 4, 4, 4, 4, 2])
    run = dry_run(DeeperTimings)
    seconds = phase_seconds(run)
    assert list(seconds) == [
        "Intro",
        "Input layer",
        "Layer 1 forward",
        "Layer 2 forward",
        "Layer 3 forward",
        "Layer 4 forward",
        "Output layer",
        "Prediction",
        "Weight matrix",
        "Outro",
    ]
    hidden = [seconds[f"Layer {k} forward"] for k in range(1, 5)]
    assert hidden == pytest.approx([10.0, 8.0, 5.0, 8.0], abs=1e-9)
    assert run.end_time == pytest.approx(46.0 + 5.0 + 8.0, abs=1e-9)
    cues = run.subcaptions
    assert cues[-1].end.total_seconds() == pytest.approx(run.end_time, abs=HALF_FRAME)
    for name, start in run.section_starts.items():
        assert any(abs(cue.start.total_seconds() - start) < 1e-6 for cue in cues), f"no cue starts {name}"


def test_entries_for_hidden_layers_the_network_lacks_are_not_played(tmp_path, monkeypatch):
    use_network(tmp_path, monkeypatch, [3, 4, 2])
    run = dry_run(DeeperTimings)
    assert "Layer 2 forward" not in run.section_starts
    assert "Layer 3 forward" not in run.section_starts
    assert run.end_time == pytest.approx(46.0 - 8.0, abs=1e-9)
