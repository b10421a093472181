"""The slide decks, made by the real command and opened by the real clients.

``scripts/make_deck.py -ql`` runs once for the module, into a media folder of its
own (about a minute: a render and two conversions); skip it with
``pytest --skip_render``. The HTML deck is opened alone, from an empty folder, in
headless Chromium with the network cut off, and stepped through slide by slide
with the arrow key; the PowerPoint deck is read back with python-pptx; the clips
are decoded with PyAV and the subtitles parsed with ``srt``, as manim writes them.

The bad cases run the same command: reveal.js missing, a manim that manim-slides
does not support (the real manim 0.22.0, from ``.venv-newest``), a
network file that stops the render, and a render stopped halfway. Each must stop
with one line and leave an earlier deck as it was.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip(
    "manim_slides",
    reason="no manim-slides here: the decks are made in the pinned environment (.venv), with a manim that "
    "manim-slides can drive; there, test_unsupported_manim_stops_in_one_line checks the refusal of manim 0.22",
)

import av  # noqa: E402
import pptx  # noqa: E402
import srt  # noqa: E402
from pptx.enum.shapes import MSO_SHAPE_TYPE  # noqa: E402
from pptx.oxml.ns import qn  # noqa: E402

from backward_pass import BackwardPassScene  # noqa: E402
from forward_pass import ForwardPassScene  # noqa: E402
from network_model import format_value, forward, load_network, training_step  # noqa: E402
from subtitles import cue_text  # noqa: E402
from test_interruptions import FRAMES as SHORT_FRAMES  # noqa: E402
from test_interruptions import fresh_place, waited  # noqa: E402
from test_steps import STEPS_PER_PHASE, cues_shown  # noqa: E402
from timeline import phase_frame_spans  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MAKE_DECK = ROOT / "scripts" / "make_deck.py"
DECK_BROWSER = ROOT / "scripts" / "deck_browser.py"
SCENE_NAME = "ForwardPassSlides"
NETWORK_ENV_VAR = "FORWARD_PASS_NETWORK"
FPS = 15
FRAME = 1 / FPS
PHASES = dict(ForwardPassScene.PHASES)
SPANS = phase_frame_spans(PHASES, FPS)
DECK_TIMEOUT = 1200
UNSUPPORTED_MANIM = "0.22.0"


def load_script(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


browser = load_script(DECK_BROWSER)


def run_make_deck(media_dir: Path, *args: str, **env_changes: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != NETWORK_ENV_VAR}
    env.update(env_changes)
    return subprocess.run(
        [sys.executable, str(MAKE_DECK), "-ql", "--media-dir", str(media_dir), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=DECK_TIMEOUT,
        check=False,
    )


@dataclass(frozen=True)
class Deck:
    media_dir: Path
    html: Path
    pptx: Path
    slides: list[dict]
    """The slides index that manim-slides wrote, as JSON."""
    result: subprocess.CompletedProcess
    beside: tuple[int, str, Path] | None = None
    """A lecturer's render into the same media folder, started with the deck's: its exit code, output and video."""

    @property
    def decks_dir(self) -> Path:
        return self.html.parent

    @property
    def subtitles(self) -> Path:
        return self.media_dir / "videos" / "forward_pass_slides" / "480p15" / f"{SCENE_NAME}.srt"

    @property
    def video(self) -> Path:
        return self.subtitles.with_suffix(".mp4")


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Deck:
    folder = tmp_path_factory.mktemp("deck")
    media_dir = folder / "media"
    # A short render into the same media folder, at the same time: one of the two waits for the other.
    place = fresh_place(folder)
    beside = place.start()
    result = run_make_deck(media_dir)
    output = beside.communicate(timeout=DECK_TIMEOUT)[0]
    if result.returncode != 0:
        pytest.fail(f"make_deck.py failed:\n{result.stdout}\n{result.stderr}", pytrace=False)
    index = json.loads((media_dir / "slides" / f"{SCENE_NAME}.json").read_text(encoding="utf-8"))
    decks = media_dir / "decks"
    return Deck(
        media_dir,
        decks / f"{SCENE_NAME}.html",
        decks / f"{SCENE_NAME}.pptx",
        index["slides"],
        result,
        (beside.returncode, output, place.video),
    )


def frames_of(path: Path | None = None, data: bytes | None = None) -> list[str]:
    """A digest of every decoded frame's pixels."""
    with av.open(str(path) if path is not None else io.BytesIO(data)) as container:
        return [
            hashlib.sha256(frame.to_ndarray(format="rgb24").tobytes()).hexdigest()
            for frame in container.decode(video=0)
        ]


