"""Run manim's command line on a manim whose internals have moved, as a later release might move them.

    python tests/moved_internals.py -ql scenes/forward_pass.py ForwardPassScene

Every private detail that an adapter in ``scenes/manim_adapters.py`` or
``scenes/tex_prewarm.py`` relies on is changed here the way a release could
change it, while manim itself keeps working: a renamed argument of the play
hash, a new keyword of ``get_moving_mobjects``, a ``__deepcopy__`` of the SVG
glyph's own, a new keyword of ``Camera.set_cairo_context_path``, of
``Camera.set_frame_to_background``, of ``Mobject.get_family``, of
``SVGMobject.generate_mobject``, of ``VMobject.interpolate_color`` and of
``generate_tex_file``, a renamed argument of ``Scene.next_section`` and of the renderer's ``update_frame``, and (where manim has no public encoder options) a new
keyword of the file writer's ``open_partial_movie_stream``. Each adapter must
notice, step aside with one line, and leave a video that is still right.
"""

from __future__ import annotations

import sys

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

MOVED = [
    "cache keys from the inputs",
    "redraw only what moves",
    "lighter copies",
    "each outline traced once",
    "one LaTeX run",
    "one copy of the still image",
    "families listed in one pass",
    "parses kept",
    "fades and colour changes without copies",
    "two processes for a preview",
    "skipped plays draw nothing",
]
"""The speed-ups that must be reported off; the x264 preset too where it is not public."""


def move_internals() -> list[str]:
    """Change each internal an adapter relies on; return the speed-ups that must now be off."""
    moved = list(MOVED)
    hash_play_call = cairo_renderer.get_hash_from_play_call

    def get_hash_from_play_call(scene, camera, animations, mobjects, **settings):
        return hash_play_call(scene, camera, animations, mobjects, **settings)

    cairo_renderer.get_hash_from_play_call = get_hash_from_play_call

    moving_mobjects = Scene.get_moving_mobjects

    def get_moving_mobjects(self, *animations, include_updaters=True):
        return moving_mobjects(self, *animations)

    Scene.get_moving_mobjects = get_moving_mobjects

    def __deepcopy__(self, memo):
        return Mobject.__deepcopy__(self, memo)

    VMobjectFromSVGPath.__deepcopy__ = __deepcopy__

    set_path = Camera.set_cairo_context_path

    def set_cairo_context_path(self, ctx, vmobject, *, background=False):
        return set_path(self, ctx, vmobject)

    Camera.set_cairo_context_path = set_cairo_context_path

    generate = tex_file_writing.generate_tex_file

    def generate_tex_file(expression, environment=None, tex_template=None, *, tex_dir=None):
        return generate(expression, environment, tex_template)

    tex_file_writing.generate_tex_file = generate_tex_file

    to_background = Camera.set_frame_to_background

    def set_frame_to_background(self, background, *, reset_outlines=True):
        return to_background(self, background)

    Camera.set_frame_to_background = set_frame_to_background

    get_family = Mobject.get_family

    def listed_family(self, recurse=True, *, only_with_points=False):
        return get_family(self, recurse)

    Mobject.get_family = listed_family

    generate_mobject = SVGMobject.generate_mobject

    def read_svg(self, *, reuse_parse=False):
        return generate_mobject(self)

    SVGMobject.generate_mobject = read_svg

    interpolate_color = VMobject.interpolate_color

    def interpolate_style(self, mobject1, mobject2, alpha, *, points=False):
        return interpolate_color(self, mobject1, mobject2, alpha)

    VMobject.interpolate_color = interpolate_style

    next_section = Scene.next_section

    def cut_here(self, name="unnamed", section_type=DefaultSectionType.NORMAL, skip=False):
        return next_section(self, name, section_type, skip)

    Scene.next_section = cut_here

    update_frame = cairo_renderer.CairoRenderer.update_frame

    def draw_frame(self, scene, mobjects=None, include_submobjects=True, *, always=True, **kwargs):
        return update_frame(self, scene, mobjects, include_submobjects, ignore_skipping=always, **kwargs)

    cairo_renderer.CairoRenderer.update_frame = draw_frame

    if not hasattr(config, "video_encoder_options"):
        open_stream = SceneFileWriter.open_partial_movie_stream

        def open_partial_movie_stream(self, file_path=None, *, animation_index=None):
            return open_stream(self, file_path)

        SceneFileWriter.open_partial_movie_stream = open_partial_movie_stream
        moved.append("x264 preset")
    return moved


if __name__ == "__main__":
    move_internals()
    from manim.__main__ import main

    sys.argv = ["manim", *sys.argv[1:]]
    main()
