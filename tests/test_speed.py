"""The speed-ups change no frame: every speed-up of the registry, each checked alone and all of them together.

The cheap tier checks each speed-up on the installed manim, on a manim whose
internals were moved in this process, and, for the formulas typeset together,
that every glyph has the very points that manim's own typesetting gives it. The
render tier renders a short variant of the scene with every speed-up of the
registry off (but the encoder preset) and with all of them on, each from an
empty LaTeX cache, and then once more with all of them on into the same folder,
from the parses the first kept; it compares the videos frame by frame, pixel
for pixel: the same frames, fed to the same encoder with the same settings, give
the same video. The plain render draws in one process, the other two in two;
their subtitles are the same too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from manim import (
    LEFT,
    Camera,
    Circle,
    MathTex,
    Mobject,
    SingleStringMathTex,
    Square,
    VGroup,
    config,
    tempconfig,
)
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath
from manim.mobject.text import numbers, tex_mobject
from manim.renderer import cairo_renderer
from manim.utils import tex_file_writing

import manim_adapters
import tex_prewarm
from forward_pass import ForwardPassScene
from manim_adapters import (
    FastCamera,
    FastScene,
    OneCopyCamera,
    QuietCairoRenderer,
    TracingCamera,
    check_family_lists,
    check_one_copy_camera,
    check_quiet_skips,
    check_tracing_camera,
    encoder_options_are_public,
    share_svg_paths,
)
from moved_internals import MOVERS, SAFEGUARD_MOVERS
from speedups import REGISTRY, SAFEGUARDS

ROOT = Path(__file__).resolve().parent.parent
SCENES = ROOT / "scenes"
ENCODED_ALIKE = ("x264 preset",)
"""Left on in the plain render too: the same frames, fed to the same encoder with the same settings, make the same video."""
SHORT_SCENES = f'''
from forward_pass import ForwardPassScene
from speedups import REGISTRY


class ShortScene(ForwardPassScene):
    PHASES = dict.fromkeys(ForwardPassScene.PHASES, 1.0)


class PlainShortScene(ShortScene):
    """Every speed-up of the registry off, but those that only set the encoder."""


for speedup in REGISTRY:
    if speedup.name not in {ENCODED_ALIKE!r}:
        setattr(PlainShortScene, speedup.flag, False)
'''
FPS = 15
FORMULAS = [
    ("x_{0}",),
    ("z^{(1)}_{2} =", "0.60", r"\cdot 0.50", "-", "0.40", r"\cdot 0.80", "+ 0.10", "= 0.02"),
    (r"p_{0} = \frac{ e^{0.68} }{ e^{0.68} + e^{-0.32} } = 0.73",),
    ("0.73",),
]
"""One multi-part formula among them, like the weighted sums: 0.19 typesets each part apart, 0.20 on marks them."""


pytestmark = pytest.mark.usefixtures("fresh_notices")  # each test hears every notice anew


# ---------------------------------------------------------------- on this manim


def test_every_speedup_that_draws_is_on_for_this_manim():
    seen = []

    class Probe(FastScene):
        def construct(self):
            seen.append((type(self.camera), VMobjectFromSVGPath.__deepcopy__, Mobject.get_family))

    with tempconfig({"dry_run": True}):
        Probe().render()
    assert seen == [(FastCamera, manim_adapters._deepcopy_sharing_path, manim_adapters._family_in_one_pass)]


def test_a_copy_shares_the_parsed_path_and_nothing_it_draws():
    patches = manim_adapters.Patches()
    assert share_svg_paths(patches)
    try:
        formula = MathTex("x^{2} + 1")
        copy = formula.copy()
    finally:
        patches.undo()
    assert VMobjectFromSVGPath.__deepcopy__ is Mobject.__deepcopy__
    glyphs = [m for m in formula.get_family() if isinstance(m, VMobjectFromSVGPath)]
    copies = [m for m in copy.get_family() if isinstance(m, VMobjectFromSVGPath)]
    assert glyphs
    assert len(glyphs) == len(copies)
    for glyph, twin in zip(glyphs, copies):
        assert twin.path_obj is glyph.path_obj
        assert twin.points is not glyph.points
        assert np.array_equal(twin.points, glyph.points)
    copy.shift(np.array([1.0, 0.0, 0.0])).set_color("#ff0000")
    assert not np.array_equal(copies[0].points, glyphs[0].points)
    assert glyphs[0].get_fill_color() != copies[0].get_fill_color()


def test_a_replayed_outline_is_the_traced_one():
    """The second time a shape is drawn, its outline comes from the record: the same Cairo path."""
    import cairo

    formula = MathTex(r"\sum_j e^{z_j}")
    glyph = next(m for m in formula.get_family() if isinstance(m, VMobjectFromSVGPath))
    with tempconfig({"pixel_width": 320, "pixel_height": 180}):
        camera = TracingCamera()
        plain = Camera()
    paths = []
    for cam in (plain, camera, camera):
        ctx = cam.get_cairo_context(cam.pixel_array)
        cam.set_cairo_context_path(ctx, glyph)
        paths.append(list(ctx.copy_path()))
        ctx.new_path()
    assert len(camera._outlines) == 1
    assert paths[0] == paths[1] == paths[2]
    assert any(kind == cairo.PATH_CURVE_TO for kind, _ in paths[0])


# ---------------------------------------------------------------- on a manim whose internals moved


def test_a_glyph_that_copies_itself_keeps_its_own_copy(monkeypatch, capsys):
    def __deepcopy__(self, memo):
        raise AssertionError("not called here")

    monkeypatch.setattr(VMobjectFromSVGPath, "__deepcopy__", __deepcopy__)
    assert not share_svg_paths(manim_adapters.Patches())
    assert VMobjectFromSVGPath.__deepcopy__ is __deepcopy__
    assert capsys.readouterr().err == (
        "forward_pass: speed-up off: lighter copies: VMobjectFromSVGPath copies itself in a way of its own\n"
    )


def test_a_camera_that_asks_cairo_more_traces_every_outline(monkeypatch, capsys):
    original = Camera.set_cairo_context_path

    def set_cairo_context_path(self, ctx, vmobject):
        ctx.save()
        return original(self, ctx, vmobject)

    monkeypatch.setattr(Camera, "set_cairo_context_path", set_cairo_context_path)
    assert "asks the Cairo context for save" in check_tracing_camera()
    with tempconfig({"dry_run": True}):
        scene = FastScene()
    assert type(scene.camera) is OneCopyCamera
    err = capsys.readouterr().err
    assert err.startswith("forward_pass: speed-up off: each outline traced once: ")
    assert err.count("\n") == 1


def test_one_copy_of_the_still_image_sets_the_same_frame():
    rng = np.random.default_rng(7)
    with tempconfig({"pixel_width": 64, "pixel_height": 36}):
        plain, camera = Camera(), OneCopyCamera()
    still = rng.integers(0, 256, size=plain.pixel_array.shape, dtype=np.uint8)
    frame = camera.pixel_array
    for cam in (plain, camera):
        cam.set_frame_to_background(still)
    assert camera.pixel_array is frame  # set in place, as manim does
    assert camera.pixel_array is not still
    assert np.array_equal(camera.pixel_array, plain.pixel_array)
    assert np.array_equal(camera.pixel_array, still)
    still[0, 0] = 255 - still[0, 0]
    assert not np.array_equal(camera.pixel_array[0, 0], still[0, 0])  # a copy, not a view


def test_a_camera_that_does_more_with_the_still_image_copies_it_as_manim_does(monkeypatch, capsys):
    original = Camera.set_frame_to_background

    def set_frame_to_background(self, background):
        self.reset_outlines = True
        original(self, background)

    monkeypatch.setattr(Camera, "set_frame_to_background", set_frame_to_background)
    assert check_one_copy_camera() == "Camera.set_frame_to_background does more than set the pixel array"
    with tempconfig({"dry_run": True}):
        scene = FastScene()
    assert type(scene.camera) is TracingCamera
    assert capsys.readouterr().err == (
        "forward_pass: speed-up off: one copy of the still image: "
        "Camera.set_frame_to_background does more than set the pixel array\n"
    )


def _shared_families() -> list[Mobject]:
    """Groups whose members also sit elsewhere in the same tree, so that duplicates must go."""
    a, b, c = Square(), Circle(), Square()
    inner = VGroup(a, b)
    twice = VGroup(inner, a, VGroup(c, b), inner)
    deep = VGroup(VGroup(VGroup(a), c), twice, a)
    return [a, inner, twice, deep, VGroup(), MathTex("x^{2}", "+ 1")]


def test_a_family_met_again_below_itself_is_listed_once():
    """Manim 0.20 and later skip a mobject inside itself; 0.19 never ends, and so is not asked."""
    a, b = Square(), Circle()
    loop = VGroup(a, b)
    a.submobjects.append(loop)
    assert manim_adapters._family_in_one_pass(loop) == [loop, a, b]


def test_a_family_listed_in_one_pass_is_manims_list():
    for mobject in _shared_families():
        expected = manim_adapters.MANIM_GET_FAMILY(mobject)
        listed = manim_adapters._family_in_one_pass(mobject)
        assert [id(m) for m in listed] == [id(m) for m in expected]
    twice = _shared_families()[2]
    assert len(manim_adapters._family_in_one_pass(twice)) < len(list(_walked(twice)))


def test_random_families_with_shared_members_are_listed_as_manim_lists_them():
    rng = np.random.default_rng(11)
    for _ in range(40):
        pool: list[Mobject] = [Square() if rng.random() < 0.5 else VGroup() for _ in range(12)]
        # Each group takes members made before it only: shared, never inside itself.
        for index, group in enumerate(pool):
            if index and isinstance(group, VGroup):
                for member in rng.choice(index, size=rng.integers(0, 4), replace=True):
                    group.submobjects.append(pool[int(member)])
        for mobject in pool:
            expected = manim_adapters.MANIM_GET_FAMILY(mobject)
            assert [id(m) for m in manim_adapters._family_in_one_pass(mobject)] == [id(m) for m in expected]


def _walked(mobject):
    yield mobject
    for sub in mobject.submobjects:
        yield from _walked(sub)


def test_a_family_listed_another_way_is_left_to_manim(monkeypatch, capsys):
    def get_family(self, recurse=True):
        return [self, *(m for sub in self.submobjects for m in get_family(sub))]

    monkeypatch.setattr(Mobject, "get_family", get_family)
    assert check_family_lists() == "Mobject.get_family lists a family in a way of its own"
    assert manim_adapters.list_families_in_one_pass(manim_adapters.Patches()) is False
    assert Mobject.get_family is get_family
    assert capsys.readouterr().err == (
        "forward_pass: speed-up off: families listed in one pass: Mobject.get_family lists a family in a way of its own\n"
    )


def test_a_moved_tex_writer_leaves_each_formula_to_manim(monkeypatch):
    def generate_tex_file(expression, environment=None, tex_template=None, *, tex_dir=None):
        raise AssertionError("not called when the check fails")

    monkeypatch.setattr(tex_file_writing, "generate_tex_file", generate_tex_file)
    heard = []
    with tempconfig({"dry_run": False}):
        typeset = tex_prewarm.prewarm_formulas(ForwardPassScene, lambda *notice: heard.append(notice))
    assert typeset == 0
    assert heard == [
        ("one LaTeX run", "generate_tex_file(expression, environment, tex_template) has another signature")
    ]


# ---------------------------------------------------------------- formulas typeset together


def _glyph_points(formula) -> list[np.ndarray]:
    return [member.points for member in formula.family_members_with_points()]


def test_formulas_typeset_together_have_manims_own_points(tmp_path):
    """Each glyph of each formula, and of each part on 0.19, has bit for bit the points of manim's own run."""
    built = {}
    for name in ("manim", "together"):
        with tempconfig({"media_dir": str(tmp_path / name)}):
            Path(config.get_dir("tex_dir")).mkdir(parents=True)  # as a render's file writer would
            if name == "together":
                with tex_prewarm.recorded_formulas(tmp_path) as notes:
                    for parts in FORMULAS:
                        MathTex(*parts)
                assert notes.missing
                assert tex_prewarm.typeset_together(list(notes.missing.values())) == len(notes.missing)
            built[name] = [MathTex(*parts) for parts in FORMULAS]
            tex_dir = Path(config.get_dir("tex_dir"))
            built[name + " files"] = sorted(path.name for path in tex_dir.glob("*.svg"))
    assert built["manim files"] == built["together files"]
    for mine, theirs in zip(built["together"], built["manim"]):
        assert [len(part) for part in mine] == [len(part) for part in theirs]
        want, got = _glyph_points(theirs), _glyph_points(mine)
        assert len(want) == len(got) > 0
        assert all(np.array_equal(a, b) for a, b in zip(want, got)), mine.tex_string


