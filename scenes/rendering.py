"""Making frames fast: redraw only what an animation can change, and encode quickly.

manim's Cairo renderer draws the still part of a frame once and, on every frame of
an animation, draws the moving part over it. It counts as moving everything drawn
after the first animated mobject, which in a scene with a large diagram is nearly
everything. :class:`FastScene` narrows that down to what z-order really requires:
the animated mobjects, and whatever is drawn above one of them and overlaps the
area it covers during the animation. Everything else stays in the still image, so
the frames come out the same, only faster.

With caching on, manim decides whether a play can come from the cache by hashing
everything on screen, about half a second per play here, every render. A scene
whose frames follow from known inputs can name each play itself instead:
:attr:`FastScene.play_cache_key`, when set, is used as the play's cache key.

At 1080p60 on a small machine the x264 encoder is the other half of the cost.
:class:`FastEncodingWriter` keeps manim's quality setting (``crf`` 23) and picks a
faster x264 preset, which trades a larger file for far less CPU time at the same
picture quality.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from manim import Animation, Camera, Mobject, RendererType, Scene, config
from manim.renderer import cairo_renderer
from manim.renderer.cairo_renderer import CairoRenderer
from manim.scene.scene_file_writer import SceneFileWriter

__all__ = ["X264_PRESET", "FastEncodingWriter", "FastScene", "KeyedCairoRenderer"]

X264_PRESET = "superfast"
"""Measured on this scene's frames at crf 23: the same PSNR as x264's default preset
(41.0 dB), at half the CPU time, for a file about 1.6 times larger."""

Box = tuple[float, float, float, float]


def _box(mobject: Mobject) -> Box | None:
    """The mobject's own outline, without its submobjects, as (x0, y0, x1, y1)."""
    points = mobject.points
    if len(points) == 0:
        return None
    low = points.min(axis=0)
    high = points.max(axis=0)
    # A stroke reaches half its width beyond the points; a generous margin covers it.
    margin = 0.06
    return (low[0] - margin, low[1] - margin, high[0] + margin, high[1] + margin)


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _leaves(animation: Animation) -> Iterator[Animation]:
    children = getattr(animation, "animations", None)
    if children:
        for child in children:
            yield from _leaves(child)
    else:
        yield animation


def _swept_boxes(animations: Iterable[Animation]) -> list[Box]:
    """Every area an animation can paint: its mobjects now, and where they are going."""
    boxes = []
    for animation in animations:
        for leaf in _leaves(animation):
            for mobject in (getattr(leaf, "mobject", None), getattr(leaf, "target_mobject", None)):
                if mobject is None:
                    continue
                boxes.extend(box for member in mobject.get_family() if (box := _box(member)) is not None)
    return boxes


class FastEncodingWriter(SceneFileWriter):
    """manim's file writer, with the x264 preset set to :data:`X264_PRESET`."""

    def open_partial_movie_stream(self, file_path=None) -> None:
        super().open_partial_movie_stream(file_path)
        # The codec opens with the first frame, so the option still applies here.
        if self.video_stream.codec_context.name == "libx264":
            options = dict(self.video_stream.codec_context.options)
            self.video_stream.codec_context.options = {**options, "preset": X264_PRESET}


class KeyedCairoRenderer(CairoRenderer):
    """manim's Cairo renderer, taking a play's cache key from the scene when it offers one."""

    def play(self, scene, *args, **kwargs) -> None:
        key = getattr(scene, "play_cache_key", None)
        scene.play_cache_key = None
        if key is None:
            super().play(scene, *args, **kwargs)
            return
        # CairoRenderer.play asks manim.utils.hashing for the key; for this one call, answer it.
        hash_play_call = cairo_renderer.get_hash_from_play_call
        cairo_renderer.get_hash_from_play_call = lambda *_args, **_kwargs: key
        try:
            super().play(scene, *args, **kwargs)
        finally:
            cairo_renderer.get_hash_from_play_call = hash_play_call


class FastScene(Scene):
    """A :class:`~manim.Scene` that redraws only what an animation can affect and encodes quickly."""

    play_cache_key: str | None = None
    """The cache key of the next play, or ``None`` for manim's hash of the whole scene.

    Whoever sets it promises that two plays with the same key render the same frames.
    """

    def __init__(self, renderer=None, camera_class=Camera, **kwargs) -> None:
        if renderer is None and config.renderer == RendererType.CAIRO:
            renderer = KeyedCairoRenderer(
                file_writer_class=FastEncodingWriter,
                camera_class=camera_class,
                skip_animations=kwargs.get("skip_animations", False),
            )
        super().__init__(renderer=renderer, camera_class=camera_class, **kwargs)

    def get_moving_mobjects(self, *animations: Animation) -> list[Mobject]:
        candidates = super().get_moving_mobjects(*animations)
        if not candidates:
            return candidates
        animated = {member for animation in animations for member in animation.mobject.get_family()}
        animated.update(
            member for mobject in candidates if mobject.get_family_updaters() for member in mobject.get_family()
        )
        animated.update(member for mobject in self.foreground_mobjects for member in mobject.get_family())
        covered = _swept_boxes(animations)
        moving = []
        for mobject in candidates:
            box = _box(mobject)
            if mobject in animated:
                moving.append(mobject)
            elif box is not None and any(_overlap(box, other) for other in covered):
                # Drawn above something that moves, over the same pixels: it must be redrawn on top.
                moving.append(mobject)
                covered.append(box)
        return moving
