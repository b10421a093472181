"""The adapters to manim's internals: on, where this manim allows; off with one line, where it does not.

The cheap tier checks each adapter on the installed manim and on a manim whose
internals were moved in this process. The render tier renders a short variant
of the scene twice, once on a manim with every internal moved
(``tests/moved_internals.py``), and checks that the second video is still right.
"""

from __future__ import annotations

import configparser
import os
import re
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from manim import Scene, config, tempconfig
from manim.renderer import cairo_renderer
from manim.scene.scene_file_writer import SceneFileWriter

import manim_adapters
import speedups
from dry_run import dry_run, visible_texts
from forward_pass import ForwardPassScene
from manim_adapters import (
    X264_PRESET,
    FastScene,
    KeyedCairoRenderer,
    check_play_hash,
    encoder_options_are_public,
)
from manim_conventions import MANIM_VERSION
from moved_internals import MOVERS
from speedups import REGISTRY

ROOT = Path(__file__).resolve().parent.parent
SCENES = ROOT / "scenes"
MOVED_INTERNALS = ROOT / "tests" / "moved_internals.py"
SHORT_SCENE = """
from forward_pass import ForwardPassScene


class ShortScene(ForwardPassScene):
    PHASES = dict.fromkeys(ForwardPassScene.PHASES, 1.0)
"""
SHORT_SECONDS = len(ForwardPassScene.PHASES) * 1.0
FPS = 15


pytestmark = pytest.mark.usefixtures("fresh_notices")  # each test hears every notice anew


# ---------------------------------------------------------------- on this manim


def test_every_speedup_is_on_for_this_manim():
    assert MANIM_VERSION in speedups.TESTED_RELEASES
    assert {s.name: speedups.check(s) for s in REGISTRY} == {s.name: None for s in REGISTRY}


def test_the_scene_gets_every_speedup(capsys):
    with tempconfig({"dry_run": True}):
        scene = FastScene()
    assert isinstance(scene.renderer, KeyedCairoRenderer)
    assert scene.narrow_redraw
    assert "speed-up off" not in capsys.readouterr().err
    if encoder_options_are_public():
        with tempconfig({"dry_run": True, "video_encoder_options": {}}):
            FastScene()
            assert config.video_encoder_options["preset"] == X264_PRESET


def test_manim_cfg_asks_for_the_same_preset():
    parser = configparser.ConfigParser()
    parser.read(ROOT / "manim.cfg")
    assert parser["video_encoder.options"]["preset"] == X264_PRESET


def test_a_preset_the_user_chose_is_kept():
    if not encoder_options_are_public():
        pytest.skip(f"manim {'.'.join(map(str, MANIM_VERSION))} has no public encoder options")
    with tempconfig({"dry_run": True, "video_encoder_options": {"preset": "medium"}}):
        FastScene()
        assert config.video_encoder_options["preset"] == "medium"


def test_a_cache_key_covers_what_the_renderer_adds():
    plain = manim_adapters._fold("fp1_0_45_0_9", {})
    assert plain == "fp1_0_45_0_9"
    one = manim_adapters._fold("fp1_0_45_0_9", {"backend": "cairo", "encoder_fingerprint": "a", "renderer_state": ()})
    other = manim_adapters._fold("fp1_0_45_0_9", {"backend": "cairo", "encoder_fingerprint": "b", "renderer_state": ()})
    assert len({plain, one, other}) == 3
    assert re.fullmatch(r"[\w-]+", one), "a key must be one file-name component"


def test_no_formula_has_braces_that_manim_020_would_split():
    """Manim 0.20.0 cuts a formula at every '{{' and '}}', so none of the scene's has them."""
    run = dry_run(ForwardPassScene)
    formulas = [text.tex_string for text in visible_texts(run.scene.mobjects) if hasattr(text, "tex_string")]
    assert formulas
    for formula in formulas:
        assert "{{" not in formula, formula
        assert "}}" not in formula, formula


# ---------------------------------------------------------------- on a manim whose internals moved


def test_a_moved_play_hash_turns_cache_keys_off(monkeypatch, capsys):
    original = cairo_renderer.get_hash_from_play_call
    monkeypatch.setattr(cairo_renderer, "get_hash_from_play_call", lambda scene, camera, plays, shown: original)
    assert "takes (scene, camera, plays, shown)" in check_play_hash()
    with tempconfig({"dry_run": True}):
        scene = FastScene()
    assert not isinstance(scene.renderer, KeyedCairoRenderer)
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("forward_pass: speed-up off: cache keys from the inputs: ")


