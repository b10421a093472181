"""The adapters to manim's internals: on, where this manim allows; off with one line, where it does not.

The cheap tier checks each adapter on the installed manim and on a manim whose
internals were moved in this process; the render tier checks that a play's cache
key follows the encoder's settings. A whole render on a manim with every
internal moved is in ``tests/test_speed.py``, beside the plain render it is
compared with.
"""

from __future__ import annotations

import configparser
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from manim import config, tempconfig
from manim.renderer import cairo_renderer
from manim.scene.scene_file_writer import SceneFileWriter

import manim_adapters
import speedups
from dry_run import visible_texts
from manim_adapters import (
    X264_PRESET,
    FastScene,
    KeyedCairoRenderer,
    check_play_hash,
    encoder_options_are_public,
)
from manim_conventions import MANIM_VERSION
from speedups import REGISTRY

ROOT = Path(__file__).resolve().parent.parent
SCENES = ROOT / "scenes"
SHORT_SCENE = """
from forward_pass import ForwardPassScene


class ShortScene(ForwardPassScene):
    PHASES = dict.fromkeys(ForwardPassScene.PHASES, 1.0)
"""


pytestmark = pytest.mark.usefixtures("fresh_notices")  # each test hears every notice anew


# ---------------------------------------------------------------- on this manim


def test_every_speedup_is_on_for_this_manim():
    assert ".".join(map(str, MANIM_VERSION)) in speedups.TESTED_RELEASES
    assert {s.name: speedups.check(s) for s in REGISTRY} == {s.name: None for s in REGISTRY}


def test_the_scene_gets_every_speedup(capsys):
    with tempconfig({"dry_run": True}):
        scene = FastScene()
    assert isinstance(scene.renderer, KeyedCairoRenderer)
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


@pytest.mark.pure
def test_no_formula_has_braces_that_manim_020_would_split(default_run):
    """Manim 0.20.0 cuts a formula at every '{{' and '}}', so none of the scene's has them."""
    formulas = [text.tex_string for text in visible_texts(default_run.scene.mobjects) if hasattr(text, "tex_string")]
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


# ---------------------------------------------------------------- the cache key of a real render


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
