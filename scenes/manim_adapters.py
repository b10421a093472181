"""Everything that touches manim's internals, each checked before it is used.

The scene is faster than plain manim in several ways, each an entry of the
registry in ``speedups``, with a flag of :class:`FastScene` that turns it off
alone. A story takes them in at its leaf (``class Story(FastScene,
PhasedScene)``). They engage only on the manim releases the suite tests frame by
frame (``speedups.TESTED_RELEASES``); elsewhere one line says so, and the scene
renders with manim's own code. Where manim offers a public setting for one, that
setting is used; where it does not, an adapter here reaches into manim, and
checks first that what it relies on is there and as expected. When it is not
(another manim release moved it), the render goes on without that speed-up, and
one line on stderr says which speed-up is off and why. A patch of a manim class
or module lasts as long as the render that made it (:class:`Patches`).

* **Cache keys from the inputs** (:class:`KeyedCairoRenderer`). With caching on,
  manim decides whether a play can come from the cache by hashing everything on
  screen, about half a second per play here. A scene whose frames follow from
  known inputs names each play instead (``scene.play_cache_key``). Relies on
  ``CairoRenderer.play`` asking the module global
  ``manim.renderer.cairo_renderer.get_hash_from_play_call`` for the key. Whatever
  else that function is given besides the scene (the encoder's settings, on
  newer releases) is folded into the key, so the key covers all that manim's own
  hash covers.
* **Skipped plays draw nothing** (:class:`QuietCairoRenderer`). A play that
  manim skips (found in the cache, or before the part of the video being
  drawn) still drew the still image of its first frame, and a skipped wait
  its whole frame, though no frame of it is written and the next play drawn
  starts from a frame of its own. Relies on ``CairoRenderer.update_frame(scene,
  mobjects, include_submobjects, ignore_skipping)`` being how a play draws, and
  on ``CairoRenderer.play`` setting ``skip_animations`` for a skipped play.
* **A faster x264 preset** (:data:`X264_PRESET`), at manim's own quality setting
  (``crf`` 23): far less CPU time at the same picture quality, for a larger file.
  Where manim reads encoder options from its config (``video_encoder_options``,
  set by ``[video_encoder.options]`` in ``manim.cfg`` or ``--encoder-option``),
  that public setting carries it. On older releases :class:`FastEncodingWriter`
  sets it on the stream manim opens, and bounds the queue of frames waiting for
  the encoder thread (``SceneFileWriter.queue``) as 0.22 does.
* **Lighter copies** (:func:`share_svg_paths`). An animation copies its mobject
  when it begins, and a copy of a formula or a text also copied the parsed SVG
  path that each glyph was built from: thousands of ``svgelements`` objects,
  two thirds of all the copying in this scene, for data that nothing reads
  again once the glyph has its points. Copies now share it. Relies on
  ``VMobjectFromSVGPath`` keeping the parsed path in ``path_obj`` and having no
  ``__deepcopy__`` of its own, and on ``Mobject.__deepcopy__(self, memo)``
  deep-copying each attribute with that memo.
* **Each outline traced once** (:class:`TracingCamera`). For every shape on
  every frame, manim's Cairo camera works out the shape's outline from its
  points, in Python, and hands it to Cairo curve by curve. A shape whose points
  have not changed since it was last traced (one that fades, or that is drawn
  again above something that moves) gets the outline Cairo made of manim's
  calls then, in one call: Cairo holds a path on a grid of 1/256 pixel, and the
  copy comes back onto the same grid, so the pixels are the same. Relies on
  ``Camera.set_cairo_context_path(ctx, vmobject)`` starting a new path and
  giving the context nothing but ``new_path``, ``new_sub_path``, ``move_to``,
  ``curve_to`` and ``close_path``, from the mobject's points alone.
* **One copy of the still image per frame** (:class:`OneCopyCamera`). On every
  frame of an animation, manim resets the frame to the still image drawn before
  it; manim 0.19 copies that image twice to do so (8 MB at 1080p, each time).
  Here it is copied once, into the frame, with the same casting. Relies on
  ``Camera.set_frame_to_background(background)`` doing nothing but
  ``self.set_pixel_array(background)``, which sets the frame in place when the
  shapes agree.
* **Families listed in one pass** (:func:`list_families_in_one_pass`). manim
  lists a mobject's family (itself and all its submobjects) many times a frame.
  manim 0.19 builds the list level by level, removing duplicates at every
  level; later releases chain a generator per level. For a diagram of some
  thousand mobjects either costs more than drawing some of them. Here the
  family is listed in one walk into one list, skipping a mobject met again
  below itself as later releases do, and its duplicates are removed once,
  keeping each mobject's last place as manim does: the same list. Relies on
  ``Mobject.get_family(recurse)`` being one of those two.
* **Freed frames returned to the system** (:func:`return_freed_frames`): with
  glibc, where manim encodes in threads of its own, the memory of freed frames
  goes back to the system after every play, which keeps the peak memory of a
  1080p render near what its frames in flight need.
* **Parses kept** (``parsed_svgs``): what manim parsed from a formula's or a
  text's SVG file is kept beside the file, and a later render unpickles it
  rather than parsing the file again; ``parsed_svgs`` says what it relies on.
* **Every formula in one LaTeX run** (:meth:`FastScene.typeset_formulas_first`;
  ``tex_prewarm`` says what it relies on). Before the first formula, the scene
  is rehearsed without its animations to learn its formulas, which are then
  typeset together where manim's cache looks for them.
* **Two processes for a preview** (:meth:`FastScene.split_at`). Below
  1280x720, the render forks where a section begins: the second process runs
  the story from the start with the plays before that section skipped, as
  manim skips the plays of a section made with ``skip_animations=True``, and
  draws the rest; the first draws what comes before and stops there, as manim
  stops at ``EndSceneEarlyException``. The first then takes in the second's
  partial movie files, sections and subtitles, and manim joins them as its
  own. The second makes its formulas and texts in folders of its own, since
  manim writes their files in place. Relies on ``Scene.next_section(name,
  section_type, skip_animations)``, on the renderer skipping the plays of such
  a section, on ``add_partial_movie_file`` keeping one entry per play in
  ``partial_movie_files`` and in its section's list, on the file writer's
  ``subcaptions``, and on ``tear_down`` being called after ``construct`` has
  ended, early or not, before the files are joined.
"""

