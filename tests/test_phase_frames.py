"""The stills script takes the phases from the video it reads, and refuses a video they do not fit.

The videos here are made with PyAV, one grey level per frame, so that a still
tells which frame it is; nothing is rendered with manim.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from forward_pass import ForwardPassScene

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "phase_frames.py"
LEVEL_STEP = 4
"""Frame ``i`` is grey level ``LEVEL_STEP * i``; compression moves a level by far less than this."""


def load_script():
    spec = importlib.util.spec_from_file_location("phase_frames", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_video(path: Path, frames: int, fps: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for index in range(frames):
            image = np.full((48, 64, 3), LEVEL_STEP * index, dtype=np.uint8)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        container.mux(stream.encode())
    return path


def frame_number(png: Path) -> int:
    return round(float(np.asarray(Image.open(png).convert("L")).mean()) / LEVEL_STEP)


def write_index(video: Path, sections: list[tuple[str, int]]) -> None:
    index = video.parent / "sections" / f"{video.stem}.json"
    index.parent.mkdir(parents=True, exist_ok=True)
    index.write_text(json.dumps([{"name": name, "nb_frames": frames} for name, frames in sections]))


def run_script(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=120, check=False
    )


def test_the_sections_index_gives_the_phases(tmp_path):
    video = make_video(tmp_path / "video" / "MyScene.mp4", 15, fps=15)
    write_index(video, [("Intro", 5), ("Middle part", 7), ("End", 3)])
    paths = load_script().phase_end_frames(video, tmp_path / "stills")
    assert [path.name for path in paths] == ["1-intro.png", "2-middle-part.png", "3-end.png"]
    assert [frame_number(path) for path in paths] == [4, 11, 14]


def test_a_video_longer_than_its_index_is_refused_and_nothing_is_written(tmp_path):
    video = make_video(tmp_path / "video" / "MyScene.mp4", 16, fps=15)
    write_index(video, [("Intro", 5), ("Middle part", 7), ("End", 3)])
    result = run_script(video, tmp_path / "stills")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("phase_frames: error: "), result.stderr
    assert "16 frames" in lines[-1], lines[-1]
    assert "adds up to 15" in lines[-1], lines[-1]
    assert not (tmp_path / "stills").exists()


def test_without_an_index_a_video_that_does_not_fit_the_default_phases_is_refused(tmp_path):
    # Fifteen frames named like the default scene, whose PHASES want many more.
    video = make_video(tmp_path / "ForwardPassScene.mp4", 15, fps=15)
    wanted = round(sum(ForwardPassScene.PHASES.values()) * 15)
    result = run_script(video, tmp_path / "stills")
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("phase_frames: error: "), last
    assert "15 frames" in last, last
    assert f"adds up to {wanted}" in last, last
    assert not (tmp_path / "stills").exists()


def test_the_readme_subclass_named_with_scene(tmp_path):
    # The README's SlowerLayers, rendered at 1 fps: 54 frames, one per second.
    scene_file = tmp_path / "slower.py"
    scene_file.write_text(
        "from forward_pass import ForwardPassScene\n\n\n"
        "class SlowerLayers(ForwardPassScene):\n"
        '    PHASES = {**ForwardPassScene.PHASES, "Layer 1 forward": 14.0, "Layer 2 forward": 12.0}\n'
    )
    video = make_video(tmp_path / "SlowerLayers.mp4", 54, fps=1)
    paths = load_script().phase_end_frames(video, tmp_path / "stills", f"{scene_file}:SlowerLayers")
    ends = np.cumsum([3, 4, 14, 12, 6, 5, 6, 4])
    assert [frame_number(path) for path in paths] == list(ends - 1)


def test_a_video_named_after_no_scene_and_without_an_index_is_refused(tmp_path):
    video = make_video(tmp_path / "lecture.mp4", 10, fps=15)
    result = run_script(video, tmp_path / "stills")
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert "Traceback" not in result.stderr
    assert "--save_sections" in last, last
    assert "--scene" in last, last


@pytest.mark.parametrize("scene", ["nowhere.py:Scene", "scenes/forward_pass.py:NoSuchScene", "no_colon"])
def test_a_bad_scene_name_is_refused_in_one_line(tmp_path, scene):
    video = make_video(tmp_path / "ForwardPassScene.mp4", 10, fps=15)
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(video), str(tmp_path / "stills"), "--scene", scene],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("phase_frames: error: --scene"), result.stderr
