"""The forward and the backward pass as slide decks: the same stories, cut where a lecturer pauses.

Build both decks of a story from the repository root with::

    python scripts/make_deck.py                    # the forward pass
    python scripts/make_deck.py --scene backward   # the training step

which renders one of these scenes with manim and converts it with manim-slides.
Rendered on its own (``manim -qh scenes/forward_pass_slides.py ForwardPassSlides``,
or ``BackwardPassSlides``), a scene writes the slides' clips and their index to
``<media_dir>/slides/``.

Every phase ends a slide, and so does every pause point of the story: inside
each hidden layer, after the weighted sum is written and again after its
activation function; in the output layer, after the logits; in the backward
pass, after the worked loss, each worked δ and the gradient matrix. Each slide's
speaker notes are the subtitle cues shown during it, with their real numbers.
"""

from __future__ import annotations

import os
from importlib.metadata import version
from pathlib import Path

from manim import __version__ as manim_version
from manim import config
from manim_slides import Slide
from manim_slides.config import PresentationConfig

from backward_pass import BackwardPassScene
from forward_pass import ForwardPassScene
from phased_scene import SetupError
from whole_files import STAGING_PREFIX

__all__ = ["SLIDES_FOLDER", "BackwardPassSlides", "ForwardPassSlides", "PhasedSlides", "check_slides_support"]

SLIDES_FOLDER = "slides"
"""Where, inside manim's media folder, the slides' clips and their index go."""

SLIDE_SETTINGS = (
    "write_to_movie",
    "max_files_cached",
    "flush_cache",
    "disable_caching",
    "progress_bar",
    "from_animation_number",
)
"""The manim settings that manim-slides reads or sets while it renders (its ``slide/manim.py``)."""


def check_slides_support() -> None:
    """Stop before the first frame if this manim lacks a setting that manim-slides relies on."""
    missing = [name for name in SLIDE_SETTINGS if not isinstance(getattr(type(config), name, None), property)]
    if missing:
        raise SetupError(
            f"manim {manim_version} is not supported by manim-slides {version('manim-slides')}: "
            f"manim has no {' and no '.join(missing)} setting; the deck needs the manim that pyproject.toml pins "
            "(bash scripts/setup.sh installs it)"
        )


class PhasedSlides(Slide):
    """A phased story cut into one slide per step, each with its subtitles as speaker notes.

    Put it before the story: ``class StorySlides(PhasedSlides, StoryScene)``.
    """

    skip_reversing = True
    """Slides only go forward, so manim-slides need not render every clip backwards too."""

    two_processes = False
    """manim-slides reads each slide's animations from this one process."""

    def __init__(self, *args, **kwargs) -> None:
        # Before Slide.__init__, which sets one of those settings.
        with self.stop_on(SetupError):
            check_slides_support()
        # Absolute, because manim-slides reads a relative clip path as relative to the folder's parent.
        kwargs.setdefault("output_folder", Path(config.media_dir).resolve() / SLIDES_FOLDER)
        self.slides_folder = Path(kwargs["output_folder"])
        super().__init__(*args, **kwargs)

    def on_step_end(self, captions: list[str]) -> None:
        """End the slide here; its speaker notes, the cues shown during it, are written after the render."""
        self.next_slide()

    def render(self, *args, **kwargs) -> None:
        """Render the slides, then write each step's notes into the slides' index.

        manim-slides takes a slide's notes when the slide starts, but a step's
        cues are known only when it ends, and their wording, the one the
        subtitle file has, only when each cue ends; so they are written in
        afterwards, and the slides must match the steps one for one.
        """
        # The slides' clips, which manim-slides takes from its folder when they exist, are checked too;
        # the lock is held until the notes are in.
        with self.media_guarded(clips=(self.slides_folder / "files" / type(self).__name__, self.slides_folder)):
            super().render(*args, **kwargs)
            index = self.slides_folder / f"{type(self).__name__}.json"
            presentation = PresentationConfig.from_file(index)
            notes = ["\n\n".join(cues) for cues in self.step_subtitles()]
            if len(presentation.slides) != len(notes):
                raise RuntimeError(
                    f"{index}: manim-slides cut {len(presentation.slides)} slides, but the story has {len(notes)} steps"
                )
            for slide, text in zip(presentation.slides, notes):
                slide.notes = text
            # Whole or not at all: written beside the index, then moved over it.
            staged = index.with_name(f"{STAGING_PREFIX}{os.getpid()}-{index.name}")
            presentation.to_file(staged)
            os.replace(staged, index)


class ForwardPassSlides(PhasedSlides, ForwardPassScene):
    """:class:`ForwardPassScene`, cut into one slide per step, each with its subtitles as speaker notes."""


class BackwardPassSlides(PhasedSlides, BackwardPassScene):
    """:class:`BackwardPassScene`, cut into one slide per step, each with its subtitles as speaker notes."""
