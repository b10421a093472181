"""Play a scene without rendering a frame, and record what is on screen at each phase's end."""

from __future__ import annotations

import itertools
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import srt
from manim import DecimalNumber, ManimColor, MarkupText, Mobject, SingleStringMathTex, Text, config, tempconfig

from network_model import format_value

TEXT_TYPES = (Text, MarkupText, SingleStringMathTex, DecimalNumber)


@dataclass
class Snapshot:
    """What was on screen when a phase ended."""

    phase: str
    time: float
    texts: list[tuple[str, np.ndarray]]
    """Each visible text as (a description, its [[x0, y0], [x1, y1]] box)."""
    boxes: list[tuple[str, np.ndarray]]
    """Every visible mobject with points, as (its class name, its box)."""
    tallest_glyph: list[tuple[str, float]]
    """Each visible text with the height of its tallest glyph, in scene units."""
    colors: list[tuple[str, str]]
    """Every colour drawn, as (what is drawn, ``#rrggbb``); see :func:`drawn_colors`."""


@dataclass
class DryRun:
    section_starts: dict[str, float] = field(default_factory=dict)
    snapshots: list[Snapshot] = field(default_factory=list)
    subcaptions: list = field(default_factory=list)
    srt: str = ""
    """The subtitles as manim writes them beside the video: the file itself where manim writes one
    in a dry run (0.19), else its subcaptions composed as manim composes them (0.22 writes none)."""
    end_time: float = 0.0
    scene: object = None


def _visible(mobject: Mobject) -> bool:
    for member in mobject.get_family():
        if not member.has_points():
            continue
        fill = member.get_fill_opacity() if hasattr(member, "get_fill_opacity") else 0
        stroke = member.get_stroke_opacity() if hasattr(member, "get_stroke_opacity") else 0
        width = member.get_stroke_width() if hasattr(member, "get_stroke_width") else 0
        if fill > 0.01 or (stroke > 0.01 and width > 0):
            return True
    return False


def _box(mobject: Mobject) -> np.ndarray:
    return np.array([mobject.get_corner([-1, -1, 0])[:2], mobject.get_corner([1, 1, 0])[:2]])


def _describe(mobject: Mobject) -> str:
    text = getattr(mobject, "text", None) or getattr(mobject, "tex_string", None)
    if isinstance(mobject, DecimalNumber):
        text = f"{mobject.get_value():.2f}"
    return f"{type(mobject).__name__}({text!r})"


def visible_texts(mobjects) -> list[Mobject]:
    found = []

    def walk(mobject):
        if isinstance(mobject, TEXT_TYPES):
            if _visible(mobject):
                found.append(mobject)
            return
        for sub in mobject.submobjects:
            walk(sub)

    for mobject in mobjects:
        walk(mobject)
    return found


def snapshot(scene, phase: str) -> Snapshot:
    texts = visible_texts(scene.mobjects)
    boxes = [
        (type(m).__name__, _box(m))
        for top in scene.mobjects
        for m in top.get_family()
        if m.has_points() and not m.submobjects and _visible(m)
    ]
    glyphs = [(_describe(t), max(g.height for g in t.family_members_with_points())) for t in texts]
    return Snapshot(phase, scene.time, [(_describe(t), _box(t)) for t in texts], boxes, glyphs, drawn_colors(scene))


def drawn_colors(scene) -> list[tuple[str, str]]:
    """The fill and stroke colour of every visible part of the scene, and the background.

    Each comes as (what is drawn, ``#rrggbb``), where what is drawn starts with
    ``text`` for the glyphs of a text or a formula and with ``shape`` for anything else.
    """
    glyphs = {id(member) for text in visible_texts(scene.mobjects) for member in text.get_family()}
    colors = [("background", ManimColor(scene.camera.background_color).to_hex().lower())]
    for top in scene.mobjects:
        for member in top.family_members_with_points():
            if not hasattr(member, "get_fill_opacity"):
                continue
            kind = "text" if id(member) in glyphs else "shape"
            if member.get_fill_opacity() > 0.01:
                colors.append((f"{kind}: fill of {type(member).__name__}", member.get_fill_color().to_hex().lower()))
            if member.get_stroke_opacity() > 0.01 and member.get_stroke_width() > 0:
                colors.append(
                    (f"{kind}: stroke of {type(member).__name__}", member.get_stroke_color().to_hex().lower())
                )
    return colors


def dry_run(scene_class, **config_overrides) -> DryRun:
    """Play ``scene_class`` with animations skipped, recording a snapshot at every phase's end."""
    record = DryRun()

    class Recorder(scene_class):
        def next_section(self, name="unnamed", *args, **kwargs):
            if record.section_starts:
                record.snapshots.append(snapshot(self, self._recorded_phase))
            record.section_starts[name] = self.time
            self._recorded_phase = name
            super().next_section(name, *args, **kwargs)

    Recorder.__name__ = scene_class.__name__
    with tempfile.TemporaryDirectory() as folder:
        # manim writes the subtitles even in a dry run, beside the output file.
        overrides = {
            "frame_rate": 60,
            "pixel_height": 1080,
            "pixel_width": 1920,
            "dry_run": True,
            "output_file": str(Path(folder) / "dry_run"),
            **config_overrides,
        }
        _play(Recorder, record, overrides)
        subtitles = Path(folder) / "dry_run.srt"
        if subtitles.is_file():
            record.srt = subtitles.read_text(encoding="utf-8")
        else:
            record.srt = srt.compose(record.subcaptions)
    return record


