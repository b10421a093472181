"""Two processes for a preview: which renders are split, where, and what the first process takes in.

The cheap tier checks the choice of the phases a second process draws, the
conditions under which a render is split, the adapter's check on this manim
and on a moved one, and the merging of the second process's partial movie
files, sections and subtitles. The render tier makes the second process fail
and checks that the render says so in one line and keeps the earlier video.
(``test_speed`` checks that a split render has the same frames and subtitles as
one drawn in one process.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from manim import Scene, tempconfig
from manim.scene.section import DefaultSectionType

import manim_adapters
from forward_pass import ForwardPassScene
from manim_adapters import FastScene, SecondProcessFailed, check_split
from phased_scene import later_half

ROOT = Path(__file__).resolve().parent.parent
SCENES = ROOT / "scenes"


pytestmark = pytest.mark.usefixtures("fresh_notices")  # each test hears every notice anew


# ---------------------------------------------------------------- where a render is split


def test_the_second_process_draws_the_later_half_of_the_seconds():
    # 3 + 4 + 10 + 8 = 25 s before, 6 + 5 + 6 + 4 = 21 s from the output layer on.
    assert later_half(ForwardPassScene.PHASES) == ["Output layer", "Prediction", "Weight matrix", "Outro"]
    assert later_half({"a": 5.0, "b": 1.0, "c": 1.0}) == ["b", "c"]
    assert later_half({"a": 1.0, "b": 5.0}) == ["b"]


def test_a_second_process_never_draws_everything():
    assert later_half({"only": 46.0}) == []
    assert later_half({"a": 0.1, "b": 40.0}) == ["b"]


def test_this_manim_allows_a_split():
    assert check_split() is None


def _scene(**settings) -> FastScene:
    with tempconfig({"dry_run": True, **settings}):
        return FastScene()


@pytest.mark.parametrize(
    ("quality", "split"),
    [("low_quality", True), ("medium_quality", False), ("high_quality", False), ("fourk_quality", False)],
)
def test_only_a_preview_is_split(monkeypatch, quality, split):
    monkeypatch.setattr(manim_adapters, "_writes_a_video", lambda writer: True)
    with tempconfig({"quality": quality}):
        scene = _scene(quality=quality)
        monkeypatch.setattr(manim_adapters.config, "dry_run", False)
        assert scene._may_split() is split


def test_a_render_of_some_plays_or_of_sections_is_not_split(monkeypatch):
    monkeypatch.setattr(manim_adapters, "_writes_a_video", lambda writer: True)
    for settings in ({"from_animation_number": 3}, {"upto_animation_number": 5}, {"save_sections": True}):
        with tempconfig({"quality": "low_quality", **settings}):
            scene = _scene(quality="low_quality")
            monkeypatch.setattr(manim_adapters.config, "dry_run", False)
            assert not scene._may_split(), settings


def test_a_scene_that_asks_for_one_process_is_not_split(monkeypatch):
    monkeypatch.setattr(manim_adapters, "_writes_a_video", lambda writer: True)
    with tempconfig({"quality": "low_quality"}):
        scene = _scene(quality="low_quality")
        scene.two_processes = False
        monkeypatch.setattr(manim_adapters.config, "dry_run", False)
        monkeypatch.setattr(manim_adapters.os, "fork", lambda: pytest.fail("forked"))
        assert scene.split_at("Outro") is False
        assert not scene.drawn_in_two_processes


def test_a_moved_next_section_keeps_the_render_in_one_process(monkeypatch, capsys):
    next_section = Scene.next_section

    def cut_here(self, name="unnamed", section_type=DefaultSectionType.NORMAL, skip=False):
        return next_section(self, name, section_type, skip)

    monkeypatch.setattr(Scene, "next_section", cut_here)
    assert "next_section" in check_split()
    scene = _scene()
    monkeypatch.setattr(FastScene, "_may_split", lambda self: True)
    monkeypatch.setattr(manim_adapters.os, "fork", lambda: pytest.fail("forked"))
    assert scene.split_at("Outro") is False
    assert "speed-up off: two processes for a preview: Scene.next_section" in capsys.readouterr().err


# ---------------------------------------------------------------- what the first process takes in


def _writer(plays: list[str | None], sections: dict[str, int], subtitles: list[str]):
    files = list(plays)
    listed, start = [], 0
    for name, count in sections.items():
        listed.append(SimpleNamespace(name=name, partial_movie_files=files[start : start + count]))
        start += count
    return SimpleNamespace(partial_movie_files=files, sections=listed, subcaptions=list(subtitles))


def _scene_with(writer, plays: int):
    return SimpleNamespace(renderer=SimpleNamespace(file_writer=writer, num_plays=plays, time=float(plays)))


def test_the_first_process_takes_in_the_second_ones_part():
    first = _scene_with(_writer(["a0", "a1", "a2"], {"Intro": 1, "Inputs": 2}, ["one"]), plays=3)
    second = _scene_with(
        _writer([None, None, None, "b3", "b4"], {"Intro": 1, "Inputs": 2, "Output": 2}, ["one", "two", "three"]),
        plays=5,
    )
    manim_adapters._take_in(first, manim_adapters._part_drawn(second))
    writer = first.renderer.file_writer
    assert writer.partial_movie_files == ["a0", "a1", "a2", "b3", "b4"]
    assert [section.name for section in writer.sections] == ["Intro", "Inputs", "Output"]
    assert [section.partial_movie_files for section in writer.sections] == [["a0"], ["a1", "a2"], ["b3", "b4"]]
    assert writer.subcaptions == ["one", "two", "three"]
    assert first.renderer.num_plays == 5


def test_a_second_process_that_drew_the_first_ones_part_is_refused():
    first = _scene_with(_writer(["a0", "a1"], {"Intro": 2}, []), plays=2)
    second = _scene_with(_writer(["a0", None, "b2"], {"Intro": 2, "Output": 1}, []), plays=3)
    with pytest.raises(SecondProcessFailed, match="drew part of what this one drew"):
        manim_adapters._take_in(first, manim_adapters._part_drawn(second))


def test_a_second_process_that_saw_other_sections_is_refused():
    first = _scene_with(_writer(["a0"], {"Intro": 1}, []), plays=1)
    second = _scene_with(_writer([None, "b1"], {"Title": 1, "Output": 1}, []), plays=2)
    with pytest.raises(SecondProcessFailed, match="other sections"):
        manim_adapters._take_in(first, manim_adapters._part_drawn(second))


# ---------------------------------------------------------------- a second process that fails

FAILING_SCENE = """
import os

