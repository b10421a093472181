"""A real render in the other theme and language: light, in Chinese, read back from disk.

The theme and the language are chosen as a lecturer chooses them, by
``$FORWARD_PASS_THEME`` and ``$FORWARD_PASS_LANGUAGE``. The phases last a second
each: the layout and the reading speed of every cue are checked in dry runs
(``tests/test_languages.py``), at the real timings; here, what only a real
render shows: the light background in the frames, and Chinese subtitles beside
the video. Skip it with ``pytest --skip_render``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import srt
from manim import ManimColor

from conftest import require_font
from forward_pass import ForwardPassScene
from network_model import format_value, forward, load_network
from style import THEMES
from test_render import FPS, HEIGHT, WIDTH, render_short_scene
from test_render import decode as decode_video

pytestmark = pytest.mark.render

CJK = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
FUNCTION_NAMES = {"ReLU", "softmax"}
"""Written the same in every language, as the class names are."""


SCENE_NAME = "ShortLightChinese"
SHORT_SCENE = f"""
from forward_pass import ForwardPassScene


class {SCENE_NAME}(ForwardPassScene):
    PHASES = dict.fromkeys(ForwardPassScene.PHASES, 1.0)
"""
TOTAL_SECONDS = len(ForwardPassScene.PHASES) * 1.0


@pytest.fixture(scope="module")
def video_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_font("zh")
    folder = tmp_path_factory.mktemp("render-light-zh")
    return render_short_scene(folder, SHORT_SCENE, SCENE_NAME, FORWARD_PASS_THEME="light", FORWARD_PASS_LANGUAGE="zh")


@pytest.fixture(scope="module")
def cues(video_dir: Path) -> list[srt.Subtitle]:
    path = video_dir / f"{SCENE_NAME}.srt"
    assert path.is_file(), f"no subtitles beside the video at {path}"
    return list(srt.parse(path.read_text(encoding="utf-8")))


def test_the_video_is_light_and_lasts_the_sum_of_the_phases(video_dir: Path) -> None:
    video = decode_video(video_dir / f"{SCENE_NAME}.mp4")
    assert video.frames == round(TOTAL_SECONDS * FPS)
    assert (video.width, video.height) == (WIDTH, HEIGHT)
    background = np.array(ManimColor(THEMES["light"].background).to_rgb()) * 255
    corners = video.last_frame[[2, 2, -3, -3], [2, -3, 2, -3]].astype(float)
    assert np.abs(corners - background).max() < 8, f"the corners are {corners.tolist()}, not the light background"


def test_the_cues_are_chinese_and_the_last_ends_with_the_video(cues: list[srt.Subtitle]) -> None:
    assert cues
    # In a second a cue gets its shortest wording: some are numbers alone, or the functions' names.
    assert sum(bool(CJK.search(cue.content)) for cue in cues) >= len(cues) / 2, [cue.content for cue in cues]
    as_written = FUNCTION_NAMES | {word for name in load_network().class_names for word in LATIN_WORD.findall(name)}
    english = [cue.content for cue in cues if set(LATIN_WORD.findall(cue.content)) - as_written]
    assert not english, english
    assert abs(cues[-1].end.total_seconds() - TOTAL_SECONDS) <= 1 / FPS


def test_the_chinese_subtitles_name_the_winner(cues: list[srt.Subtitle]) -> None:
    trace = forward(load_network())
    name = trace.predicted_class.replace(" ", "")
    probability = format_value(trace.probabilities[trace.prediction])
    assert any(name in re.sub(r"\s", "", cue.content) and probability in cue.content for cue in cues)