from __future__ import annotations

import ctypes
import hashlib
import inspect
import logging
import os
import pickle
import re
import shutil
import signal
import sys
import tempfile
import threading
import traceback
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from queue import Queue

import numpy as np
from manim import Camera, Mobject, RendererType, Scene, config, logger
from manim import __version__ as manim_version
from manim.mobject.svg import svg_mobject
from manim.renderer import cairo_renderer
from manim.scene.scene_file_writer import SceneFileWriter
from manim.utils.exceptions import EndSceneEarlyException

import parsed_svgs
import restyle
import speedups
import tex_prewarm
import whole_files
from tex_prewarm import source_of
from whole_files import writes_a_video as _writes_a_video

__all__ = [
    "X264_PRESET",
    "TracingCamera",
    "OneCopyCamera",
    "list_families_in_one_pass",
    "FastEncodingWriter",
    "FastScene",
    "KeyedCairoRenderer",
    "QuietCairoRenderer",
    "share_svg_paths",
    "speedup_off",
]

X264_PRESET = "superfast"
"""Measured on this scene's frames at crf 23: the same PSNR as x264's default preset
(41.0 dB), at half the CPU time, for a file about 1.6 times larger."""

PROGRAM = "forward_pass"

FRAME_QUEUE_SIZE = 8
"""Frames that may wait for the encoder thread, as manim 0.22's own ``encoder_queue_size``."""

_reported: set[str] = set()

MANIM_GET_FAMILY = Mobject.get_family
"""manim's own ``Mobject.get_family``, as it was before anything here replaced it."""


def _say_once(topic: str, line: str) -> None:
    if topic in _reported:
        return
    _reported.add(topic)
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def speedup_off(speedup: str, reason: str) -> None:
    """Say once, in one line, that ``speedup`` (a name in the registry) is off and why; the render goes on without it."""
    speedups.by_name(speedup)  # KeyError for a name the registry lacks
    _say_once(speedup, f"{PROGRAM}: speed-up off: {speedup}: {reason}")


def safeguard_off(safeguard: str, reason: str) -> None:
    """Say once, in one line, that ``safeguard`` (a name in the registry) is off and why; the render goes on as manim's."""
    speedups.by_name(safeguard)  # KeyError for a name the registry lacks
    _say_once(safeguard, f"{PROGRAM}: safeguard off: {safeguard}: {reason}")


def say(line: str) -> None:
    """One line on stderr, in the program's name."""
    sys.stderr.write(f"{PROGRAM}: {line}\n")
    sys.stderr.flush()


_MISSING = object()


class Patches:
    """The global patches of manim one render made, each taken back by :meth:`undo` when it ends."""

    def __init__(self) -> None:
        self._made: list[tuple[object, str, object]] = []

    def set(self, owner: object, name: str, value: object) -> None:
        """Set ``owner.name`` to ``value`` (a class's or a module's attribute) until :meth:`undo`."""
        self._made.append((owner, name, vars(owner).get(name, _MISSING)))
        setattr(owner, name, value)

    def undo(self) -> None:
        """Put back every attribute as it was, the last patched first."""
        while self._made:
            owner, name, before = self._made.pop()
            if before is _MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, before)


restyle.report_to(speedup_off)
parsed_svgs.report_to(say)


def _parameters(function: Callable) -> list[inspect.Parameter] | None:
    try:
        return list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return None


def _calls(function: Callable, name: str) -> bool:
    """Whether ``function``'s source mentions ``name`` (False when the source cannot be read)."""
    return name in source_of(function)


# ---------------------------------------------------------------------- the encoder preset


def encoder_options_are_public() -> bool:
    """Whether this manim reads x264 options from its config (``video_encoder_options``)."""
    return hasattr(config, "video_encoder_options")


def check_encoder_options() -> str | None:
    """Make sure the public encoder options ask for :data:`X264_PRESET` unless the user chose a preset."""
    if (reason := check_x264_preset()) is not None:
        return reason
    if "preset" not in config.video_encoder_options:
        config.video_encoder_options = {**config.video_encoder_options, "preset": X264_PRESET}
    return None


def check_file_writer() -> str | None:
    """Why :class:`FastEncodingWriter` cannot set the preset on this manim, or None if it can."""
    parameters = _parameters(SceneFileWriter.open_partial_movie_stream)
    if parameters is None or [p.name for p in parameters] != ["self", "file_path"]:
        return "SceneFileWriter.open_partial_movie_stream(file_path) has another signature"
    if not any(
        _calls(SceneFileWriter.open_partial_movie_stream, name) for name in ("self.video_stream", "_current_encode_job")
    ):
        return "SceneFileWriter keeps its stream neither in video_stream nor in _current_encode_job"
    return None


def check_x264_preset() -> str | None:
    """Why :data:`X264_PRESET` cannot be asked for on this manim, or None if it can."""
    if encoder_options_are_public():
        options = config.video_encoder_options
        return (
            None
            if isinstance(options, dict)
            else f"config.video_encoder_options is a {type(options).__name__}, not a dict"
        )
    return check_file_writer()


