"""Stopped renders, two renders at once, and a damaged cache: the next render still works, and nothing is lost.

Every render here is real: a short scene (every phase one second, 120 frames at
-ql, its sections saved), interrupted by a real signal at a chosen moment
(``tests/interrupt_render.py``), and rendered again with the same command.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import av
import pytest
import srt

ROOT = Path(__file__).resolve().parent.parent
SCENES = ROOT / "scenes"
INTERRUPT = ROOT / "tests" / "interrupt_render.py"
IRIS = ROOT / "assets" / "examples" / "iris.json"
SCENE_NAME = "ShortScene"
SOURCE = (
    "from forward_pass import ForwardPassScene\n\n\n"
    "class ShortScene(ForwardPassScene):\n"
    "    PHASES = dict.fromkeys(ForwardPassScene.PHASES, 1.0)\n"
)
FRAMES = 8 * 15
TIMEOUT = 300
pytestmark = pytest.mark.render


def frames_of(video: Path) -> list[str]:
    """A digest of every decoded frame's pixels."""
    with av.open(str(video)) as container:
        return [hashlib.sha256(f.to_ndarray(format="rgb24").tobytes()).hexdigest() for f in container.decode(video=0)]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Place:
    """A scene file and a media folder to render it into."""

    folder: Path

    @property
    def scene_file(self) -> Path:
        return self.folder / "short_scene.py"

    @property
    def media(self) -> Path:
        return self.folder / "media"

    @property
    def videos(self) -> Path:
        return self.media / "videos" / "short_scene" / "480p15"

    @property
    def video(self) -> Path:
        return self.videos / f"{SCENE_NAME}.mp4"

    @property
    def partials(self) -> Path:
        return self.videos / "partial_movie_files" / SCENE_NAME

    def arguments(self, *flags: str) -> list[str]:
        return ["-ql", "--save_sections", *flags, "--media_dir", str(self.media), str(self.scene_file), SCENE_NAME]

    def environment(self, **changes: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FORWARD_PASS_")}
        env.update({"PYTHONPATH": str(SCENES), "FORWARD_PASS_THEME": "light", **changes})
        return env

    def render(self, *flags: str, **env: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "manim", *self.arguments(*flags)]
        return subprocess.run(
            command, cwd=ROOT, env=self.environment(**env), capture_output=True, text=True, timeout=TIMEOUT
        )

    def start(self, *flags: str, **env: str) -> subprocess.Popen:
        command = [sys.executable, "-m", "manim", *self.arguments(*flags)]
        return subprocess.Popen(
            command, cwd=ROOT, env=self.environment(**env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )

    def interrupt(self, moment: str, name: str, **env: str) -> str:
        """Render, interrupted by signal ``name`` at ``moment``; check it died of it, and return its output."""
        command = [sys.executable, str(INTERRUPT), "--at", moment, "--signal", name, "--", *self.arguments()]
        # A session of its own: Ctrl-C reaches the render's process group, not the tests'.
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.environment(**env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            output, _ = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the render and any process of its own
            output, _ = process.communicate()
            pytest.fail(f"the render at {moment} with SIG{name} did not end:\n{output[-3000:]}")
        code = process.returncode
        if name == "INT":  # manim ends on Ctrl-C with "Aborted!" and exit 1, and no traceback
            died = code == 1 and "Aborted!" in output and "Traceback" not in output
        else:
            died = code == -getattr(signal, f"SIG{name}")
        assert died, f"the render at {moment} with SIG{name} ended with exit {code}:\n{output[-3000:]}"
        assert "off:" not in output, output[-3000:]  # the moment is watched, nothing of manim's is changed
        return output

    def outputs(self) -> dict[str, str]:
        """The finished files of the render (video, subtitles, sections' clips and index), each by its digest."""
        files = [*self.videos.glob("[!.]*.*"), *(self.videos / "sections").glob("[!.]*")]
        return {str(path.relative_to(self.videos)): digest(path) for path in files if path.is_file()}

    def partial_state(self) -> dict[str, tuple[int, int]]:
        return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in self.partials.glob("[!.]*.mp4")}


def fresh_place(folder: Path) -> Place:
    folder.mkdir(parents=True, exist_ok=True)
    place = Place(folder)
    place.scene_file.write_text(SOURCE, encoding="utf-8")
    return place


def copy_of(reference: Place, folder: Path) -> Place:
    place = fresh_place(folder)
    shutil.copytree(reference.media, place.media, symlinks=True)
    return place


def assert_whole_or_absent(place: Place) -> None:
    """Every partial movie file under its name holds all the frames its play has; a finished video all 120."""
    for path in place.partials.glob("[!.]*.mp4"):  # a name with a dot before it is not one manim reads
        frames = int(path.stem.split("_")[4])  # the play's cache key: fp<inputs>_<phase>_<span>_<beat>_<frames>
        try:
            decoded = len(frames_of(path))
        except av.error.FFmpegError as error:
            pytest.fail(f"{path.name} is under its name but cannot be read: {error}")
        assert decoded == frames, f"{path.name}: {decoded} frames of {frames}"
    if place.video.exists():
        assert len(frames_of(place.video)) == FRAMES


def assert_left_nothing_behind(place: Place) -> None:
    left = [p for p in place.media.rglob("*") if p.name.startswith((".writing-", ".process-", "formulas-together-"))]
    assert not left, left


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Place:
    """The short scene rendered into an empty media folder, with nothing stopped."""
    place = fresh_place(tmp_path_factory.mktemp("reference"))
    result = place.render()
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    return place


@pytest.fixture(scope="module")
def reference_frames(reference: Place) -> list[str]:
    frames = frames_of(reference.video)
    assert len(frames) == FRAMES
    return frames


# ---------------------------------------------------------------- stopped at any moment


def test_a_first_render_stopped_at_every_moment_then_finished(tmp_path, reference, reference_frames) -> None:
    """Each signal, at each kind of file being written; then the same command finishes it, as from an empty folder."""
    place = fresh_place(tmp_path)
    moments = [
        ("formulas", "KILL"),  # LaTeX writing the formulas, before the first frame
        ("frame:10", "INT"),  # a partial movie file, Ctrl-C
        ("frame:10", "TERM"),
        ("frame:10", "KILL"),
        ("clip", "KILL"),  # a section's clip
        ("video", "TERM"),  # the final video
    ]
    for moment, name in moments:
        place.interrupt(moment, name)
        assert_whole_or_absent(place)
        assert not place.video.exists(), f"a video appeared from a render stopped at {moment}"
        assert not (place.videos / f"{SCENE_NAME}.srt").exists()
    before = place.partial_state()
    assert before, "no play was finished before the last stop"
    result = place.render()
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    assert "Traceback" not in log
    assert frames_of(place.video) == reference_frames
    after = place.partial_state()
    # What was whole is taken from the cache as it is: only the plays never finished were drawn again.
    assert {name: after[name] for name in before} == before
    assert sorted(after) == sorted(reference.partial_state())
    assert_left_nothing_behind(place)


def test_a_stopped_render_leaves_the_earlier_video_as_it_was(tmp_path, reference, reference_frames) -> None:
    """The dark theme, stopped at each moment over a finished light video: the light video, subtitles and clips stay."""
    place = copy_of(reference, tmp_path / "place")
    earlier = place.outputs()
    assert f"{SCENE_NAME}.mp4" in earlier
    assert f"{SCENE_NAME}.srt" in earlier
    assert len([name for name in earlier if name.startswith("sections/")]) == 9  # 8 clips and their index
    light_partials = place.partial_state()
    moments = [
        ("seconds:4", "KILL"),  # whatever is happening then
        ("frame:10", "INT"),
        ("subtitles", "KILL"),  # the new subtitles written, not yet in place
        ("clip", "TERM"),
        ("video", "INT"),
    ]
    for moment, name in moments:
        place.interrupt(moment, name, FORWARD_PASS_THEME="dark")
        assert place.outputs() == earlier, f"stopped at {moment} by SIG{name}, the earlier files changed"
        assert_whole_or_absent(place)
    result = place.render()
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    assert frames_of(place.video) == reference_frames
    assert {name: state for name, state in place.partial_state().items() if name in light_partials} == light_partials
    assert_left_nothing_behind(place)


# ---------------------------------------------------------------- a damaged cache


def test_a_damaged_cache_heals_and_says_what_it_made_again(tmp_path, reference, reference_frames) -> None:
    place = copy_of(reference, tmp_path / "place")
    partials = sorted(place.partials.glob("[!.]*.mp4"))
    cut = partials[len(partials) // 2]
    cut.write_bytes(cut.read_bytes()[: cut.stat().st_size // 2])
    text_svg = sorted((place.media / "texts").glob("*.svg"))[0]
    text_svg.write_bytes(b"")
    formula_svg = sorted((place.media / "Tex").glob("*.svg"))[0]
    formula_svg.write_bytes(b"")
    parse = sorted((place.media / "Tex").glob("*.kept"))[-1]
    parse.write_bytes(parse.read_bytes()[:100])
    note = sorted((place.media / "Tex").glob("formulas-*.txt"))[0]
    note.write_bytes(note.read_bytes()[:20])
    older = place.media / "Tex" / f"{formula_svg.name}.0123456789abcdef0123.parsed"
    older.write_bytes(b"a kept parse of an earlier format")  # never read again: removed without a word
    untouched = {name: state for name, state in place.partial_state().items() if name != cut.name}

    result = place.render()
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    assert "Traceback" not in log
    lines = [line for line in result.stderr.splitlines() if "found incomplete in the cache" in line]
    assert len(lines) == 1, result.stderr[-3000:]
    for said in ("1 partial movie file", "1 text SVG", "1 formula SVG", "1 kept parse", "1 note of a scene's formulas"):
        assert said in lines[0], lines[0]
    assert not older.exists()
    assert frames_of(place.video) == reference_frames
    # Only the cut play was drawn again; the SVG files were made again, whole.
    state = place.partial_state()
    assert {name: state[name] for name in untouched} == untouched
    assert len(frames_of(cut)) == int(cut.stem.split("_")[4])
    for svg in (text_svg, formula_svg):
        assert ET.parse(svg).getroot().tag.endswith("svg")


# ---------------------------------------------------------------- two at once


def waited(output: str) -> bool:
    return re.search(r"forward_pass: waiting for the render into .* to end \(pid \d+", output) is not None


def test_ql_and_qh_of_the_same_scene_at_once(tmp_path, reference, reference_frames) -> None:
    place = copy_of(reference, tmp_path / "place")
    # The -qh render stops after its first three plays (-n 0,2), a second of video, to stay cheap.
    high = place.start("-qh", "-n", "0,2")
    low = place.start()
    outputs = [process.communicate(timeout=TIMEOUT)[0] for process in (high, low)]
    assert [high.returncode, low.returncode] == [0, 0], outputs[0][-2000:] + outputs[1][-2000:]
    assert sum(waited(output) for output in outputs) == 1, outputs
    assert frames_of(place.video) == reference_frames
    high_video = place.media / "videos" / "short_scene" / "1080p60" / f"{SCENE_NAME}.mp4"
    with av.open(str(high_video)) as container:
        frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    assert frames[0].shape == (1080, 1920, 3)
    assert len(frames) == 60  # the intro's first three plays: 4 + 7 + 4 frames at 15 fps, a second
    assert frames[-1].std() > 10  # the title is on screen, not a blank frame


def test_two_networks_at_once(tmp_path, reference, reference_frames) -> None:
    """``FORWARD_PASS_NETWORK`` gives each its network; ``-o`` keeps both videos."""
    place = copy_of(reference, tmp_path / "place")
    first = place.start("-o", "Default")
    second = place.start("-o", "Iris", FORWARD_PASS_NETWORK=str(IRIS))
    outputs = [process.communicate(timeout=TIMEOUT)[0] for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs[0][-2000:] + outputs[1][-2000:]
    assert sum(waited(output) for output in outputs) == 1, outputs
    assert frames_of(place.videos / "Default.mp4") == reference_frames
    assert srt.compose(srt.parse((place.videos / "Default.srt").read_text(encoding="utf-8"))) == srt.compose(
        srt.parse((place.videos / f"{SCENE_NAME}.srt").read_text(encoding="utf-8"))
    )
    iris = (place.videos / "Iris.srt").read_text(encoding="utf-8")
    assert "[4, 6, 6, 3]: ReLU, softmax" in iris
    assert "x = (1.71, -0.13, 1.17, 0.51)" in iris
    assert len(frames_of(place.videos / "Iris.mp4")) == FRAMES
