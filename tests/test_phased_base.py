"""The phased base alone, on a plain manim ``Scene``: phases, beats, pause points, subtitles and cache keys, no speed-up.

A story of two phases is told on :class:`PhasedScene` without ``FastScene``:
played without rendering, then rendered for real by manim's own command line,
whose video must last the sum of the phases to the frame, with a section per
phase and the subtitles the story said.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import av
from manim import Scene

from dry_run import dry_run
from phased_scene import PhasedScene

ROOT = Path(__file__).resolve().parent.parent
SCENES = ROOT / "scenes"
STORY = """
from manim import Circle, Create, FadeIn, Square

from phased_scene import PhasedScene


class TwoPhases(PhasedScene):
    PHASES = {"Draw": 1.0, "Fill": 1.4}

    def setup(self):
        self.start_timeline(list(self.PHASES), inputs="two shapes")

    def construct(self):
        with self.phase("Draw"):
            self.say("A square.")
            self.beat(Create(Square()), share=0.5)
            self.pause_point()
            self.say("A circle.")
            self.beat(Create(Circle()), share=0.3)
        with self.phase("Fill"):
            self.say("And a second square.")
            self.beat(FadeIn(Square().shift([2, 0, 0])), share=0.6)
"""


def _story_class():
    namespace: dict = {}
    exec(compile(STORY, "two_phases.py", "exec"), namespace)  # noqa: S102 - the story above, as its own module would hold it
    return namespace["TwoPhases"]


def test_the_phased_base_is_a_plain_scene():
    assert PhasedScene.__mro__[1] is Scene
    assert not any(cls.__module__ == "manim_adapters" for cls in PhasedScene.__mro__)


def test_a_story_on_the_plain_base_keeps_its_timeline_steps_and_keys():
    story = _story_class()
    keys, steps = [], []

    class Recorded(story):
        def play(self, *args, **kwargs):
            keys.append(self.play_cache_key)
            super().play(*args, **kwargs)

        def on_step_end(self, captions):
            steps.append((round(self.time, 4), captions))

    run = dry_run(Recorded, frame_rate=15)
    assert run.section_starts == {"Draw": 0.0, "Fill": 1.0}
    # A beat is whole frames: half of 15 frames is 8 of them.
    assert steps == [(round(8 / 15, 4), ["A square."]), (1.0, ["A circle."]), (2.4, ["And a second square."])]
    # Every play and every hold is named by what its frames follow from, each its own name.
    assert None not in keys
    assert len(set(keys)) == len(keys) == 5


def test_a_story_on_the_plain_base_renders_with_manims_own_command(tmp_path):
    (tmp_path / "two_phases.py").write_text(STORY, encoding="utf-8")
    media = tmp_path / "media"
    env = {**os.environ, "PYTHONPATH": str(SCENES)}
    command = [sys.executable, "-m", "manim", "-ql", "--save_sections", "--media_dir", str(media)]
    result = subprocess.run(
        [*command, str(tmp_path / "two_phases.py"), "TwoPhases"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert "speed-up" not in result.stderr
    (video,) = media.rglob("TwoPhases.mp4")
    with av.open(str(video)) as container:
        assert sum(1 for _ in container.decode(video=0)) == round(2.4 * 15)
    sections = json.loads(next(media.rglob("sections/TwoPhases.json")).read_text(encoding="utf-8"))
    assert [section["name"] for section in sections] == ["Draw", "Fill"]
    subtitles = video.with_suffix(".srt").read_text(encoding="utf-8")
    assert [line for line in subtitles.splitlines() if line.endswith(".")] == [
        "A square.",
        "A circle.",
        "And a second square.",
    ]