def _open_stream(writer: SceneFileWriter):
    """The PyAV stream the writer has just opened: ``video_stream`` up to 0.20, the encode job's from 0.21."""
    stream = getattr(writer, "video_stream", None)
    if stream is None:
        stream = getattr(getattr(writer, "_current_encode_job", None), "stream", None)
    return stream


class FastEncodingWriter(SceneFileWriter):
    """manim's file writer, with the x264 preset set to :data:`X264_PRESET` (for releases without public options)."""

    def open_partial_movie_stream(self, file_path=None) -> None:
        super().open_partial_movie_stream(file_path)
        context = getattr(_open_stream(self), "codec_context", None)
        if context is None or not hasattr(context, "options"):
            speedup_off("x264 preset", "the file writer's stream has no codec options to set")
            return
        # The codec opens with the first frame, so the option still applies here.
        if context.name == "libx264":
            context.options = {**dict(context.options), "preset": X264_PRESET}
        # Up to 0.20, frames wait for the encoder thread in an unbounded queue: a render
        # that draws faster than the encoder keeps up piles up 8 MB per 1080p frame.
        # Bounded as manim 0.22 bounds its own (encoder_queue_size), the drawing waits instead.
        queue = getattr(self, "queue", None)
        if isinstance(queue, Queue) and queue.maxsize == 0:
            queue.maxsize = FRAME_QUEUE_SIZE


# ---------------------------------------------------------------------- cache keys

_SCENE_ARGUMENTS = ["scene_object", "camera_object", "animations_list", "current_mobjects_list"]


def check_play_hash() -> str | None:
    """Why a play's cache key cannot be given to this manim's renderer, or None if it can."""
    function = getattr(cairo_renderer, "get_hash_from_play_call", None)
    if function is None:
        return "manim.renderer.cairo_renderer.get_hash_from_play_call is gone"
    parameters = _parameters(function)
    if parameters is None:
        return "get_hash_from_play_call has no signature to check"
    positional = [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if positional != _SCENE_ARGUMENTS:
        return f"get_hash_from_play_call takes ({', '.join(positional)}), not ({', '.join(_SCENE_ARGUMENTS)})"
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters):
        return "get_hash_from_play_call takes arguments that cannot be checked"
    if not _calls(cairo_renderer.CairoRenderer.play, "get_hash_from_play_call("):
        return "CairoRenderer.play no longer asks get_hash_from_play_call for the key"
    return None


def _fold(key: str, settings: dict) -> str:
    """``key`` extended by a digest of the renderer's own settings (empty on older releases)."""
    if not settings:
        return key
    digest = hashlib.sha256(repr(sorted((name, repr(value)) for name, value in settings.items())).encode())
    return f"{key}_{digest.hexdigest()[:12]}"


class KeyedCairoRenderer(cairo_renderer.CairoRenderer):
    """manim's Cairo renderer, taking a play's cache key from the scene when it offers one."""

    def play(self, scene, *args, **kwargs) -> None:
        key = getattr(scene, "play_cache_key", None)
        scene.play_cache_key = None
        if key is None or config.disable_caching:
            super().play(scene, *args, **kwargs)
            return
        # CairoRenderer.play asks this module global for the key; for this one call, answer it.
        hash_play_call = cairo_renderer.get_hash_from_play_call
        cairo_renderer.get_hash_from_play_call = lambda *_scene_args, **settings: _fold(key, settings)
        try:
            super().play(scene, *args, **kwargs)
        finally:
            cairo_renderer.get_hash_from_play_call = hash_play_call


# ---------------------------------------------------------------------- skipped plays draw nothing


def check_quiet_skips() -> str | None:
    """Why :class:`QuietCairoRenderer` cannot leave skipped plays undrawn on this manim, or None if it can."""
    parameters = _parameters(cairo_renderer.CairoRenderer.update_frame)
    names = [p.name for p in parameters or ()]
    if names[:4] != ["self", "scene", "mobjects", "include_submobjects"] or "ignore_skipping" not in names:
        return "CairoRenderer.update_frame(scene, mobjects, include_submobjects, ignore_skipping) has another signature"
    play = source_of(cairo_renderer.CairoRenderer.play)
    if "self.skip_animations" not in play or "self.save_static_frame_data(" not in play:
        return "CairoRenderer.play no longer marks a skipped play in skip_animations"
    return None


class QuietCairoRenderer(cairo_renderer.CairoRenderer):
    """manim's Cairo renderer, drawing nothing for a play it skips."""

    _in_play = False

    def play(self, scene, *args, **kwargs) -> None:
        self._in_play = True
        try:
            super().play(scene, *args, **kwargs)
        finally:
            self._in_play = False

    def update_frame(self, scene, *args, **kwargs) -> None:
        if self._in_play and self.skip_animations:
            # No frame of a skipped play is written, and the next play drawn starts
            # from its own still image, or from the background.
            return
        super().update_frame(scene, *args, **kwargs)


class KeyedQuietCairoRenderer(KeyedCairoRenderer, QuietCairoRenderer):
    """Both: cache keys from the scene, and nothing drawn for a skipped play."""


# ---------------------------------------------------------------------- lighter copies


def check_shared_svg_paths() -> str | None:
    """Why copies of SVG glyphs cannot share their parsed path on this manim, or None if they can."""
    glyph = getattr(svg_mobject, "VMobjectFromSVGPath", None)
    if glyph is None:
        return "manim.mobject.svg.svg_mobject.VMobjectFromSVGPath is gone"
    if glyph.__deepcopy__ is not Mobject.__deepcopy__ and glyph.__deepcopy__ is not _deepcopy_sharing_path:
        return "VMobjectFromSVGPath copies itself in a way of its own"
    if "self.path_obj = path_obj" not in source_of(glyph.__init__):
        return "VMobjectFromSVGPath no longer keeps its parsed path in path_obj"
    parameters = _parameters(Mobject.__deepcopy__)
    if parameters is None or len(parameters) != 2:
        return "Mobject.__deepcopy__ takes other arguments than (self, memo)"
    if not all(part in source_of(Mobject.__deepcopy__) for part in ("self.__dict__", "copy.deepcopy(")):
        return "Mobject.__deepcopy__ no longer deep-copies each attribute"
    return None


