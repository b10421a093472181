"""The real thing: render the whole scene once at -ql and check the files manim writes.

One render serves every test in this module (80 to 90 s on two cores shared with
other work); skip them all with ``pytest --skip_render``. It is the README's
command, ``manim -p``, on a machine with nothing to open the video with (no
``xdg-open``), as on a server. Everything is read back from disk: the MP4 and the
section clips with PyAV, the sections index as JSON, the subtitles with the
``srt`` package that manim itself uses.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
import srt
from manim import tempconfig
from PIL import Image

from dry_run import dry_run
from forward_pass import ForwardPassScene
from languages import language_named
from manim_conventions import MANIM_VERSION, section_file_stem
from network_model import format_value, forward, load_network
from phased_scene import inputs_digest
from preview import opener
from style import THEMES
from subtitles import cue_problems
from timeline import phase_frame_spans

pytestmark = pytest.mark.render

ROOT = Path(__file__).resolve().parent.parent
SCENE_FILE = ROOT / "scenes" / "forward_pass.py"
PHASE_FRAMES_SCRIPT = ROOT / "scripts" / "phase_frames.py"
SCENE_NAME = "ForwardPassScene"

# -ql: 854x480 at 15 fps, written to <media>/videos/<module>/480p15/.
FPS = 15
WIDTH, HEIGHT = 854, 480
QUALITY_DIR = "480p15"
FRAME = 1 / FPS
RATE_TOLERANCE = 0.01
"""From manim 0.19.2 on (PyAV 15 and newer), the joined video reports a rate such as
423936/28261, 15.0005 fps, though every frame is there: rates are compared to this."""
SRT_RESOLUTION = timedelta(milliseconds=1)
"""SRT times are whole milliseconds; two cues meeting at 9.2667 s both read 00:00:09,266."""

PHASES = dict(ForwardPassScene.PHASES)
TOTAL_SECONDS = sum(PHASES.values())
SPANS = phase_frame_spans(PHASES, FPS)
RENDER_TIMEOUT = 1200

# Keys of every entry of the sections index: Section.get_dict() in manim/scene/section.py,
# with the metadata from manim.utils.commands.get_video_metadata.
SECTION_KEYS = {
    "name",
    "type",
    "video",
    "width",
    "height",
    "nb_frames",
    "duration",
    "avg_frame_rate",
    "codec_name",
    "pix_fmt",
}


@dataclass(frozen=True)
class Render:
    media_dir: Path
    video_dir: Path
    log: str

    @property
    def video(self) -> Path:
        return self.video_dir / f"{SCENE_NAME}.mp4"

    @property
    def subtitles(self) -> Path:
        return self.video_dir / f"{SCENE_NAME}.srt"

    @property
    def sections_dir(self) -> Path:
        return self.video_dir / "sections"

    @property
    def sections_index(self) -> Path:
        return self.sections_dir / f"{SCENE_NAME}.json"


@dataclass(frozen=True)
class Decoded:
    """What decoding the whole video once tells: frames, stream metadata and the last image."""

    frames: int
    width: int
    height: int
    average_rate: float
    stream_seconds: float | None
    last_frame: np.ndarray


def decode(path: Path) -> Decoded:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream_seconds = float(stream.duration * stream.time_base) if stream.duration is not None else None
        frames = 0
        last = None
        for frame in container.decode(stream):
            frames += 1
            last = frame
        assert last is not None, f"{path.name}: no frame could be decoded"
        return Decoded(
            frames=frames,
            width=stream.codec_context.width,
            height=stream.codec_context.height,
            average_rate=float(stream.average_rate),
            stream_seconds=stream_seconds,
            last_frame=last.to_ndarray(format="rgb24"),
        )


OPENERS = ("xdg-open", "open", "cygstart")
"""What manim runs to open a video, on Linux, macOS and Cygwin."""


def path_without_openers(folder: Path) -> str:
    """A PATH of one folder that links every program on PATH except the openers, as on a server."""
    folder.mkdir(parents=True, exist_ok=True)
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if not os.path.isdir(directory):
            continue
        for entry in os.scandir(directory):
            link = folder / entry.name
            if entry.name in OPENERS or link.exists() or not os.access(entry.path, os.X_OK):
                continue
            link.symlink_to(entry.path)
    path = str(folder)
    assert all(shutil.which(program, path=path) is None for program in OPENERS)
    return path


def run_manim(media_dir: Path, scene_file: Path, scene: str, *options: str, **env_changes: str):
    env = {**os.environ, **env_changes}
    command = [
        sys.executable, "-m", "manim", "-ql", "--silent", *options,
        "--media_dir", str(media_dir),
        str(scene_file), scene,
    ]  # fmt: skip
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=RENDER_TIMEOUT)


@pytest.fixture(scope="module")
def render(tmp_path_factory: pytest.TempPathFactory) -> Render:
    """Render the scene once for the whole module, with -p where nothing can open the video."""
    media_dir = tmp_path_factory.mktemp("render") / "media"
    path = path_without_openers(tmp_path_factory.mktemp("bin"))
    result = run_manim(media_dir, SCENE_FILE.relative_to(ROOT), SCENE_NAME, "-p", "--save_sections", PATH=path)
    log = result.stdout + result.stderr
    if result.returncode != 0:
        pytest.fail(f"the render failed with exit code {result.returncode}:\n{log[-4000:]}", pytrace=False)
    return Render(media_dir, media_dir / "videos" / SCENE_FILE.stem / QUALITY_DIR, log)


@pytest.fixture(scope="module")
def video(render: Render) -> Decoded:
    assert render.video.is_file(), f"no video at {render.video}; the render printed:\n{render.log[-2000:]}"
    return decode(render.video)


@pytest.fixture(scope="module")
def sections(render: Render) -> list[dict]:
    assert render.sections_index.is_file(), f"no sections index at {render.sections_index}"
    index = json.loads(render.sections_index.read_text(encoding="utf-8"))
    assert isinstance(index, list), f"the sections index is a {type(index).__name__}, not a list"
    return index


@pytest.fixture(scope="module")
def cues(render: Render) -> list[srt.Subtitle]:
    assert render.subtitles.is_file(), f"no subtitles beside the video at {render.subtitles}"
    parsed = list(srt.parse(render.subtitles.read_text(encoding="utf-8")))
    assert parsed, "the subtitle file has no cues"
    return parsed


def phase_seconds(name: str) -> tuple[float, float]:
    start, end = SPANS[name]
    return start / FPS, end / FPS


# ---------------------------------------------------------------- the video


def test_video_lasts_the_sum_of_the_phases(video: Decoded) -> None:
    assert abs(video.average_rate - FPS) < RATE_TOLERANCE, f"{video.average_rate} fps on manim {MANIM_VERSION}"
    assert video.frames == round(TOTAL_SECONDS * FPS) == max(end for _, end in SPANS.values())
    assert video.stream_seconds is not None, "the video stream has no duration"
    assert abs(video.stream_seconds - TOTAL_SECONDS) <= FRAME, f"the stream says {video.stream_seconds} s"


def test_video_resolution(video: Decoded) -> None:
    assert (video.width, video.height) == (WIDTH, HEIGHT)
    assert video.last_frame.shape == (HEIGHT, WIDTH, 3)


def test_last_frame_is_not_blank(video: Decoded) -> None:
    pixels = video.last_frame.astype(float)
    assert pixels.std() > 10, f"the last frame is nearly uniform (standard deviation {pixels.std():.2f})"
    background = np.median(pixels.reshape(-1, 3), axis=0)
    drawn = (np.abs(pixels - background).max(axis=2) > 40).mean()
    assert drawn > 0.05, f"only {drawn:.1%} of the last frame differs from the background"


# ---------------------------------------------------------------- the sections


def test_one_section_per_phase_in_order(render: Render, sections: list[dict]) -> None:
    # manim opens a section named "autocreated" before construct(); the scene's first
    # next_section("Intro") comes before any animation, so that section is empty and
    # SceneFileWriter.finish_last_section() drops it: it is neither in the index nor on disk.
    names = [section.get("name") for section in sections]
    assert "autocreated" not in names
    assert names == list(PHASES)
    for number, section in enumerate(sections):
        assert section.keys() >= SECTION_KEYS, f"section {number} lacks {sorted(SECTION_KEYS - section.keys())}"
        assert section["video"] == f"{SCENE_NAME}_{number:04}_{section_file_stem(section['name'])}.mp4"
    clips = sorted(path.name for path in render.sections_dir.glob("*.mp4"))
    assert clips == sorted(section["video"] for section in sections), "clips on disk that the index does not list"


@pytest.mark.parametrize("phase", list(PHASES))
def test_section_clip_lasts_its_phase(render: Render, sections: list[dict], phase: str) -> None:
    seconds = PHASES[phase]
    start, end = SPANS[phase]
    section = next((entry for entry in sections if entry.get("name") == phase), None)
    assert section is not None, f"no section named {phase!r}"

    listed = float(section["duration"])
    assert abs(listed - seconds) <= FRAME, f"{phase}: the index says {listed} s, PHASES says {seconds} s"
    assert int(section["nb_frames"]) == end - start, f"{phase}: the index says {section['nb_frames']} frames"
    assert (section["width"], section["height"]) == (WIDTH, HEIGHT)
    assert abs(Fraction(section["avg_frame_rate"]) - FPS) < RATE_TOLERANCE, section["avg_frame_rate"]

    clip = render.sections_dir / section["video"]
    assert clip.is_file(), f"{phase}: no clip at {clip}"
    decoded = decode(clip)
    assert decoded.frames == end - start, f"{phase}: {decoded.frames} frames for its span of {end - start}"
    assert decoded.stream_seconds is not None
    assert abs(decoded.stream_seconds - seconds) <= FRAME, f"{phase}: the clip lasts {decoded.stream_seconds} s"
    assert (decoded.width, decoded.height) == (WIDTH, HEIGHT)


def test_sections_add_up_to_the_video(sections: list[dict], video: Decoded) -> None:
    assert sum(int(section["nb_frames"]) for section in sections) == video.frames


def readme_example() -> str:
    """The subclass that the README gives as its example of other timings."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"```python\n(class SlowerLayers\(ForwardPassScene\):\n.*?)```", readme, re.DOTALL)
    assert found, "the README no longer shows SlowerLayers"
    return found.group(1)


