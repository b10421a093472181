"""The story's steps, as a slide deck hears them, played without rendering.

A step is what a lecturer shows between two pauses: every phase ends one, and so
does every pause point inside a phase. A deck makes a slide of each, with the
subtitles it showed as notes, so each step must hear exactly the cues on screen
during it. This runs on any manim the scene runs on; the decks themselves are
tested in ``test_deck.py``.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import srt

from dry_run import dry_run
from forward_pass import ForwardPassScene
from network_model import NETWORK_ENV_VAR
from subtitles import cue_text

STEPS_PER_PHASE = {
    "Intro": 1,
    "Input layer": 1,
    # A pause after the weighted sum is written, and another after ReLU.
    "Layer 1 forward": 3,
    "Layer 2 forward": 3,
    # A pause after the logits, and another before the probabilities are taken.
    "Output layer": 3,
    "Prediction": 1,
    "Weight matrix": 1,
    "Outro": 1,
}


def cues_shown(cues: list[srt.Subtitle], spans: list[tuple[float, float]], fps: float) -> list[list[str]]:
    """For each span of seconds, the texts of the cues on screen during it for at least a frame."""
    overlap = timedelta(seconds=0.5 / fps)
    return [
        [
            cue.content
            for cue in cues
            if cue.start < timedelta(seconds=end) - overlap and cue.end > timedelta(seconds=start) + overlap
        ]
        for start, end in spans
    ]


class StepRecorder(ForwardPassScene):
    """The story as a deck hears it: each step's end time and captions."""

    def on_step_end(self, captions: list[str]) -> None:
        self.__dict__.setdefault("steps", []).append((self.time, captions))


@pytest.fixture(scope="module")
def run():
    return dry_run(StepRecorder)


def test_each_step_hears_exactly_the_cues_it_shows(run) -> None:
    steps = run.scene.steps
    ends = [time for time, _ in steps]
    assert len(steps) == sum(STEPS_PER_PHASE.values())
    assert list(STEPS_PER_PHASE) == list(ForwardPassScene.PHASES)
    spans = list(zip([0.0, *ends[:-1]], ends))
    shown = run.scene.step_subtitles()
    assert cues_shown(run.subcaptions, spans, 60) == [[cue_text(cue) for cue in step] for step in shown]
    # As each step ends it hears the same cues, in their fullest wording: one still on
    # screen may yet be written shorter.
    assert [len(captions) for _, captions in steps] == [len(cues) for cues in shown]
    # A cue that runs on past a pause is heard by the steps on both sides of it.
    assert any(before[-1] == after[0] for before, after in zip(shown, shown[1:]))


def test_phases_end_on_step_ends(run) -> None:
    ends = [time for time, _ in run.scene.steps]
    last = -1
    for phase, count in STEPS_PER_PHASE.items():
        last += count
        phase_end = run.section_starts[phase] + ForwardPassScene.PHASES[phase]
        assert abs(ends[last] - phase_end) < 1e-9, f"{phase} ends at {phase_end} s, its last step at {ends[last]} s"


def test_each_hidden_layer_of_a_deeper_network_has_its_three_steps(tmp_path, monkeypatch) -> None:
    spec = {"layer_sizes": [3, 4, 4, 4, 4, 2], "inputs": [0.5, -0.8, 0.3], "seed": 3, "class_names": ["A", "B"]}
    path = tmp_path / "network.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    monkeypatch.setenv(NETWORK_ENV_VAR, str(path))
    deep = dry_run(StepRecorder)
    ends = [time for time, _ in deep.scene.steps]
    per_phase = {
        phase: sum(start + 1e-9 < end <= start + seconds + 1e-9 for end in ends)
        for (phase, start), seconds in zip(deep.section_starts.items(), deep.scene.phases.values())
    }
    hidden = {f"Layer {k} forward": 3 for k in range(1, 5)}
    assert per_phase == {**STEPS_PER_PHASE, **hidden}
    assert len(ends) == sum(STEPS_PER_PHASE.values()) + 2 * 3