def _deepcopy_sharing_path(self, memo):
    # The memo maps an object to its copy: the parsed path is its own copy.
    path = self.__dict__.get("path_obj")
    if path is not None:
        memo[id(path)] = path
    return Mobject.__deepcopy__(self, memo)


def share_svg_paths(patches: Patches) -> bool:
    """Let every copy of an SVG glyph share its parsed path; False, with one line, where this manim differs."""
    if (reason := check_shared_svg_paths()) is not None:
        speedup_off("lighter copies", reason)
        return False
    patches.set(svg_mobject.VMobjectFromSVGPath, "__deepcopy__", _deepcopy_sharing_path)
    return True


# ---------------------------------------------------------------------- each outline traced once

_PATH_CALLS = {"new_path", "new_sub_path", "move_to", "curve_to", "close_path"}


def check_tracing_camera() -> str | None:
    """Why :class:`TracingCamera` cannot replay outlines on this manim, or None if it can."""
    parameters = _parameters(Camera.set_cairo_context_path)
    if parameters is None or [p.name for p in parameters] != ["self", "ctx", "vmobject"]:
        return "Camera.set_cairo_context_path(ctx, vmobject) has another signature"
    source = source_of(Camera.set_cairo_context_path)
    used = set(re.findall(r"\bctx\.(\w+)", source))
    if "new_path" not in used or not used <= _PATH_CALLS:
        return f"Camera.set_cairo_context_path asks the Cairo context for {', '.join(sorted(used - _PATH_CALLS)) or 'nothing'}"
    if "vmobject.points" not in source or "self.transform_points_pre_display(" not in source:
        return "Camera.set_cairo_context_path no longer draws from vmobject.points"
    return None


class TracingCamera(Camera):
    """manim's Cairo camera, replaying the outline of a shape whose points have not changed since it was traced.

    Outlines are kept by the shape's points, so a copy that an animation makes
    finds its original's outline; the least recently drawn are dropped beyond
    :attr:`MAX_OUTLINE_BYTES`, so shapes that move on every frame cannot fill memory.
    """

    MAX_OUTLINE_BYTES = 16_000_000
    """Points kept as keys, in bytes (each outline takes about as much again): some hundred frames' worth."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._outlines: OrderedDict[tuple, object] = OrderedDict()
        self._outline_bytes = 0

    def set_cairo_context_path(self, ctx, vmobject):
        points = vmobject.points
        if len(points) == 0:
            return super().set_cairo_context_path(ctx, vmobject)
        key = (
            points.tobytes(),
            points.shape,
            vmobject.n_points_per_cubic_curve,
            vmobject.tolerance_for_point_equality,
        )
        outline = self._outlines.get(key)
        if outline is not None:
            self._outlines.move_to_end(key)
            ctx.new_path()
            ctx.append_path(outline)
            return self
        super().set_cairo_context_path(ctx, vmobject)
        # Cairo keeps a path in fixed point, on a grid of 1/256 pixel; it comes
        # back from this copy onto the very same grid, so the pixels are the same.
        self._outlines[key] = ctx.copy_path()
        self._outline_bytes += len(key[0])
        while self._outline_bytes > self.MAX_OUTLINE_BYTES:
            oldest, _ = self._outlines.popitem(last=False)
            self._outline_bytes -= len(oldest[0])
        return self


# ---------------------------------------------------------------------- one copy of the still image per frame


def check_one_copy_camera() -> str | None:
    """Why :class:`OneCopyCamera` cannot set the frame to the still image on this manim, or None if it can."""
    parameters = _parameters(Camera.set_frame_to_background)
    if parameters is None or [p.name for p in parameters] != ["self", "background"]:
        return "Camera.set_frame_to_background(background) has another signature"
    body = [
        line.strip()
        for line in source_of(Camera.set_frame_to_background).splitlines()[1:]
        if line.strip() and not line.strip().startswith(("#", '"""'))
    ]
    if body != ["self.set_pixel_array(background)"]:
        return "Camera.set_frame_to_background does more than set the pixel array"
    if "Set in place" not in source_of(Camera.set_pixel_array):
        return "Camera.set_pixel_array no longer sets the frame in place"
    return None


class OneCopyCamera(Camera):
    """manim's Cairo camera, copying the still image into the frame once rather than twice."""

    def set_frame_to_background(self, background) -> None:
        pixels = getattr(self, "pixel_array", None)
        if isinstance(pixels, np.ndarray) and isinstance(background, np.ndarray) and pixels.shape == background.shape:
            # What set_pixel_array does in place, without its intermediate copy.
            np.copyto(pixels, background, casting="unsafe")
        else:
            super().set_frame_to_background(background)


class FastCamera(TracingCamera, OneCopyCamera):
    """Both: outlines traced once, and one copy of the still image per frame."""


def camera_for(trace_outlines: bool, one_copy: bool) -> type[Camera]:
    """The camera class with whichever of the two camera speed-ups is asked for and allowed here."""
    if trace_outlines and (reason := check_tracing_camera()) is not None:
        speedup_off("each outline traced once", reason)
        trace_outlines = False
    if one_copy and (reason := check_one_copy_camera()) is not None:
        speedup_off("one copy of the still image", reason)
        one_copy = False
    return {
        (True, True): FastCamera,
        (True, False): TracingCamera,
        (False, True): OneCopyCamera,
        (False, False): Camera,
    }[(trace_outlines, one_copy)]