def test_the_readme_example_renders_each_phase_in_exactly_its_frames(render: Render, tmp_path: Path) -> None:
    # Small frames, so that this second render is quick; the frame counts are what is checked.
    scene_file = tmp_path / "slower_layers.py"
    scene_file.write_text("from forward_pass import ForwardPassScene\n\n\n" + readme_example(), encoding="utf-8")
    namespace: dict = {}
    exec(compile(scene_file.read_text(), str(scene_file), "exec"), namespace)  # noqa: S102 - the README's own code
    phases = namespace["SlowerLayers"].PHASES
    assert phases != PHASES
    result = run_manim(
        render.media_dir,  # the LaTeX cache is warm there
        scene_file,
        "SlowerLayers",
        "--save_sections",
        "-r",
        "160,90",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "scenes"), os.environ.get("PYTHONPATH")])),
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    video_dir = render.media_dir / "videos" / "slower_layers" / "90p15"
    spans = phase_frame_spans(phases, FPS)
    sections = json.loads((video_dir / "sections" / "SlowerLayers.json").read_text(encoding="utf-8"))
    assert [section["name"] for section in sections] == list(phases)
    for section in sections:
        start, end = spans[section["name"]]
        frames = decode(video_dir / "sections" / section["video"]).frames
        assert frames == int(section["nb_frames"]) == end - start, (section["name"], frames, end - start)
    assert decode(video_dir / "SlowerLayers.mp4").frames == round(sum(phases.values()) * FPS)


