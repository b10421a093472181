"""Make the slide decks of the forward or the backward pass: an offline HTML deck and a PowerPoint deck.

Run from the repository root::

    python scripts/make_deck.py                    # the forward pass, 1080p60
    python scripts/make_deck.py -ql                # 480p15, quickly
    python scripts/make_deck.py --scene backward   # the training step

It renders ``ForwardPassSlides`` or ``BackwardPassSlides`` (``scenes/forward_pass_slides.py``)
with manim, one slide per step of the story with its subtitles as speaker notes, and writes
(for the forward pass; the backward pass's are named ``BackwardPassSlides``)

``media/decks/ForwardPassSlides.html``
    A reveal.js deck in one file: reveal.js itself, from the npm package that
    ``scripts/setup.sh`` installs in ``deck/node_modules/``, and every clip are
    inside it as data URIs, so that it opens and plays with no network. Press S
    for the speaker view with the notes.

``media/decks/ForwardPassSlides.pptx``
    One slide per step, each with its clip and its notes.

Both are written beside their old versions and renamed over them only once both
are complete, so a failure at any point leaves the earlier decks as they were.
Whatever stops it is said in one line, and the render's output is kept in
``media/decks/ForwardPassSlides.log``.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import html
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

try:
    from manim_slides.config import PresentationConfig
    from manim_slides.convert import JsBool, PowerPoint, RevealJS, SlideNumber
    from pydantic import ValidationError
except ImportError as missing:
    sys.exit(
        f"make_deck: error: {missing.name} is not installed here; the decks are made in the environment "
        "that bash scripts/setup.sh installs in .venv"
    )

ROOT = Path(__file__).resolve().parent.parent
SCENE_FILE = ROOT / "scenes" / "forward_pass_slides.py"
SCENES = {
    "forward": ("ForwardPassSlides", "Neural network forward pass"),
    "backward": ("BackwardPassSlides", "Neural network backward pass: one training step"),
}
"""Each story's slides scene in ``SCENE_FILE``, and its deck's title."""
PROGRAMS = ("forward_pass", "backward_pass")
"""The names that start the scenes' one-line errors."""
SLIDES_FOLDER = "slides"
"""Where the scene writes its clips and their index, inside the media folder (see the scene)."""
REVEAL_DIR = ROOT / "deck" / "node_modules" / "reveal.js"
QUALITIES = {"high": ("-qh", "1080p60"), "low": ("-ql", "480p15")}

REVEAL_VERSION = RevealJS.model_fields["reveal_version"].default
"""The reveal.js release that manim-slides' HTML template is written for."""
REVEAL_THEME = RevealJS.model_fields["reveal_theme"].default
REVEAL_FILES = (
    "dist/reveal.css",
    f"dist/theme/{REVEAL_THEME}.css",
    "dist/plugin/highlight/zenburn.css",
    "dist/reveal.js",
    "dist/plugin/notes.js",
    "dist/plugin/markdown.js",
)
"""Every file of reveal.js that the template refers to."""
LOCAL_ASSETS = "local-reveal.js"
"""Stands for reveal.js's address in the template, until its files are put in their place."""
MIME_TYPES = {".css": "text/css", ".js": "text/javascript"}
UMASK = os.umask(0o022)
os.umask(UMASK)


class DeckError(RuntimeError):
    """Something that stops the deck; the message says what, in one line."""


def relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def check_reveal(reveal_dir: Path) -> None:
    """Stop before rendering if reveal.js's files are not where the deck takes them from."""
    hint = "install them with: bash scripts/setup.sh"
    missing = [name for name in REVEAL_FILES if not (reveal_dir / name).is_file()]
    if missing:
        raise DeckError(f"reveal.js's files are missing: no {relative(reveal_dir / missing[0])}; {hint}")
    try:
        found = json.loads((reveal_dir / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        raise DeckError(f"no reveal.js version in {relative(reveal_dir / 'package.json')}; {hint}") from None
    if found != REVEAL_VERSION:
        raise DeckError(
            f"reveal.js {found} is in {relative(reveal_dir)}, but manim-slides {version('manim-slides')} "
            f"is made for {REVEAL_VERSION}; {hint}"
        )


def render(quality: str, media_dir: Path, log: Path, scene: str = "ForwardPassSlides") -> Path:
    """Render the slides of ``scene`` with manim; return the index of the slides that manim-slides writes."""
    flag, label = QUALITIES[quality]
    index = media_dir / SLIDES_FOLDER / f"{scene}.json"
    # An index left by an earlier render must not pass for this one's.
    index.unlink(missing_ok=True)
    command = [
        sys.executable, "-m", "manim", "render", flag, "--progress_bar", "none",
        "--media_dir", str(media_dir), str(SCENE_FILE.relative_to(ROOT)), scene,
    ]  # fmt: skip
    print(f"make_deck: rendering {scene} at {label} (its output goes to {relative(log)})", flush=True)
    with log.open("w", encoding="utf-8") as output:
        result = subprocess.run(command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        text = log.read_text(encoding="utf-8", errors="replace")
        reasons = [
            line.split("error: ", 1)[1]
            for line in text.splitlines()
            if line.startswith(tuple(f"{program}: error: " for program in PROGRAMS))
        ]
        if reasons:
            raise DeckError(reasons[-1])
        if result.returncode < 0:
            name = signal.Signals(-result.returncode).name
            raise DeckError(f"the render of {scene} was stopped by {name}; its output is in {relative(log)}")
        raise DeckError(
            f"the render of {scene} failed with exit code {result.returncode}; its output is in {relative(log)}"
        )
    if not index.is_file():
        raise DeckError(f"the render finished but wrote no slides index at {relative(index)}; see {relative(log)}")
    return index


def load_slides(index: Path) -> PresentationConfig:
    try:
        return PresentationConfig.from_file(index)
    except (OSError, ValueError, ValidationError) as error:
        first = str(error).strip().splitlines()[0]
        raise DeckError(f"{relative(index)}: not a slides index that manim-slides can read: {first}") from None


def data_uri(path: Path) -> str:
    return f"data:{MIME_TYPES[path.suffix]};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def notes_html(notes: str) -> str:
    """Speaker notes as plain paragraphs: the subtitles shown as they are, never read as Markdown or HTML."""
    paragraphs = "".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in notes.split("\n\n") if paragraph)
    return f'<aside class="notes">{paragraphs}</aside>'


def write_html(
    presentation: PresentationConfig, reveal_dir: Path, dest: Path, title: str = SCENES["forward"][1]
) -> None:
    """A one-file reveal.js deck: the clips and reveal.js's own files all inside it as data URIs."""
    # Each slide's notes go in as a token first, then in as escaped HTML below.
    tokens = [f"forward-pass-notes-{number}" for number in range(len(presentation.slides))]
    marked = presentation.model_copy(deep=True)
    for slide, token in zip(marked.slides, tokens):
        slide.notes = token
    RevealJS(
        presentation_configs=[marked],
        one_file=True,
        cdn_url=LOCAL_ASSETS,
        title=title,
        # Where the lecturer is: the slide's number out of all, and a progress bar.
        slide_number=SlideNumber.candt,
        progress=JsBool.true,
    ).convert_to(dest)
    text = dest.read_text(encoding="utf-8")

    def asset(match: re.Match) -> str:
        path = reveal_dir / match["path"]
        if not path.is_file():
            raise DeckError(f"manim-slides' template asks for {match['path']}, which reveal.js lacks in {reveal_dir}")
        return match["before"] + data_uri(path) + '"'

    quoted = re.escape(LOCAL_ASSETS)
    text = re.sub(rf'(?P<before>(?:href|src)=")(?:{quoted})/(?P<path>[^"]+)"', asset, text)
    if LOCAL_ASSETS in text:
        raise DeckError("manim-slides' template refers to reveal.js in a way that this script cannot inline")
    for token, slide in zip(tokens, presentation.slides):
        tag = f'<aside class="notes" data-markdown>{token}</aside>'
        if text.count(tag) != 1:
            raise DeckError("manim-slides' template writes speaker notes in a way that this script does not know")
        text = text.replace(tag, notes_html(slide.notes))
    dest.write_text(text, encoding="utf-8")


def write_pptx(presentation: PresentationConfig, dest: Path) -> None:
    # manim-slides draws a progress bar for these few seconds; keep the output to what matters.
    with contextlib.redirect_stderr(io.StringIO()):
        PowerPoint(presentation_configs=[presentation]).convert_to(dest)


def make_deck(quality: str, media_dir: Path, reveal_dir: Path, story: str = "forward") -> list[Path]:
    name, title = SCENES[story]
    check_reveal(reveal_dir)
    decks = media_dir / "decks"
    decks.mkdir(parents=True, exist_ok=True)
    index = render(quality, media_dir, decks / f"{name}.log", name)
    presentation = load_slides(index)
    finals = [decks / f"{name}.html", decks / f"{name}.pptx"]
    temporaries = []
    try:
        for final in finals:
            handle, name = tempfile.mkstemp(dir=decks, prefix=f".{final.stem}.", suffix=final.suffix)
            os.close(handle)
            temporaries.append(Path(name))
            # mkstemp makes the file private; a deck is to be shared like any file the user writes.
            os.chmod(name, 0o666 & ~UMASK)
        write_html(presentation, reveal_dir, temporaries[0], title)
        write_pptx(presentation, temporaries[1])
        for temporary, final in zip(temporaries, finals):
            os.replace(temporary, final)
    finally:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
    return finals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "-ql", dest="quality", action="store_const", const="low", default="high", help="a quick 480p15 deck"
    )
    parser.add_argument(
        "--scene", choices=list(SCENES), default="forward", help="the story: the forward pass (default) or the backward"
    )
    parser.add_argument("--media-dir", type=Path, default=ROOT / "media", help="manim's media folder (default: media/)")
    parser.add_argument(
        "--reveal-dir",
        type=Path,
        default=REVEAL_DIR,
        help="reveal.js's npm package (default: deck/node_modules/reveal.js)",
    )
    args = parser.parse_args(argv)
    try:
        decks = make_deck(args.quality, args.media_dir.resolve(), args.reveal_dir.resolve(), args.scene)
    except (DeckError, OSError) as error:
        sys.stderr.write(f"make_deck: error: {error}\n")
        return 2
    for deck in decks:
        print(f"make_deck: wrote {relative(deck)} ({deck.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