# ---------------------------------------------------------------------- families listed in one pass

_FAMILY_LISTS = (
    (  # manim 0.19: level by level
        "sub_families = [x.get_family() for x in self.submobjects]",
        "all_mobjects = [self] + list(it.chain(*sub_families))",
        "return remove_list_redundancies(all_mobjects)",
    ),
    ("return remove_list_redundancies(list(self._iter_family(set())))",),  # later: a generator per level
)


def check_family_lists() -> str | None:
    """Why families cannot be listed in one pass on this manim, or None if they can."""
    get_family = Mobject.get_family
    if get_family is _family_in_one_pass:
        return None
    parameters = _parameters(get_family)
    if parameters is None or [p.name for p in parameters] != ["self", "recurse"]:
        return "Mobject.get_family(recurse) has another signature"
    code = [line.strip() for line in source_of(get_family).splitlines()]
    if not any(all(line in code for line in known) for known in _FAMILY_LISTS):
        return "Mobject.get_family lists a family in a way of its own"
    return None


def _family_in_one_pass(self, recurse: bool = True) -> list:
    submobjects = self.submobjects
    if not submobjects:  # most of all: a shape of its own
        return [self]
    # Depth first, in manim's order, without a call per member: each level's
    # submobjects are taken up where they were left.
    members = [self]
    path = {self}  # the groups being walked: one met again below itself is skipped
    stack = [(self, iter(submobjects))]
    while stack:
        group, rest = stack[-1]
        for member in rest:
            if member in path:
                continue
            members.append(member)
            if member.submobjects:
                path.add(member)
                stack.append((member, iter(member.submobjects)))
                break
        else:
            stack.pop()
            path.discard(group)
    # manim removes duplicates keeping each one's last place (0.19 at every
    # level, which comes to the same as doing it once for the whole walk).
    last = dict.fromkeys(reversed(members))
    if len(last) == len(members):
        return members
    return list(last)[::-1]


def list_families_in_one_pass(patches: Patches) -> bool:
    """List every family in one walk; False, with one line, where manim lists it in a way not known here."""
    if (reason := check_family_lists()) is not None:
        speedup_off("families listed in one pass", reason)
        return False
    patches.set(Mobject, "get_family", _family_in_one_pass)
    return True


# ---------------------------------------------------------------------- frames returned to the system


def _glibc():
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # noqa: B018 - only glibc has it
        libc.malloc_trim  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


_LIBC = _glibc()


def check_freed_frames() -> str | None:
    """Why freed frames cannot be handed back to the system here, or None if they can."""
    return None if _LIBC is not None else "the C library is not glibc, which alone has malloc_trim"


TRIMMED_FRAME_PIXELS = 1280 * 720
"""Frames this large and larger are trimmed after; smaller ones (-ql: 854 x 480) never held much, and a trim costs time."""


def return_freed_frames() -> None:
    """With glibc, hand the memory of freed frames back to the system; elsewhere, nothing.

    glibc keeps a freed block in the heap of the thread that freed it, and after
    the first large block is freed it serves frames (8 MB at 1080p) from those
    heaps too. Where encoding runs in threads of its own (manim 0.21 and later,
    which have the public ``max_inflight_encoders`` setting), a render that
    draws faster than it encodes grows by hundreds of MB that it no longer uses
    (1.15 GB at -qh on 0.22, against 0.81 GB trimmed). Trimming after every play
    keeps the peak near what the frames in flight need. Each trim costs time
    (some 5 s of a -qh render), so releases with one encoder thread, whose peak
    stays far below 1 GB untrimmed, are not trimmed.
    """
    if (
        _LIBC is not None
        and hasattr(config, "max_inflight_encoders")
        and config.pixel_width * config.pixel_height >= TRIMMED_FRAME_PIXELS
    ):
        _LIBC.malloc_trim(0)


# ---------------------------------------------------------------------- two processes for a preview

TWO_PROCESS_PIXELS = 1280 * 720
"""Frames smaller than this (-ql: 854 x 480) are drawn in two processes; larger ones in one (memory)."""


class SecondProcessFailed(RuntimeError):
    """The second process of a split render ended without drawing its part."""


def check_split() -> str | None:
    """Why a render cannot be split between two processes on this manim, or None if it can."""
    parameters = _parameters(Scene.next_section)
    if parameters is None or [p.name for p in parameters[:4]] != ["self", "name", "section_type", "skip_animations"]:
        return "Scene.next_section(name, section_type, skip_animations) has another signature"
    if not _calls(cairo_renderer.CairoRenderer.update_skipping_status, "sections[-1].skip_animations"):
        return "the renderer no longer skips the plays of a section made with skip_animations"
    add = source_of(SceneFileWriter.add_partial_movie_file)
    if not all(
        part in add for part in ("self.partial_movie_files.append(", "self.sections[-1].partial_movie_files.append(")
    ):
        return "add_partial_movie_file no longer keeps one entry per play in partial_movie_files and its section"
    writer = source_of(SceneFileWriter)
    if not all(part in writer for part in ("self.subcaptions", "self.sections", "self.partial_movie_files")):
        return "the file writer no longer keeps its subtitles, sections and partial movie files where they were"
    manager = sys.modules.get("manim.manager")
    render = getattr(getattr(manager, "Manager", None), "render", None) or Scene.render
    source = source_of(render)
    finish = max(source.find("scene_finished("), source.find("post_construct()"))
    if not 0 <= source.find("except EndSceneEarlyException") < source.find("self.tear_down()") < finish:
        return "the render no longer ends at EndSceneEarlyException and tears down before it joins the files"
    return None


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class _Split:
    """One side of a render split in two where the section ``at`` begins."""

    def __init__(self, at: str, folders: dict[str, Path], *, is_second: bool, fd: int, pid: int = 0) -> None:
        self.at = at
        self.folders = folders
        """The second process's own formula and text folders."""
        self.is_second = is_second
        self.fd = fd
        self.pid = pid
        self.reached = False
        """Whether the section ``at`` has begun."""