@pytest.fixture(scope="module")
def clip_frames(deck: Deck) -> list[list[str]]:
    return [frames_of(Path(slide["file"])) for slide in deck.slides]


@pytest.fixture(scope="module")
def slide_spans(clip_frames: list[list[str]]) -> list[tuple[float, float]]:
    """Each slide's start and end in the video, in seconds, from its clip's frames."""
    spans, start = [], 0
    for frames in clip_frames:
        spans.append((start / FPS, (start + len(frames)) / FPS))
        start += len(frames)
    return spans


def expected_notes(deck: Deck, spans: list[tuple[float, float]]) -> list[str]:
    """For each slide, the subtitle cues that are on screen during it, from the subtitles manim wrote."""
    cues = list(srt.parse(deck.subtitles.read_text(encoding="utf-8")))
    return ["\n\n".join(shown) for shown in cues_shown(cues, spans, FPS)]


# ---------------------------------------------------------------- the command and the slides


@pytest.mark.render
def test_make_deck_writes_both_decks_and_nothing_else(deck: Deck) -> None:
    assert deck.result.stderr == ""
    assert f"decks/{SCENE_NAME}.html" in deck.result.stdout
    assert f"decks/{SCENE_NAME}.pptx" in deck.result.stdout
    names = sorted(path.name for path in deck.decks_dir.iterdir())
    assert names == [f"{SCENE_NAME}.html", f"{SCENE_NAME}.log", f"{SCENE_NAME}.pptx"]


@pytest.mark.render
def test_a_render_beside_the_deck_build_succeeds(deck: Deck) -> None:
    """Started together into one media folder, the deck's render and a lecturer's: one waits, both are right."""
    code, output, video = deck.beside
    assert code == 0, output[-3000:]
    assert len(frames_of(video)) == SHORT_FRAMES
    log = (deck.decks_dir / f"{SCENE_NAME}.log").read_text(encoding="utf-8")
    assert waited(output) + waited(log) == 1, (output[-2000:], log[-2000:])


@pytest.mark.render
def test_one_slide_per_step_and_phases_end_on_slide_ends(deck: Deck, clip_frames: list[list[str]]) -> None:
    assert len(deck.slides) == sum(STEPS_PER_PHASE.values()) == 14
    assert list(STEPS_PER_PHASE) == list(PHASES)
    assert all(frames for frames in clip_frames), "a slide has an empty clip"
    ends = list(itertools.accumulate(len(frames) for frames in clip_frames))
    last_slide = -1
    for phase, count in STEPS_PER_PHASE.items():
        last_slide += count
        assert ends[last_slide] == SPANS[phase][1], (
            f"{phase} ends at frame {SPANS[phase][1]}, a slide at {ends[last_slide]}"
        )
    assert ends[-1] == round(sum(PHASES.values()) * FPS) == 690


@pytest.mark.render
def test_the_slides_show_the_whole_video_frame_for_frame(deck: Deck, clip_frames: list[list[str]]) -> None:
    video = frames_of(deck.video)
    slides = [digest for frames in clip_frames for digest in frames]
    assert len(slides) == len(video)
    differing = [number for number, (a, b) in enumerate(zip(slides, video)) if a != b]
    assert not differing, f"{len(differing)} frames differ, the first at frame {differing[0]}"


@pytest.mark.render
def test_notes_are_the_subtitles_of_their_step(deck: Deck, slide_spans: list[tuple[float, float]]) -> None:
    expected = expected_notes(deck, slide_spans)
    assert all(expected), "a slide has no subtitle on screen"
    # A note holds each cue's wording on one line; the subtitle file breaks it into lines.
    written = ["\n\n".join(cue_text(cue) for cue in slide["notes"].split("\n\n")) for slide in deck.slides]
    assert written == expected