# ---------------------------------------------------------------- the subtitles


def test_subtitles_cover_the_video_without_gaps(cues: list[srt.Subtitle]) -> None:
    assert cues[0].start <= SRT_RESOLUTION, f"the first cue starts at {cues[0].start}"
    end = timedelta(seconds=TOTAL_SECONDS)
    assert abs(cues[-1].end - end) <= timedelta(seconds=FRAME), f"the last cue ends at {cues[-1].end}"
    for before, after in zip(cues, cues[1:]):
        assert before.end > before.start, f"cue {before.index} is empty"
        gap = after.start - before.end
        assert abs(gap) <= SRT_RESOLUTION, (
            f"cue {after.index} starts at {after.start} but cue {before.index} ends at {before.end}"
        )
    assert all(cue.content.strip() for cue in cues), "a cue has no text"


@pytest.mark.parametrize("phase", list(PHASES))
def test_every_phase_has_a_cue(cues: list[srt.Subtitle], phase: str) -> None:
    start, end = phase_seconds(phase)
    starting = [cue for cue in cues if start - 0.001 <= cue.start.total_seconds() < end - 0.001]
    assert starting, f"no cue starts inside {phase} ({start:g} s to {end:g} s)"


def test_subtitles_name_the_winner_and_its_probability(cues: list[srt.Subtitle]) -> None:
    trace = forward(load_network())
    name = trace.predicted_class
    probability = format_value(trace.probabilities[trace.prediction])
    naming = [cue for cue in cues if name in cue.content and probability in cue.content]
    assert naming, f"no cue names {name!r} with probability {probability}"
    start, end = phase_seconds("Prediction")
    assert any(start - 0.001 <= cue.start.total_seconds() < end for cue in naming), (
        "the prediction is not announced during the Prediction phase"
    )