_SHARED_FOLDERS = ("tex_dir", "text_dir")
"""The folders both processes read and manim writes into as it makes formulas and texts."""


def _make_own_folders() -> dict[str, Path]:
    """Folders for the second process alone, holding what the shared formula and text folders hold now.

    manim writes a formula's or a text's files in place, and rewrites a text's
    SVG file whenever it makes the text, so a process reading the shared
    folders could read a file the other is writing. They are made before the
    process starts, while nothing writes. An SVG file of a text is copied;
    every other file, which nothing rewrites in place, is linked. The folders
    lie inside the shared ones, so that parses kept there are found. Their names
    end in ``.svg``: when manim typesets a formula itself, it deletes every entry
    of its formula folder whose suffix is not ``.svg`` or ``.tex``, and would fail
    on a folder.
    """
    folders = {}
    for name in _SHARED_FOLDERS:
        shared = config.get_dir(name)
        shared.mkdir(parents=True, exist_ok=True)
        own = Path(tempfile.mkdtemp(prefix=".process-", suffix=".svg", dir=shared))
        folders[name] = own
        for file in shared.iterdir():
            if not file.is_file():
                continue
            if name == "text_dir" and file.suffix == ".svg":
                shutil.copy2(file, own / file.name)
            else:
                try:
                    os.link(file, own / file.name)
                except OSError:
                    shutil.copy2(file, own / file.name)
    return folders


def _share_new_files(folders: dict[str, Path]) -> None:
    """Link into the shared folders every file that the second process made in its own and they lack."""
    for own in folders.values():
        shared = own.parent
        for file in own.iterdir():
            if file.is_file() and not (shared / file.name).exists():
                with suppress(OSError):  # FileExistsError: the other process made it too
                    os.link(file, shared / file.name)


def _stop_process(pid: int, folders: dict[str, Path], *, kill: bool) -> int:
    """Wait for process ``pid`` (killed first if ``kill``), remove its own folders, and return its exit code."""
    code = -1
    if kill:
        with suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    with suppress(OSError):
        code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    _remove_folders(folders)
    return code


def _die_with_parent(parent: int) -> None:
    """Let the second process end with the first, however the first ends (Linux; elsewhere nothing)."""
    if not sys.platform.startswith("linux"):
        return
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the first ended before the call
        os._exit(1)


def _remove_folders(folders: dict[str, Path]) -> None:
    for own in folders.values():
        shutil.rmtree(own, ignore_errors=True)


def _read_all(fd: int) -> bytes:
    with os.fdopen(fd, "rb") as pipe:
        return pipe.read()


def _part_drawn(scene: Scene) -> dict:
    """What the second process hands the first: all that manim needs to finish the whole video."""
    writer = scene.renderer.file_writer
    return {
        "partial_movie_files": list(writer.partial_movie_files),
        "sections": list(writer.sections),
        "subcaptions": list(writer.subcaptions),
        "num_plays": scene.renderer.num_plays,
        "time": scene.renderer.time,
    }


def _take_in(scene: Scene, theirs: dict) -> None:
    """Make the second process's part of the video this process's own, after its own part."""
    writer = scene.renderer.file_writer
    mine = writer.partial_movie_files
    files = theirs["partial_movie_files"]
    if len(files) < len(mine):
        raise SecondProcessFailed(f"the second process played {len(files)} animations, fewer than {len(mine)}")
    if any(file is not None for file in files[: len(mine)]):
        raise SecondProcessFailed("the second process drew part of what this one drew")
    sections = theirs["sections"]
    if [section.name for section in sections[: len(writer.sections)]] != [section.name for section in writer.sections]:
        raise SecondProcessFailed("the two processes saw other sections")
    writer.partial_movie_files[:] = mine + files[len(mine) :]
    writer.sections[:] = writer.sections + sections[len(writer.sections) :]
    writer.subcaptions[:] = theirs["subcaptions"]
    scene.renderer.num_plays = theirs["num_plays"]
    scene.renderer.time = theirs["time"]


# ---------------------------------------------------------------------- the scene