@pytest.mark.render
def test_notes_carry_the_real_numbers(deck: Deck) -> None:
    trace = forward(load_network())
    notes = [slide["notes"] for slide in deck.slides]
    for layer in trace.layers[:-1]:
        values = "(" + ", ".join(format_value(a) for a in layer.a) + ")"
        assert any(values in text for text in notes), f"no slide's notes give the activations {values}"
    probabilities = "(" + ", ".join(format_value(p) for p in trace.probabilities) + ")"
    assert any(probabilities in text for text in notes), f"no slide's notes give the probabilities {probabilities}"
    # The first slide of each hidden layer writes out its weighted sum; the next, as ReLU is
    # written, says what it does with it.
    first = 0
    for phase, count in STEPS_PER_PHASE.items():
        if phase.startswith("Layer"):
            assert "z = " in notes[first], notes[first]
            assert "ReLU" in notes[first + 1], notes[first + 1]
        first += count


# ---------------------------------------------------------------- the HTML deck


class Addresses(HTMLParser):
    """Every address that an element of the page loads from."""

    LOADING = {"src", "href", "data-background-video", "data-background-image", "data-src", "poster"}

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.extend((tag, name, value or "") for name, value in attrs if name in self.LOADING)


@pytest.mark.render
def test_html_deck_is_one_file_that_names_no_address(deck: Deck) -> None:
    parser = Addresses()
    parser.feed(deck.html.read_text(encoding="utf-8"))
    kinds = [(tag, name) for tag, name, _ in parser.found]
    assert kinds.count(("section", "data-background-video")) == len(deck.slides)
    assert ("script", "src") in kinds
    assert ("link", "href") in kinds
    outside = [(tag, name, value[:60]) for tag, name, value in parser.found if not value.startswith("data:")]
    assert not outside, f"the deck loads from outside itself: {outside}"


@pytest.mark.render
def test_html_deck_plays_every_slide_offline_from_an_empty_folder(
    deck: Deck, tmp_path: Path, slide_spans: list[tuple[float, float]]
) -> None:
    alone = tmp_path / "elsewhere" / deck.html.name
    alone.parent.mkdir()
    shutil.copyfile(deck.html, alone)
    assert list(alone.parent.iterdir()) == [alone]
    notes = [slide["notes"] for slide in deck.slides]
    try:
        with browser.chromium() as driver:
            total = browser.open_deck(driver, alone)
            assert total == len(deck.slides)
            assert driver.execute_script("return Reveal.hasPlugin('notes')"), "no speaker view"
            for number in range(total):
                if number:
                    assert browser.next_slide(driver) == number
                state = browser.play_to(driver, 0.5)
                start, end = slide_spans[number]
                assert state["duration"] == pytest.approx(end - start, abs=FRAME), f"slide {number + 1}"
                assert state["time"] > 0, f"slide {number + 1}: the video did not advance: {state}"
                later = browser.play_to(driver, min(state["time"] + 0.2, end - start))
                assert later["ended"] or later["time"] > state["time"], f"slide {number + 1}: stuck at {later}"
                shown = driver.execute_script(
                    "return Array.from(Reveal.getCurrentSlide().querySelectorAll('aside.notes p'), p => p.textContent)"
                )
                assert shown == notes[number].split("\n\n"), f"slide {number + 1}: the speaker notes"
            speaker_view = browser.speaker_notes(driver)
            errors = browser.browser_errors(driver)
            requests = browser.remote_requests(driver)
    except browser.BrowserError as error:
        pytest.fail(str(error), pytrace=False)
    assert [line for line in speaker_view.splitlines() if line] == notes[-1].split("\n\n")
    assert errors == [], "the browser console shows errors"
    assert requests == [], "the deck asked for something over the network"


# ---------------------------------------------------------------- the PowerPoint deck