def test_every_cue_can_be_read_in_time(cues: list[srt.Subtitle]) -> None:
    problems = [
        f"cue {cue.index} ({cue.content!r}): {problem}"
        for cue in cues
        for problem in cue_problems(cue.content, (cue.end - cue.start).total_seconds())
    ]
    assert not problems, problems


# ---------------------------------------------------------------- the phase frames


def load_phase_frames_script():
    spec = importlib.util.spec_from_file_location("phase_frames", PHASE_FRAMES_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_phase_end_frames_are_distinct(render: Render, tmp_path: Path) -> None:
    phase_frames = load_phase_frames_script()
    paths = phase_frames.phase_end_frames(render.video, tmp_path)
    assert len(paths) == len(PHASES)
    images = [np.asarray(Image.open(path).convert("RGB")).astype(np.int16) for path in paths]
    assert all(image.shape == (HEIGHT, WIDTH, 3) for image in images)
    digests = {hashlib.sha256(image.tobytes()).hexdigest() for image in images}
    assert len(digests) == len(images), "two phases end on the very same frame"
    names = list(PHASES)
    for i in range(len(images)):
        for j in range(i + 1, len(images)):
            changed = (np.abs(images[i] - images[j]).max(axis=2) > 24).mean()
            # Video compression alone changes almost no pixel by this much; a phase changes >= 2%.
            assert changed > 0.005, f"{names[i]} and {names[j]} end on nearly the same picture ({changed:.2%} differs)"


# ---------------------------------------------------------------- the preview


def test_with_nothing_to_open_the_video_the_render_says_where_it_is(render: Render) -> None:
    # The fixture's render exited 0 (it fails the module otherwise) with -p and no xdg-open.
    assert "Traceback" not in render.log
    assert "FileNotFoundError" not in render.log
    lines = [line for line in render.log.splitlines() if "opens the video" in line]
    assert len(lines) == 1, render.log[-3000:]
    assert lines[0].startswith(f"forward_pass: {opener()} not found, so nothing opens the video; it is at "), lines[0]
    shown = Path(lines[0].rsplit(" it is at ", 1)[1])
    assert (ROOT / shown).resolve() == render.video.resolve(), lines[0]


def test_where_an_opener_exists_the_preview_still_opens(render: Render, tmp_path: Path) -> None:
    # A stand-in for xdg-open that notes what it is asked to open; a short subclass renders quickly.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    opened = tmp_path / "opened.txt"
    for program in OPENERS:
        script = bin_dir / program
        script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{opened}"\n')
        script.chmod(0o755)
    scene_file = tmp_path / "quick_look.py"
    scene_file.write_text(
        "from forward_pass import ForwardPassScene\n\n\n"
        "class QuickLook(ForwardPassScene):\n"
        "    PHASES = dict.fromkeys(ForwardPassScene.PHASES, 1.0)\n"
    )
    result = run_manim(
        render.media_dir,  # the LaTeX cache is warm there
        scene_file,
        "QuickLook",
        "-p",
        PATH=os.pathsep.join([str(bin_dir), os.environ.get("PATH", "")]),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "scenes"), os.environ.get("PYTHONPATH")])),
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    video = render.media_dir / "videos" / "quick_look" / QUALITY_DIR / "QuickLook.mp4"
    assert video.is_file(), log[-3000:]
    assert opened.is_file(), f"nothing was opened:\n{log[-3000:]}"
    assert [Path(line).resolve() for line in opened.read_text().splitlines()] == [video.resolve()]
    assert "not found" not in log