def test_a_formula_latex_rejects_leaves_its_page_to_manim(tmp_path):
    with tempconfig({"media_dir": str(tmp_path / "media")}):
        Path(config.get_dir("tex_dir")).mkdir(parents=True)
        with tex_prewarm.recorded_formulas(tmp_path) as notes:
            SingleStringMathTex("a + b")
            SingleStringMathTex(r"\undefinedcommand{1}")
        assert len(notes.missing) == 2
        assert tex_prewarm.typeset_together(list(notes.missing.values())) == 0
        assert not any(formula.svg_file.exists() for formula in notes.missing.values())


def test_a_rehearsal_finds_every_formula_once(tmp_path, monkeypatch):
    class ShortScene(ForwardPassScene):
        PHASES = dict.fromkeys(ForwardPassScene.PHASES, 1.0)

    digits = dict(numbers.string_to_mob_map)
    with tempconfig({"media_dir": str(tmp_path / "media"), "dry_run": False}):
        Path(config.get_dir("tex_dir")).mkdir(parents=True)
        typeset = tex_prewarm.prewarm_formulas(ShortScene, pytest.fail, key="k1")
        # No digit built from a placeholder stays where DecimalNumber would find it.
        assert numbers.string_to_mob_map == digits
        tex_dir = Path(config.get_dir("tex_dir"))
        listed = (tex_dir / "formulas-k1.txt").read_text().split()
        # Every formula the scene asks for, typeset here (a placeholder's size may have asked for a few more).
        assert typeset >= len(listed) > 0
        assert all((tex_dir / name).with_suffix(".svg").is_file() for name in listed)

        # Under the same key, nothing is rehearsed again; under another, the rehearsal finds all typeset.
        monkeypatch.setattr(tex_prewarm, "_rehearse", lambda *args: pytest.fail("rehearsed again"))
        assert tex_prewarm.prewarm_formulas(ShortScene, pytest.fail, key="k1") == 0
        monkeypatch.undo()
        assert tex_prewarm.prewarm_formulas(ShortScene, pytest.fail, key="k2") == 0
        assert (tex_dir / "formulas-k2.txt").read_text().split() == listed