from forward_pass import ForwardPassScene


class FailingLate(ForwardPassScene):
    PHASES = dict.fromkeys(ForwardPassScene.PHASES, 1.0)

    def show_full_network(self):
        if os.environ.get("FAIL_IN_OUTRO"):
            raise RuntimeError("the outro broke")
        super().show_full_network()
"""


@pytest.mark.render
def test_a_failing_second_process_fails_the_render_and_keeps_the_earlier_video(tmp_path):
    scene_file = tmp_path / "failing_late.py"
    scene_file.write_text(FAILING_SCENE, encoding="utf-8")
    media = tmp_path / "media"
    env = {**os.environ, "PYTHONPATH": str(SCENES), "COLUMNS": "1000"}
    command = [sys.executable, "-m", "manim", "-ql", "--media_dir", str(media), str(scene_file), "FailingLate"]

    good = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert good.returncode == 0, (good.stdout + good.stderr)[-3000:]
    assert "in a second process" in good.stdout + good.stderr
    (video,) = media.rglob("FailingLate.mp4")
    before = video.read_bytes()

    bad = subprocess.run(command, cwd=ROOT, env={**env, "FAIL_IN_OUTRO": "1"}, capture_output=True, text=True)
    assert bad.returncode == 1
    # The second process tells what broke; the first says, in one line, that no video was written.
    assert "RuntimeError: the outro broke" in bad.stderr
    last = bad.stderr.strip().splitlines()[-1]
    assert last == (
        "forward_pass: error: the process drawing the video from 'Output layer' on failed (exit 1); "
        "no video was written"
    )
    assert video.read_bytes() == before
    # Neither process leaves its own folders behind.
    assert not list(media.rglob(".process-*"))


def test_a_scene_that_hears_of_every_step_is_not_split(monkeypatch, tmp_path):
    class Listening(ForwardPassScene):
        def on_step_end(self, captions):
            pass

    splits = []
    monkeypatch.setattr(FastScene, "split_at", lambda self, section: splits.append((type(self), section)))
    with tempconfig({"dry_run": True, "media_dir": str(tmp_path)}):
        ForwardPassScene().setup()  # where the timeline starts
        Listening().setup()
    assert splits == [(ForwardPassScene, "Output layer")]