def _play(scene_class, record: DryRun, overrides: dict) -> None:
    with tempconfig(overrides):
        scene = scene_class(skip_animations=True)
        scene.render()
        record.snapshots.append(snapshot(scene, scene._recorded_phase))
        record.end_time = scene.time
        record.subcaptions = list(scene.renderer.file_writer.subcaptions)
        record.scene = scene
        record.frame = (config.frame_x_radius, config.frame_y_radius)


def overlaps(a: np.ndarray, b: np.ndarray, tolerance: float = 0.01) -> bool:
    width = min(a[1][0], b[1][0]) - max(a[0][0], b[0][0])
    height = min(a[1][1], b[1][1]) - max(a[0][1], b[0][1])
    return width > tolerance and height > tolerance


def layout_problems(run: DryRun, min_glyph: float) -> list[str]:
    """Everything wrong with the layout at the end of each phase, one line each.

    Texts that overlap, anything that leaves the frame, and texts whose tallest
    glyph is under ``min_glyph`` scene units (texts of symbols only, such as a
    lone minus sign, are exempt; letters of every script count).
    """
    x_radius, y_radius = run.frame
    problems = []
    for snap in run.snapshots:
        for (a, box_a), (b, box_b) in itertools.combinations(snap.texts, 2):
            if overlaps(box_a, box_b):
                problems.append(f"{snap.phase}: {a} overlaps {b}")
        for kind, box in snap.boxes:
            if not (
                -x_radius <= box[0][0] and box[1][0] <= x_radius and -y_radius <= box[0][1] and box[1][1] <= y_radius
            ):
                problems.append(f"{snap.phase}: a {kind} leaves the frame at {box.round(2).tolist()}")
        for text, height in snap.tallest_glyph:
            # Letters and digits of any script (Chinese among them) must be legible; lone symbols need not be.
            if re.search(r"[^\W_]", text.split("(", 1)[1]) and height < min_glyph:
                problems.append(f"{snap.phase}: {text} is {height:.3f} units tall")
    return problems


def neuron_label_problems(run: DryRun, shown: dict[str, dict[int, list[float]]]) -> list[str]:
    """Everything wrong with the numbers inside the neurons at the end of each phase, one line each.

    ``shown[phase][layer]`` lists the values that layer's neurons show at the end of
    ``phase``; a layer left out shows none. Each shown value must be the one number
    inside its neuron, centred on it and wholly inside its circle.
    """
    diagram = run.scene.diagram
    radius = diagram.radius
    problems = []
    for snap in run.snapshots:
        numbers = [(text, box) for text, box in snap.texts if text.startswith("DecimalNumber(")]
        for layer, column in enumerate(diagram.layers):
            values = shown.get(snap.phase, {}).get(layer)
            for index, neuron in enumerate(column):
                centre = neuron.get_center()[:2]
                inside = [(text, box) for text, box in numbers if np.linalg.norm(box.mean(axis=0) - centre) < radius]
                where = f"{snap.phase}: layer {layer}, neuron {index}"
                if values is None:
                    if inside:
                        problems.append(f"{where} shows {inside[0][0]} before its layer is computed")
                    continue
                expected = f"DecimalNumber('{format_value(values[index])}')"
                if [text for text, _ in inside] != [expected]:
                    problems.append(f"{where} shows {[text for text, _ in inside]}, not {expected}")
                    continue
                box = inside[0][1]
                if np.linalg.norm(box.mean(axis=0) - centre) > 1e-3:
                    problems.append(f"{where}: {expected} is off its centre by {box.mean(axis=0) - centre}")
                corners = [np.array([x, y]) for x in box[:, 0] for y in box[:, 1]]
                if max(np.linalg.norm(corner - centre) for corner in corners) > radius:
                    problems.append(f"{where}: {expected} reaches beyond the neuron")
    return problems


def forward_pass_labels(trace, phases: list[str]) -> dict[str, dict[int, list[float]]]:
    """What the forward-pass scene shows inside its neurons at the end of each phase."""
    hidden = {f"Layer {k} forward": (k, layer.a) for k, layer in enumerate(trace.layers[:-1], 1)}
    computed = {
        "Input layer": (0, trace.network.inputs),
        **hidden,
        "Output layer": (len(trace.layers), trace.probabilities),
    }
    shown: dict[int, list[float]] = {}
    by_phase = {}
    for phase in phases:
        if phase in computed:
            layer, values = computed[phase]
            shown[layer] = list(values)
        by_phase[phase] = dict(shown)
    return by_phase