# ---------------------------------------------------------------- the cache


def test_every_play_reaches_the_cache_by_its_own_key(render: Render) -> None:
    """Manim names each partial movie file after its play's cache key: here, the scene's key, not manim's hash."""
    keys: list[str] = []

    class KeyRecorder(ForwardPassScene):
        def play(self, *args, **kwargs):
            keys.append(self.play_cache_key)
            super().play(*args, **kwargs)

    scene = dry_run(KeyRecorder, frame_rate=FPS, pixel_width=WIDTH, pixel_height=HEIGHT).scene
    # What the frames follow from besides the code: the network, the theme, the words and their font.
    inputs = (load_network().describe(), THEMES["dark"], language_named("en"), scene.font)
    with tempconfig({"frame_rate": FPS, "pixel_width": WIDTH, "pixel_height": HEIGHT}):
        digest = inputs_digest(ForwardPassScene, inputs)
    # The recorder's own source file changes the digest; what follows it is the play's place and frames.
    expected = sorted(f"fp{digest}_{key.split('_', 1)[1]}" for key in keys)
    partial = render.video_dir / "partial_movie_files" / SCENE_NAME
    # Newer releases hand the renderer its encoder settings, folded into the key as a 12-digit suffix.
    names = sorted(re.sub(r"_[0-9a-f]{12}$", "", path.stem) for path in partial.glob("*.mp4"))
    assert len(keys) == len(set(keys)) > 0
    assert names == expected, f"{len(names)} partial movie files, {len(expected)} plays; first: {names[:2]}"


def render_short_scene(folder: Path, source: str, scene_name: str, *flags: str, **env_changes: str) -> Path:
    """Render the scene ``scene_name`` of ``source``, written to a file in ``folder``, at -ql with ``flags``.

    ``env_changes`` (the theme and the language, say) are set for the render alone.
    Returns the folder of the video; a failed render fails the test with its output.
    """
    scene_file = folder / f"{scene_name.lower()}.py"
    scene_file.write_text(source, encoding="utf-8")
    media_dir = folder / "media"
    command = [
        sys.executable, "-m", "manim", "-ql", "--silent", *flags,
        "--media_dir", str(media_dir),
        str(scene_file), scene_name,
    ]  # fmt: skip
    env = {**os.environ, **env_changes, "PYTHONPATH": str(SCENE_FILE.parent)}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=RENDER_TIMEOUT)
    if result.returncode != 0:
        log = result.stdout + result.stderr
        pytest.fail(f"the render failed with exit code {result.returncode}:\n{log[-4000:]}", pytrace=False)
    return media_dir / "videos" / scene_file.stem / QUALITY_DIR
