"""The faster redraw keeps its promise: the same frames, pixel for pixel, as plain manim draws them.

Every phase is played for one second at 15 fps, once redrawing only what moves
(:attr:`FastScene.narrow_redraw`) and once redrawing everything, and every
frame is compared. The frames are taken as the renderer hands them to the
file writer, before it encodes them.
"""

from __future__ import annotations

import numpy as np
import pytest
from manim import Scene, tempconfig

from forward_pass import ForwardPassScene
from manim_adapters import check_moving_mobjects

FPS = 15


class OneSecondPhases(ForwardPassScene):
    PHASES = dict.fromkeys(ForwardPassScene.PHASES, 1.0)


def render_frames(narrow: bool, tmp_path) -> tuple[list[np.ndarray], list[tuple[int, int]]]:
    """Every frame of the scene, and for each play how many mobjects manim and the scene would redraw."""
    counts: list[tuple[int, int]] = []

    class Recorded(OneSecondPhases):
        narrow_redraw = narrow
        two_processes = False  # every frame and every play is recorded here, in this process

        def get_moving_mobjects(self, *animations):
            moving = super().get_moving_mobjects(*animations)
            counts.append((len(Scene.get_moving_mobjects(self, *animations)), len(moving)))
            return moving

    frames: list[np.ndarray] = []
    overrides = {
        "frame_rate": FPS,
        "pixel_width": 854,
        "pixel_height": 480,
        "disable_caching": True,
        "save_last_frame": False,
        "media_dir": str(tmp_path / "media"),
        "output_file": str(tmp_path / "frames"),  # the subtitles are written beside it
    }
    with tempconfig(overrides):
        scene = Recorded()

        writer = scene.renderer.file_writer
        write = writer.write_frame

        def write_frame(frame, *args, **kwargs):
            # How many times: num_frames up to manim 0.21, repeat from 0.22.
            count = kwargs.get("repeat", kwargs.get("num_frames", args[0] if args else 1))
            frames.extend([np.array(frame)] * count)
            write(frame, *args, **kwargs)

        writer.write_frame = write_frame
        scene.render()
    return frames, counts


@pytest.fixture(scope="module")
def renders(tmp_path_factory):
    return render_frames(True, tmp_path_factory.mktemp("narrow")), render_frames(False, tmp_path_factory.mktemp("full"))


def test_the_narrow_redraw_is_on_with_this_manim():
    assert check_moving_mobjects() is None


def test_the_narrow_redraw_really_redraws_less(renders):
    (_, narrow_counts), (_, full_counts) = renders
    assert any(moving < candidates for candidates, moving in narrow_counts), "no play was narrowed"
    assert all(moving == candidates for candidates, moving in full_counts)


def test_the_same_frames_pixel_for_pixel(renders):
    (narrow, _), (full, _) = renders
    frames = round(sum(OneSecondPhases.PHASES.values()) * FPS)
    assert len(narrow) == len(full) == frames
    different = [index for index, (a, b) in enumerate(zip(narrow, full)) if not np.array_equal(a, b)]
    if different:
        first = different[0]
        pixels = int(np.any(narrow[first] != full[first], axis=-1).sum())
        pytest.fail(f"{len(different)} of {frames} frames differ; the first is frame {first}, by {pixels} pixels")