def test_a_watch_notes_the_formulas_of_a_render_that_ends_well(tmp_path):
    with tempconfig({"media_dir": str(tmp_path / "media")}):
        tex_dir = Path(config.get_dir("tex_dir"))
        tex_dir.mkdir(parents=True)
        original = tex_mobject.tex_to_svg_file
        watch = tex_prewarm.FormulaWatch("k1")
        MathTex("a + b")  # not typeset before: manim typesets it, as the render asks
        MathTex("c", "= 1")
        assert watch.stop(done=True)
        assert tex_mobject.tex_to_svg_file is original
        listed = (tex_dir / "formulas-k1.txt").read_text().split()
        assert len(listed) == len(watch.seen) >= 2
        assert all((tex_dir / name).with_suffix(".svg").is_file() for name in listed)

        broken = tex_prewarm.FormulaWatch("k2")
        MathTex("d")
        assert not broken.stop(done=False)
        assert tex_mobject.tex_to_svg_file is original
        assert not (tex_dir / "formulas-k2.txt").exists()


@pytest.mark.render
def test_a_first_render_rehearses_once_and_later_ones_not_at_all(tmp_path, monkeypatch):
    class ShortScene(ForwardPassScene):
        PHASES = dict.fromkeys(ForwardPassScene.PHASES, 1.0)

    rehearsals = []
    rehearse = tex_prewarm._rehearse
    monkeypatch.setattr(tex_prewarm, "_rehearse", lambda *args: (rehearsals.append(args), rehearse(*args))[1])
    settings = {"media_dir": str(tmp_path / "media"), "quality": "low_quality", "progress_bar": "none"}
    with tempconfig({**settings, "disable_caching": True}):
        ShortScene().render()
        assert len(rehearsals) == 1
        manifests = list(Path(config.get_dir("tex_dir")).glob("formulas-*.txt"))
        assert len(manifests) == 1
        ShortScene().render()
        assert len(rehearsals) == 1
        assert list(Path(config.get_dir("tex_dir")).glob("formulas-*.txt")) == manifests