class FastScene(Scene):
    """A :class:`~manim.Scene` with every speed-up this manim allows, and none it does not."""

    play_cache_key: str | None = None
    """The cache key of the next play, or ``None`` for manim's hash of the whole scene.

    Whoever sets it promises that two plays with the same key render the same frames.
    """

    light_copies = True
    """Copies of formulas and texts share their parsed SVG paths; False copies them as plain manim does."""

    tex_in_one_run = True
    """Typeset every formula in one LaTeX run before the first frame; False leaves each to manim."""

    trace_outlines_once = True
    """Replay the outline of a shape whose points have not changed; False traces every one as plain manim does."""

    one_background_copy = True
    """Copy the still image into each frame once; False copies it as plain manim does."""

    families_in_one_pass = True
    """List a mobject's family in one walk into one list; False lists it as this manim does."""

    skipped_plays_draw_nothing = True
    """Draw nothing for a play that manim skips; False draws its first frame as plain manim does."""

    keyed_plays = True
    """Take each play's cache key from ``play_cache_key``; False lets manim hash the scene for every play."""

    fast_preset = True
    """Encode with x264's :data:`X264_PRESET`; False leaves x264's own default preset."""

    freed_frames_returned = True
    """Hand the memory of freed frames back to the system after every play; False leaves it to malloc."""

    tweened_styles = True
    """Fade and recolour without copies (see ``restyle``); False gives manim's own animations."""

    keep_parsed_svgs = True
    """Keep what manim parsed from each SVG file beside it, for later renders; False parses every file as manim does."""

    two_processes = True
    """Let :meth:`split_at` draw a preview in two processes; False draws every render in this one."""

    _split: _Split | None = None

    def __init__(self, renderer=None, camera_class=Camera, **kwargs) -> None:
        if not speedups.engaged(manim_version):
            # Not a release the suite compares frame by frame with manim's own drawing.
            _say_once(
                "release",
                f"{PROGRAM}: speed-ups off: manim {manim_version} is not among the releases tested here "
                f"({', '.join(speedups.TESTED_RELEASES)}); rendering with manim's own code",
            )
            for speedup in speedups.REGISTRY:
                setattr(self, speedup.flag, False)
        if camera_class is Camera:
            camera_class = camera_for(self.trace_outlines_once, self.one_background_copy)
        # Public encoder options are read when the scene is made, so they are set first,
        # and put back when the render ends.
        self._encoder_options = None
        if self.fast_preset and encoder_options_are_public():
            self._encoder_options = config.video_encoder_options
            if (reason := check_encoder_options()) is not None:
                speedup_off("x264 preset", reason)
        elif not self.fast_preset and encoder_options_are_public() and speedups.engaged(manim_version):
            # Off alone (to measure it): x264's own preset, whatever manim.cfg says.
            options = config.video_encoder_options
            if isinstance(options, dict) and options.get("preset") == X264_PRESET:
                self._encoder_options = options
                config.video_encoder_options = {k: v for k, v in options.items() if k != "preset"}
        if renderer is None and config.renderer == RendererType.CAIRO:
            renderer = self._fast_renderer(
                camera_class,
                kwargs.get("skip_animations", False),
                self.skipped_plays_draw_nothing,
                keyed=self.keyed_plays,
                fast_preset=self.fast_preset,
            )
        super().__init__(renderer=renderer, camera_class=camera_class, **kwargs)

    def _patch_manim(self) -> Patches:
        """Make the global patches this render asks for; :meth:`Patches.undo` takes them back."""
        patches = Patches()
        if self.light_copies:
            share_svg_paths(patches)
        if self.families_in_one_pass:
            list_families_in_one_pass(patches)
        if self.keep_parsed_svgs and (reason := parsed_svgs.keep_parses(patches)) is not None:
            speedup_off("parses kept", reason)
        restyle.use_tweens(self.tweened_styles)
        return patches

    def play(self, *args, **kwargs) -> None:
        super().play(*args, **kwargs)
        if self.freed_frames_returned:
            return_freed_frames()

    def wait(self, *args, **kwargs) -> None:
        super().wait(*args, **kwargs)
        if self.freed_frames_returned:
            return_freed_frames()

    def typeset_formulas_first(self, key: str | None = None) -> None:
        """Typeset every formula this scene will ask for in one LaTeX run (see ``tex_prewarm``).

        Call it before the scene builds its first formula. ``key`` names all that
        the formulas follow from; under a key whose formulas are all typeset
        already, nothing is done.
        """
        if not self.tex_in_one_run:
            return
        # The render checks the formulas' real sizes itself, in place of a second rehearsal.
        if tex_prewarm.prewarm_formulas(type(self), speedup_off, key, rehearse_again=False) and key is not None:
            self._formula_watch = tex_prewarm.FormulaWatch(key)

    @contextmanager
    def media_guarded(self, clips: tuple[Path, ...] = ()) -> Iterator[None]:
        """One render at a time in the media folder, its cache checked first (see ``whole_files``).

        ``clips`` are folders of clips, besides the partial movie files, that
        the render takes from a cache or writes whole (a deck's slides and
        their index). A dry run writes no video and is left alone.
        """
        if config.dry_run:
            yield
            return
        with whole_files.one_render_at_a_time(Path(config.media_dir), say):
            writer = self.renderer.file_writer
            movies, videos = list(clips), []
            with suppress(AttributeError, TypeError):
                movies.append(Path(writer.partial_movie_directory))
            with suppress(AttributeError, TypeError):
                videos.append(Path(writer.movie_file_path).parent)
            removed = whole_files.heal(
                media=Path(config.media_dir),
                formulas=config.get_dir("tex_dir"),
                texts=config.get_dir("text_dir"),
                movies=movies,
                videos=videos,
            )
            if removed:
                say(f"found incomplete in the cache, and making again: {whole_files.describe(removed)}")
            yield

    def render(self, *args, **kwargs):
        with self.media_guarded():
            return self._render(*args, **kwargs)

    def _render(self, *args, **kwargs):
        done = False
        patches = self._patch_manim()
        try:
            result = super().render(*args, **kwargs)
            done = True
            return result
        except BaseException as error:
            if self._split is not None and self._split.is_second:
                self._end_second_process(error)
            if (end := getattr(self.renderer.file_writer, "end_open_stream", None)) is not None:
                end()
            raise
        finally:
            if self._split is not None and not self._split.is_second and self._split.pid:
                # This render stopped before it took in the second process's files: stop that one too.
                _stop_process(self._split.pid, self._split.folders, kill=True)
                self._split.pid = 0
                with suppress(OSError):
                    os.close(self._split.fd)
            # Set up by typeset_formulas_first, during the render.
            if (watch := getattr(self, "_formula_watch", None)) is not None:
                watch.stop(done=done)
            # No global patch outlives the render that made it.
            patches.undo()
            restyle.use_tweens(True)
            if self._encoder_options is not None:
                config.video_encoder_options = self._encoder_options

    # ------------------------------------------------------------------ two processes

    def split_at(self, section: str) -> bool:
        """Draw the video from the section named ``section`` on in a second process, and what comes before here.

        Only a preview is split (frames below 1280x720), and only a video render
        of every play, on at least two cores. Call it before the first section,
        once every formula is typeset (see :meth:`typeset_formulas_first`), so
        that the second process has little of its own to typeset. Returns
        whether the render was split. The video is the same, frame for frame.
        """
        if not (self.two_processes and self._may_split()):
            return False
        if (reason := check_split()) is not None:
            speedup_off("two processes for a preview", reason)
            return False
        folders: dict[str, Path] = {}
        try:
            folders = _make_own_folders()
            sys.stdout.flush()
            sys.stderr.flush()
            read_end, write_end = os.pipe()
            parent = os.getpid()
            pid = os.fork()
        except OSError as error:
            _remove_folders(folders)
            speedup_off("two processes for a preview", f"the second process could not start ({error})")
            return False
        if pid == 0:
            _die_with_parent(parent)
            os.close(read_end)
            self._split = _Split(section, folders, is_second=True, fd=write_end)
            for name, own in folders.items():
                setattr(config, name, str(own))
            # The first process tells of the render; this one speaks only of trouble.
            logger.setLevel(max(logger.level, logging.WARNING))
            config.progress_bar = "none"
        else:
            os.close(write_end)
            self._split = _Split(section, folders, is_second=False, fd=read_end, pid=pid)
            logger.info("Drawing from section %s on in a second process (%d)", repr(section), pid)
        return True

    @property
    def drawn_in_two_processes(self) -> bool:
        """Whether :meth:`split_at` split this render."""
        return self._split is not None

    def _may_split(self) -> bool:
        return (
            self._split is None
            and hasattr(os, "fork")
            and _cores() >= 2
            and config.renderer == RendererType.CAIRO
            and config.pixel_width * config.pixel_height < TWO_PROCESS_PIXELS
            and _writes_a_video(self.renderer.file_writer)
            and not config.save_sections
            and not config.dry_run
            and config.from_animation_number <= 0
            and (config.upto_animation_number < 0 or config.upto_animation_number == float("inf"))
            and not self.renderer.skip_animations
        )

    def next_section(self, *args, **kwargs) -> None:
        split = self._split
        if split is not None and not split.reached:
            bound = inspect.signature(Scene.next_section).bind(self, *args, **kwargs)
            bound.apply_defaults()
            if bound.arguments["name"] == split.at:
                split.reached = True
                if not split.is_second:
                    raise EndSceneEarlyException()  # the second process draws the rest
            elif split.is_second:
                bound.arguments["skip_animations"] = True  # the first process draws this
            args, kwargs = bound.args[1:], bound.kwargs
        super().next_section(*args, **kwargs)

    def tear_down(self) -> None:
        super().tear_down()
        split = self._split
        if split is None:
            return
        if split.is_second:
            self._end_second_process(None)
        pid, split.pid = split.pid, 0
        data = _read_all(split.fd)
        code = _stop_process(pid, split.folders, kill=False)
        try:
            if code != 0 or not data:
                raise SecondProcessFailed(f"the process drawing the video from {split.at!r} on failed (exit {code})")
            _take_in(self, pickle.loads(data))
        except SecondProcessFailed as error:
            # Nothing is joined, so an earlier video stays as it was.
            sys.stderr.write(f"{PROGRAM}: error: {error}; no video was written\n")
            sys.stderr.flush()
            raise SystemExit(1) from None

    def _end_second_process(self, error: BaseException | None) -> None:
        """Wait for this process's partial movie files, hand the first process all it needs, and exit."""
        code = 0
        try:
            if error is None:
                writer = self.renderer.file_writer
                if (join := getattr(writer, "join_all_encode_jobs", None)) is not None:
                    join()
                for thread in threading.enumerate():
                    if thread is not threading.main_thread() and not thread.daemon:
                        thread.join()
                _share_new_files(self._split.folders)
                with os.fdopen(self._split.fd, "wb") as pipe:
                    pipe.write(pickle.dumps(_part_drawn(self)))
            elif isinstance(error, SystemExit):
                code = error.code if isinstance(error.code, int) else 1
            else:
                traceback.print_exception(error)
                code = 1
        except BaseException:  # noqa: BLE001 - whatever it is, the first process hears of it by the exit code
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)

    @staticmethod
    def _fast_renderer(
        camera_class,
        skip_animations: bool,
        skipped_plays_draw_nothing: bool = True,
        *,
        keyed: bool = True,
        fast_preset: bool = True,
    ):
        writer = SceneFileWriter  # with public encoder options, __init__ has set the preset
        if fast_preset and not encoder_options_are_public():
            if (reason := check_x264_preset()) is not None:
                speedup_off("x264 preset", reason)
            else:
                writer = FastEncodingWriter
        if (reason := whole_files.check_whole_outputs()) is not None:
            safeguard_off(whole_files.SAFEGUARD, reason)
        else:
            writer = whole_files.writer_class(writer)
        if keyed and (reason := check_play_hash()) is not None:
            speedup_off("cache keys from the inputs", reason)
            keyed = False
        quiet = skipped_plays_draw_nothing
        if quiet and (reason := check_quiet_skips()) is not None:
            speedup_off("skipped plays draw nothing", reason)
            quiet = False
        renderer_class = {
            (True, True): KeyedQuietCairoRenderer,
            (True, False): KeyedCairoRenderer,
            (False, True): QuietCairoRenderer,
            (False, False): cairo_renderer.CairoRenderer,
        }[(keyed, quiet)]
        return renderer_class(file_writer_class=writer, camera_class=camera_class, skip_animations=skip_animations)
