"""Run manim's command line on a manim whose internals have moved, as a later release might move them.

    python tests/moved_internals.py -ql scenes/forward_pass.py ForwardPassScene

Every private detail that a speed-up or a safeguard of the registry
(``scenes/speedups.py``) relies on is changed here the way a release could
change it, while manim itself keeps working: one mover per entry of the
registry, by its name. Each must notice, step aside with one line, and leave a
video that is still right.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from manim import config
from manim.camera.camera import Camera
from manim.mobject.mobject import Mobject
from manim.mobject.svg.svg_mobject import SVGMobject, VMobjectFromSVGPath
from manim.mobject.types.vectorized_mobject import VMobject
from manim.renderer import cairo_renderer
from manim.scene.scene import Scene
from manim.scene.scene_file_writer import SceneFileWriter
from manim.scene.section import DefaultSectionType
from manim.utils import tex_file_writing

from speedups import REGISTRY, SAFEGUARDS


def move_play_hash() -> bool:
    hash_play_call = cairo_renderer.get_hash_from_play_call

    def get_hash_from_play_call(scene, camera, animations, mobjects, **settings):
        return hash_play_call(scene, camera, animations, mobjects, **settings)

    cairo_renderer.get_hash_from_play_call = get_hash_from_play_call
    return True


def move_glyph_copy() -> bool:
    def __deepcopy__(self, memo):
        return Mobject.__deepcopy__(self, memo)

    VMobjectFromSVGPath.__deepcopy__ = __deepcopy__
    return True


def move_outline_tracing() -> bool:
    set_path = Camera.set_cairo_context_path

    def set_cairo_context_path(self, ctx, vmobject, *, background=False):
        return set_path(self, ctx, vmobject)

    Camera.set_cairo_context_path = set_cairo_context_path
    return True


def move_tex_writer() -> bool:
    generate = tex_file_writing.generate_tex_file

    def generate_tex_file(expression, environment=None, tex_template=None, *, tex_dir=None):
        return generate(expression, environment, tex_template)

    tex_file_writing.generate_tex_file = generate_tex_file
    return True


def move_background_copy() -> bool:
    to_background = Camera.set_frame_to_background

    def set_frame_to_background(self, background, *, reset_outlines=True):
        return to_background(self, background)

    Camera.set_frame_to_background = set_frame_to_background
    return True


def move_family_lists() -> bool:
    get_family = Mobject.get_family

    def listed_family(self, recurse=True, *, only_with_points=False):
        return get_family(self, recurse)

    Mobject.get_family = listed_family
    return True


def move_svg_reading() -> bool:
    generate_mobject = SVGMobject.generate_mobject

    def read_svg(self, *, reuse_parse=False):
        return generate_mobject(self)

    SVGMobject.generate_mobject = read_svg
    return True


def move_colour_interpolation() -> bool:
    interpolate_color = VMobject.interpolate_color

    def interpolate_style(self, mobject1, mobject2, alpha, *, points=False):
        return interpolate_color(self, mobject1, mobject2, alpha)

    VMobject.interpolate_color = interpolate_style
    return True


def move_sections() -> bool:
    next_section = Scene.next_section

    def cut_here(self, name="unnamed", section_type=DefaultSectionType.NORMAL, skip=False):
        return next_section(self, name, section_type, skip)

    Scene.next_section = cut_here
    return True


def move_frame_update() -> bool:
    update_frame = cairo_renderer.CairoRenderer.update_frame

    def draw_frame(self, scene, mobjects=None, include_submobjects=True, *, always=True, **kwargs):
        return update_frame(self, scene, mobjects, include_submobjects, ignore_skipping=always, **kwargs)

    cairo_renderer.CairoRenderer.update_frame = draw_frame
    return True


def move_encoder_stream() -> bool:
    if hasattr(config, "video_encoder_options"):
        return False  # a public setting carries the preset here: nothing internal to move
    open_stream = SceneFileWriter.open_partial_movie_stream

    def open_partial_movie_stream(self, file_path=None, *, animation_index=None):
        return open_stream(self, file_path)

    SceneFileWriter.open_partial_movie_stream = open_partial_movie_stream
    return True


MOVERS: dict[str, Callable[[], bool] | None] = {
    "cache keys from the inputs": move_play_hash,
    "skipped plays draw nothing": move_frame_update,
    "x264 preset": move_encoder_stream,
    "lighter copies": move_glyph_copy,
    "each outline traced once": move_outline_tracing,
    "one copy of the still image": move_background_copy,
    "families listed in one pass": move_family_lists,
    "freed frames returned": None,  # relies on glibc's malloc_trim, nothing of manim's
    "parses kept": move_svg_reading,
    "one LaTeX run": move_tex_writer,
    "fades and colour changes without copies": move_colour_interpolation,
    "two processes for a preview": move_sections,
}
"""How each speed-up of the registry is moved from under it, by its notice's name; None where it relies on nothing of manim's."""


def move_final_files() -> bool:
    write = SceneFileWriter.write_subcaption_file

    def write_subtitles(self):
        return write(self)

    SceneFileWriter.write_subcaption_file = write_subtitles
    return True


SAFEGUARD_MOVERS: dict[str, Callable[[], bool] | None] = {
    "files moved into place whole": move_final_files,
}
"""How each safeguard of the registry is moved from under it, by its notice's name."""


def move_internals() -> list[str]:
    """Change each internal an adapter relies on; return the speed-ups and safeguards that must now say they are off."""
    moved = [speedup.name for speedup in REGISTRY if (move := MOVERS[speedup.name]) is not None and move()]
    return moved + [guard.name for guard in SAFEGUARDS if (move := SAFEGUARD_MOVERS[guard.name]) is not None and move()]


if __name__ == "__main__":
    move_internals()
    from manim.__main__ import main

    sys.argv = ["manim", *sys.argv[1:]]
    main()