@pytest.mark.render
def test_pptx_has_each_slide_with_its_clip_and_notes(deck: Deck, clip_frames: list[list[str]]) -> None:
    presentation = pptx.Presentation(str(deck.pptx))
    assert len(presentation.slides) == len(deck.slides)
    for number, (slide, indexed, frames) in enumerate(zip(presentation.slides, deck.slides, clip_frames), start=1):
        movies = [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.MEDIA]
        assert len(movies) == 1, f"slide {number}: {len(movies)} videos"
        movie = movies[0]
        assert (movie.left, movie.top, movie.width, movie.height) == (
            0,
            0,
            presentation.slide_width,
            presentation.slide_height,
        ), f"slide {number}: the video does not fill the slide"
        link = movie._element.find(f".//{qn('a:videoFile')}").get(qn("r:link"))
        media = slide.part.related_part(link)
        assert media.content_type == "video/mp4"
        assert media.blob == Path(indexed["file"]).read_bytes(), f"slide {number}: not its own clip"
        assert frames_of(data=media.blob) == frames, f"slide {number}: the clip does not decode to its frames"
        # The clip starts as the slide opens: a media node for it, with no delay, in the slide's timing.
        shape_id = movie._element.find(f".//{qn('p:cNvPr')}").get("id")
        starts = slide._element.xpath(f".//p:timing//p:video[.//p:spTgt[@spid='{shape_id}']]//p:cond/@delay")
        assert starts == ["0"], f"slide {number}: the clip does not start with the slide ({starts})"
        assert slide.has_notes_slide, f"slide {number}: no notes"
        assert slide.notes_slide.notes_text_frame.text == indexed["notes"], f"slide {number}: the notes"


# ---------------------------------------------------------------- bad cases


def plant_earlier_deck(media_dir: Path) -> dict[Path, bytes]:
    decks = media_dir / "decks"
    decks.mkdir(parents=True)
    earlier = {decks / f"{SCENE_NAME}.html": os.urandom(2048), decks / f"{SCENE_NAME}.pptx": os.urandom(2048)}
    for path, content in earlier.items():
        path.write_bytes(content)
    return earlier


def assert_stopped_in_one_line(result: subprocess.CompletedProcess, *parts: str) -> None:
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{result.stderr}"
    assert lines[0].startswith("make_deck: error: "), lines[0]
    for part in parts:
        assert part in lines[0], (part, lines[0])


def assert_earlier_deck_kept(earlier: dict[Path, bytes]) -> None:
    for path, content in earlier.items():
        assert path.read_bytes() == content, f"{path.name} was changed"
    decks = next(iter(earlier)).parent
    left = {path.name for path in decks.iterdir()} - {path.name for path in earlier} - {f"{SCENE_NAME}.log"}
    assert not left, f"left behind in {decks}: {sorted(left)}"


def test_missing_reveal_stops_before_rendering(tmp_path: Path) -> None:
    media = tmp_path / "media"
    earlier = plant_earlier_deck(media)
    empty = tmp_path / "no-reveal"
    empty.mkdir()
    result = run_make_deck(media, "--reveal-dir", str(empty))
    assert_stopped_in_one_line(result, "reveal.js", "dist/reveal", "bash scripts/setup.sh")
    assert_earlier_deck_kept(earlier)
    assert not (media / "videos").exists(), "it rendered before checking reveal.js"


def test_reveal_of_another_version_stops(tmp_path: Path) -> None:
    media = tmp_path / "media"
    earlier = plant_earlier_deck(media)
    other = tmp_path / "reveal.js"
    shutil.copytree(ROOT / "deck" / "node_modules" / "reveal.js", other)
    package = json.loads((other / "package.json").read_text(encoding="utf-8"))
    package["version"] = "4.0.0"
    (other / "package.json").write_text(json.dumps(package), encoding="utf-8")
    result = run_make_deck(media, "--reveal-dir", str(other))
    assert_stopped_in_one_line(result, "reveal.js 4.0.0", "bash scripts/setup.sh")
    assert_earlier_deck_kept(earlier)