# ---------------------------------------------------------------- the same frames


def _render(tmp_path: Path, scene: str, media: Path | None = None) -> tuple[Path, str]:
    scene_file = tmp_path / "short_scenes.py"
    scene_file.write_text(SHORT_SCENES, encoding="utf-8")
    media = media or tmp_path / scene
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SCENES), os.environ.get("PYTHONPATH")]))}
    env["COLUMNS"] = "1000"  # manim's log lines unwrapped
    command = [sys.executable, "-m", "manim", "-ql", "--disable_caching", "--media_dir", str(media)]
    result = subprocess.run([*command, str(scene_file), scene], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    videos = list(media.rglob(f"{scene}.mp4"))
    assert len(videos) == 1, videos
    return videos[0], result.stdout + result.stderr


def _frames(video: Path) -> list[np.ndarray]:
    with av.open(str(video)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


@pytest.fixture(scope="module")
def plain_render(tmp_path_factory) -> tuple[Path, str]:
    """The short scene with every speed-up of the registry off (but the preset), from an empty LaTeX cache."""
    return _render(tmp_path_factory.mktemp("plain"), "PlainShortScene")


@pytest.mark.render
def test_the_speedups_change_no_pixel(tmp_path, plain_render):
    plain, plain_err = plain_render
    fast, fast_err = _render(tmp_path, "ShortScene")
    assert "speed-up off" not in fast_err
    # The later phases drawn in a second process, the first time from an empty LaTeX cache too.
    assert "in a second process" not in plain_err
    assert "Drawing from section 'Output layer' on in a second process" in fast_err
    # Each from an empty LaTeX cache: manim typeset the plain render's formulas one by one.
    assert not list(plain.parents[3].rglob("formulas-*.txt"))
    assert list((tmp_path / "ShortScene").rglob("formulas-*.txt"))
    # Once more into the same folder: every formula and text from the parse kept the first time.
    kept = sorted(path.name for path in (tmp_path / "ShortScene").rglob("*.kept"))
    assert kept
    assert not list(plain.parents[3].rglob("*.kept"))
    again, again_err = _render(tmp_path, "ShortScene", media=tmp_path / "ShortScene")
    assert "speed-up off" not in again_err
    assert "in a second process" in again_err
    assert sorted(path.name for path in (tmp_path / "ShortScene").rglob("*.kept")) == kept
    want = _frames(plain)
    assert len(want) == len(ForwardPassScene.PHASES) * FPS
    for video in (fast, again):
        got = _frames(video)
        assert len(got) == len(want)
        differing = [index for index, (a, b) in enumerate(zip(want, got)) if not np.array_equal(a, b)]
        assert not differing, f"{video}: {len(differing)} frames differ, the first at {differing[0] / FPS:.2f} s"
        # The subtitles of the second process's phases came back with its frames.
        assert video.with_suffix(".srt").read_text() == plain.with_suffix(".srt").read_text()


def test_shapes_that_move_cannot_fill_memory(monkeypatch):
    formula = MathTex("x")
    glyph = formula.family_members_with_points()[0]
    with tempconfig({"pixel_width": 320, "pixel_height": 180}):
        camera = TracingCamera()
        plain = Camera()
    size = glyph.points.nbytes
    monkeypatch.setattr(TracingCamera, "MAX_OUTLINE_BYTES", 3 * size)
    for _ in range(6):
        glyph.shift(np.array([0.1, 0.0, 0.0]))
        paths = []
        for cam in (plain, camera):
            ctx = cam.get_cairo_context(cam.pixel_array)
            cam.set_cairo_context_path(ctx, glyph)
            paths.append(list(ctx.copy_path()))
            ctx.new_path()
        assert paths[0] == paths[1]
    assert len(camera._outlines) == 3
    assert camera._outline_bytes == 3 * size


def _captured_while_skipping(monkeypatch, quiet: bool) -> list:
    class Scene_(FastScene):
        skipped_plays_draw_nothing = quiet

    with tempconfig({"dry_run": True}):
        scene = Scene_(skip_animations=True)
        assert scene.renderer.skip_animations
        captured = []
        monkeypatch.setattr(scene.renderer.camera, "capture_mobjects", lambda mobjects, **kw: captured.append(mobjects))
        scene.add(Square())
        scene.play(Circle().animate.shift(0.5 * LEFT), run_time=0.5)
        scene.wait(0.5)
    return captured


def test_a_skipped_play_draws_nothing(monkeypatch):
    assert _captured_while_skipping(monkeypatch, quiet=True) == []
    # As manim draws it: the still image, then the frame of the wait.
    assert _captured_while_skipping(monkeypatch, quiet=False)


def test_a_renderer_that_draws_another_way_draws_skipped_plays_as_manim_does(monkeypatch, capsys):
    update_frame = cairo_renderer.CairoRenderer.update_frame

    def draw_frame(self, scene, mobjects=None, include_submobjects=True, *, always=True, **kwargs):
        return update_frame(self, scene, mobjects, include_submobjects, ignore_skipping=always, **kwargs)

    monkeypatch.setattr(cairo_renderer.CairoRenderer, "update_frame", draw_frame)
    assert "update_frame" in check_quiet_skips()
    with tempconfig({"dry_run": True}):
        scene = FastScene()
    assert not isinstance(scene.renderer, QuietCairoRenderer)
    assert "speed-up off: skipped plays draw nothing" in capsys.readouterr().err


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else 10 * np.log10(255**2 / mse)


@pytest.mark.render
def test_a_render_on_moved_internals_is_still_right(tmp_path, plain_render):
    """On a manim whose every internal moved, each speed-up steps aside in one line, and the video is plain manim's."""
    scene_file = tmp_path / "short_scenes.py"
    scene_file.write_text(SHORT_SCENES, encoding="utf-8")
    media = tmp_path / "moved"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SCENES), str(ROOT / "tests")])}
    env["COLUMNS"] = "1000"
    command = [sys.executable, str(ROOT / "tests" / "moved_internals.py"), "-ql", "--disable_caching"]
    command += ["--media_dir", str(media), str(scene_file), "ShortScene"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    err = result.stderr
    notices = [line for line in err.splitlines() if "speed-up off" in line]
    # Every speed-up that relies on something of manim's, as the registry lists them.
    expected = [s.name for s in REGISTRY if MOVERS[s.name] is not None]
    if encoder_options_are_public():
        expected.remove("x264 preset")
    assert sorted(line.split(": ")[2] for line in notices) == sorted(expected), notices
    guards = [line.split(": ")[2] for line in err.splitlines() if "safeguard off" in line]
    assert guards == [s.name for s in SAFEGUARDS if SAFEGUARD_MOVERS[s.name] is not None], err[-2000:]
    assert "Traceback" not in err

    (moved,) = media.rglob("ShortScene.mp4")
    want, got = _frames(plain_render[0]), _frames(moved)
    assert len(want) == len(got) == len(ForwardPassScene.PHASES) * FPS
    worst = min(_psnr(a, b) for a, b in zip(want, got))
    # The plain render's frames, at most encoded with another x264 preset: far above 35 dB.
    assert worst > 35, f"a frame differs from the plain render: PSNR {worst:.1f} dB"
