"""A real render in the other theme and language: light, in Chinese, read back from disk.

One -ql render (about as long as ``test_render.py``'s); skip it with ``pytest --skip_render``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import srt
from manim import ManimColor

from conftest import require_font
from network_model import format_value, forward, load_network
from style import THEMES
from subtitles import cue_problems
from test_render import FPS, HEIGHT, QUALITY_DIR, RENDER_TIMEOUT, ROOT, SCENE_FILE, SCENE_NAME, TOTAL_SECONDS, WIDTH
from test_render import decode as decode_video

pytestmark = pytest.mark.render

CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def video_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_font("zh")
    media_dir = tmp_path_factory.mktemp("render-light-zh") / "media"
    command = [
        sys.executable, "-m", "manim", "-ql", "--silent",
        "--media_dir", str(media_dir),
        str(SCENE_FILE.relative_to(ROOT)), SCENE_NAME,
    ]  # fmt: skip
    env = {**os.environ, "FORWARD_PASS_THEME": "light", "FORWARD_PASS_LANGUAGE": "zh"}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=RENDER_TIMEOUT)
    if result.returncode != 0:
        log = result.stdout + result.stderr
        pytest.fail(f"the render failed with exit code {result.returncode}:\n{log[-4000:]}", pytrace=False)
    return media_dir / "videos" / SCENE_FILE.stem / QUALITY_DIR


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


def test_every_cue_is_chinese_and_can_be_read_in_time(cues: list[srt.Subtitle]) -> None:
    assert cues
    problems = [
        f"cue {cue.index} ({cue.content!r}): {problem}"
        for cue in cues
        for problem in cue_problems(cue.content, (cue.end - cue.start).total_seconds())
    ]
    assert not problems, problems
    assert all(CJK.search(cue.content) for cue in cues), [cue.content for cue in cues if not CJK.search(cue.content)]
    assert abs(cues[-1].end.total_seconds() - TOTAL_SECONDS) <= 1 / FPS


def test_the_chinese_subtitles_name_the_winner(cues: list[srt.Subtitle]) -> None:
    trace = forward(load_network())
    name = trace.predicted_class.replace(" ", "")
    probability = format_value(trace.probabilities[trace.prediction])
    assert any(name in re.sub(r"\s", "", cue.content) and probability in cue.content for cue in cues)