@pytest.fixture(scope="module")
def unsupported_manim(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real manim 0.22.0 of ``.venv-newest``, linked where PYTHONPATH puts it before the pinned one."""
    found = sorted((ROOT / ".venv-newest").glob(f"lib/python*/site-packages/manim-{UNSUPPORTED_MANIM}.dist-info"))
    if not found:
        pytest.fail(
            f"manim {UNSUPPORTED_MANIM} is not in .venv-newest: run bash scripts/setup.sh --newest", pytrace=False
        )
    site = tmp_path_factory.mktemp("manim-0.22")
    for name in ("manim", found[-1].name):
        (site / name).symlink_to(found[-1].parent / name, target_is_directory=True)
    return site


def test_unsupported_manim_stops_in_one_line(tmp_path: Path, unsupported_manim: Path) -> None:
    media = tmp_path / "media"
    earlier = plant_earlier_deck(media)
    result = run_make_deck(media, PYTHONPATH=str(unsupported_manim))
    assert_stopped_in_one_line(result, f"manim {UNSUPPORTED_MANIM} is not supported by manim-slides", "setup.sh")
    assert_earlier_deck_kept(earlier)


def test_render_that_fails_keeps_the_earlier_deck(tmp_path: Path) -> None:
    media = tmp_path / "media"
    earlier = plant_earlier_deck(media)
    network = tmp_path / "network.json"
    data = json.loads((ROOT / "assets" / "network.json").read_text(encoding="utf-8"))
    data["weights"][1] = [row[:3] for row in data["weights"][1]]
    network.write_text(json.dumps(data), encoding="utf-8")
    result = run_make_deck(media, **{NETWORK_ENV_VAR: str(network)})
    assert_stopped_in_one_line(result, str(network), "weights[1]")
    assert_earlier_deck_kept(earlier)


def children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@pytest.mark.render
def test_render_stopped_halfway_keeps_the_earlier_deck(tmp_path: Path) -> None:
    media = tmp_path / "media"
    earlier = plant_earlier_deck(media)
    partials = media / "videos" / "forward_pass_slides" / "480p15" / "partial_movie_files" / SCENE_NAME
    env = {key: value for key, value in os.environ.items() if key != NETWORK_ENV_VAR}
    command = [sys.executable, str(MAKE_DECK), "-ql", "--media-dir", str(media)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        render = None
        while time.monotonic() < deadline and process.poll() is None:
            render = render or next(iter(children(process.pid)), None)
            if render is not None and len(list(partials.glob("*.mp4"))) >= 5:
                break
            time.sleep(0.1)
        assert process.poll() is None, "the render ended before it could be stopped halfway"
        assert render is not None, "make_deck.py started no render"
        os.kill(render, signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    result = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    assert_stopped_in_one_line(result, "stopped by SIGTERM", f"{SCENE_NAME}.log")
    assert_earlier_deck_kept(earlier)


# ---------------------------------------------------------------- the backward pass's deck


@pytest.mark.render
def test_the_backward_pass_deck_plays_offline_and_its_pptx_reads_back(tmp_path: Path) -> None:
    """``--scene backward`` makes the training step's decks: a slide per step, the numbers in the notes."""
    name = "BackwardPassSlides"
    media_dir = tmp_path / "media"
    result = run_make_deck(media_dir, "--scene", "backward")
    if result.returncode != 0:
        pytest.fail(f"make_deck.py --scene backward failed:\n{result.stdout}\n{result.stderr}", pytrace=False)
    slides = json.loads((media_dir / "slides" / f"{name}.json").read_text(encoding="utf-8"))["slides"]
    step = training_step(load_network())
    notes = [slide["notes"] for slide in slides]
    # Each phase ends a slide, and so do the pause points inside them.
    assert len(slides) > len(BackwardPassScene.PHASES)
    assert format_value(step.loss) in " ".join(notes)
    alone = tmp_path / "elsewhere" / f"{name}.html"
    alone.parent.mkdir()
    shutil.copyfile(media_dir / "decks" / f"{name}.html", alone)
    try:
        with browser.chromium() as driver:
            total = browser.open_deck(driver, alone)
            assert total == len(slides)
            for number in range(total):
                if number:
                    assert browser.next_slide(driver) == number
                state = browser.play_to(driver, 0.3)
                assert state["time"] > 0, f"slide {number + 1}: the video did not advance: {state}"
            errors = browser.browser_errors(driver)
            requests = browser.remote_requests(driver)
    except browser.BrowserError as error:
        pytest.fail(str(error), pytrace=False)
    assert errors == [], "the browser console shows errors"
    assert requests == [], "the deck asked for something over the network"
    presentation = pptx.Presentation(str(media_dir / "decks" / f"{name}.pptx"))
    assert len(presentation.slides) == len(slides)
    read_notes = [slide.notes_slide.notes_text_frame.text for slide in presentation.slides]
    assert [text.replace("\n", "") for text in read_notes] == [text.replace("\n", "") for text in notes]
