"""The backward pass really rendered, on every tested release: light, in Chinese, a clip per phase.

The phases last a second each: the layout and the reading speed of every cue are
checked in dry runs at the real timings (``tests/test_backward_shapes.py``); here,
what only a real render shows: the frames, the clips and the subtitles beside the
video. Skip it with ``pytest --skip_render``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import srt
from manim import ManimColor

from backward_pass import BackwardPassScene
from conftest import require_font
from network_model import format_value, load_network, training_step
from style import THEMES
from test_render import FPS, HEIGHT, WIDTH, render_short_scene
from test_render import decode as decode_video

pytestmark = pytest.mark.render

CJK = re.compile(r"[\u3400-\u9fff]")
SCENE_NAME = "ShortBackward"
SHORT_SCENE = f"""
from backward_pass import BackwardPassScene


class {SCENE_NAME}(BackwardPassScene):
    PHASES = dict.fromkeys(BackwardPassScene.PHASES, 1.0)
"""
TOTAL_SECONDS = len(BackwardPassScene.PHASES) * 1.0


@pytest.fixture(scope="module")
def video_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_font("zh")
    folder = tmp_path_factory.mktemp("render-backward")
    return render_short_scene(
        folder, SHORT_SCENE, SCENE_NAME, "--save_sections", FORWARD_PASS_THEME="light", FORWARD_PASS_LANGUAGE="zh"
    )


def test_the_video_is_light_and_lasts_the_sum_of_the_phases(video_dir: Path) -> None:
    video = decode_video(video_dir / f"{SCENE_NAME}.mp4")
    assert video.frames == round(TOTAL_SECONDS * FPS)
    assert (video.width, video.height) == (WIDTH, HEIGHT)
    background = np.array(ManimColor(THEMES["light"].background).to_rgb()) * 255
    corners = video.last_frame[[2, 2, -3, -3], [2, -3, 2, -3]].astype(float)
    assert np.abs(corners - background).max() < 8, f"the corners are {corners.tolist()}, not the light background"


def test_a_clip_per_phase(video_dir: Path) -> None:
    index = json.loads((video_dir / "sections" / f"{SCENE_NAME}.json").read_text(encoding="utf-8"))
    assert [section["name"] for section in index] == list(BackwardPassScene.PHASES)
    for section in index:
        clip = decode_video(video_dir / "sections" / section["video"])
        assert clip.frames == FPS, section["name"]


def test_the_chinese_subtitles_give_the_loss_before_and_after(video_dir: Path) -> None:
    cues = list(srt.parse((video_dir / f"{SCENE_NAME}.srt").read_text(encoding="utf-8")))
    assert cues
    # In a second a cue gets its shortest wording, often its numbers alone; the rest are in Chinese.
    assert sum(bool(CJK.search(cue.content)) for cue in cues) >= 3, [cue.content for cue in cues]
    english = [cue.content for cue in cues if re.search(r"\b(?!Class\b)[A-Za-z]{3,}", cue.content)]
    assert not english, english
    step = training_step(load_network())
    flat = re.sub(r"\s", "", " ".join(cue.content for cue in cues))
    assert format_value(step.loss) in flat
    assert format_value(step.loss_after) in flat
    assert abs(cues[-1].end.total_seconds() - TOTAL_SECONDS) <= 1 / FPS