def test_a_moved_moving_mobjects_hands_back_to_manim(monkeypatch, capsys):
    def get_moving_mobjects(self, animations):
        return ["manim's own answer"]

    monkeypatch.setattr(Scene, "get_moving_mobjects", get_moving_mobjects)
    with tempconfig({"dry_run": True}):
        scene = FastScene()
    assert not scene.narrow_redraw
    # manim calls it with whatever it now passes, and gets manim's own answer.
    assert scene.get_moving_mobjects([]) == ["manim's own answer"]
    assert capsys.readouterr().err == (
        "forward_pass: speed-up off: redraw only what moves: "
        "Scene.get_moving_mobjects(*animations) has another signature\n"
    )


def test_a_moved_file_writer_keeps_manims_encoder(monkeypatch, capsys):
    if encoder_options_are_public():
        pytest.skip("this manim takes the preset through its public encoder options")

    def open_partial_movie_stream(self, *, animation_index, file_path=None):
        raise AssertionError("not called in a dry run")

    monkeypatch.setattr(SceneFileWriter, "open_partial_movie_stream", open_partial_movie_stream)
    with tempconfig({"dry_run": True}):
        scene = FastScene()
    assert scene.renderer._file_writer_class is SceneFileWriter
    assert "speed-up off: x264 preset: " in capsys.readouterr().err


# ---------------------------------------------------------------- a real render on moved internals


def _render(tmp_path: Path, name: str, *prefix: str) -> tuple[Path, str]:
    scene_file = tmp_path / "short_scene.py"
    scene_file.write_text(SHORT_SCENE, encoding="utf-8")
    media = tmp_path / name
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SCENES), os.environ.get("PYTHONPATH")]))}
    command = [*prefix, "-ql", "--disable_caching", "--media_dir", str(media), str(scene_file), "ShortScene"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    videos = list(media.rglob("ShortScene.mp4"))
    assert len(videos) == 1, videos
    return videos[0], result.stderr


def _frames(video: Path) -> list[np.ndarray]:
    with av.open(str(video)) as container:
        return [frame.to_ndarray(format="rgb24").astype(np.float64) for frame in container.decode(video=0)]


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a - b) ** 2)
    return float("inf") if mse == 0 else 10 * np.log10(255**2 / mse)


@pytest.mark.render
def test_a_render_on_moved_internals_is_still_right(tmp_path):
    reference, reference_err = _render(tmp_path, "plain", sys.executable, "-m", "manim")
    assert "speed-up off" not in reference_err
    moved, err = _render(tmp_path, "moved", sys.executable, str(MOVED_INTERNALS))

    notices = [line for line in err.splitlines() if "speed-up off" in line]
    # Every speed-up that relies on something of manim's, as the registry lists them.
    expected = [s.name for s in REGISTRY if MOVERS[s.name] is not None]
    if encoder_options_are_public():
        expected.remove("x264 preset")
    assert sorted(line.split(": ")[2] for line in notices) == sorted(expected), notices
    assert "Traceback" not in err

    want, got = _frames(reference), _frames(moved)
    assert len(want) == len(got) == round(SHORT_SECONDS * FPS)
    worst = min(_psnr(a, b) for a, b in zip(want, got))
    # Two encodes of the same frames, at most with another x264 preset: far above 35 dB.
    assert worst > 35, f"a frame differs from the plain render: PSNR {worst:.1f} dB"


@pytest.mark.render
def test_a_cache_key_changes_with_the_encoder_settings(tmp_path):
    if not encoder_options_are_public():
        pytest.skip("this manim has no public encoder options to change")
    scene_file = tmp_path / "short_scene.py"
    scene_file.write_text(SHORT_SCENE, encoding="utf-8")
    media = tmp_path / "media"
    env = {**os.environ, "PYTHONPATH": str(SCENES)}
    partials = []
    for preset in ("superfast", "ultrafast"):
        command = [sys.executable, "-m", "manim", "-ql", "--media_dir", str(media), "--encoder-option"]
        command += [f"preset={preset}", str(scene_file), "ShortScene"]
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
        partials.append({path.name for path in media.rglob("partial_movie_files/ShortScene/*.mp4")})
    first, both = partials
    assert first
    assert both > first, "another preset reused the first preset's partial movie files"
    assert all(name.startswith("fp") for name in first), "the plays were not named by the scene"
