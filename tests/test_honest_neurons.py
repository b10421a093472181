"""What a neuron shows is what it holds: a ReLU clip the viewer can see, and negative values drawn by size and sign."""

from __future__ import annotations

import json

import numpy as np
import pytest
from manim import VMobject

from dry_run import dry_run
from forward_pass import ForwardPassScene
from network_model import DEFAULT_NETWORK_PATH, NETWORK_ENV_VAR
from style import DARK, network_glow, shows_negative


def run_with(tmp_path, spec: dict):
    path = tmp_path / "network.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(NETWORK_ENV_VAR, str(path))
        return dry_run(ForwardPassScene)


def layer_2_with(z_targets: list[float]) -> dict:
    """A [2, 2, 3, 2] network whose layer 1 passes (0.5, 0.5) on, and whose layer 2 sums to ``z_targets``."""
    return {
        "layer_sizes": [2, 2, 3, 2],
        "inputs": [0.5, 0.5],
        "weights": [[[1.0, 0.0], [0.0, 1.0]], [[0.1, 0.1]] * 3, [[0.5, -0.5, 0.5], [-0.5, 0.5, -0.5]]],
        # 0.1 * 0.5 + 0.1 * 0.5 = 0.1, so each bias is its target minus 0.1.
        "biases": [[0.0, 0.0], [round(z - 0.1, 6) for z in z_targets], [0.0, 0.0]],
        "class_names": ["A", "B"],
    }


def layer_2_cues(run) -> tuple[str, str]:
    """The cue that works out layer 2's sum, and the next, which says what ReLU does with it; each on one line."""
    cues = [cue.content.replace("\n", " ") for cue in run.subcaptions]
    worked = [index for index, cue in enumerate(cues) if "of layer 2:" in cue]
    assert len(worked) == 1, cues
    return cues[worked[0]], cues[worked[0] + 1]


def layer_2_example(run) -> str:
    snap = next(snap for snap in run.snapshots if snap.phase == "Layer 2 forward")
    return " ".join(text for text, _ in snap.texts if "MathTex" in text)


# ---------------------------------------------------------------- the ReLU clip


def test_relu_clip_shows_a_z_that_is_negative_in_two_decimals(tmp_path):
    # -0.002 is negative but shows as 0.00; -0.40 shows the clip.
    run = run_with(tmp_path, layer_2_with([-0.002, -0.4, 0.5]))
    worked, verdict = layer_2_cues(run)
    assert worked.startswith("Neuron 1 of layer 2:"), worked
    assert worked.endswith("= -0.40"), worked
    assert verdict.startswith("ReLU clips it to 0: a = 0.00."), verdict
    assert "mathrm{ReLU}(-0.40)" in layer_2_example(run)


def test_without_a_visible_clip_relu_shows_its_strongest_neuron(tmp_path):
    # The only negative z rounds to 0.00: pick as if none were clipped, the largest z.
    run = run_with(tmp_path, layer_2_with([-0.004, 0.3, 0.5]))
    worked, verdict = layer_2_cues(run)
    assert worked.startswith("Neuron 2 of layer 2:"), worked
    assert worked.endswith("= 0.50"), worked
    assert verdict.startswith("ReLU keeps it: a = 0.50."), verdict
    assert "mathrm{ReLU}(0.50)" in layer_2_example(run)


# ---------------------------------------------------------------- negative inputs


def luminance(color) -> float:
    red, green, blue = color.to_rgb()
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def dashed_marks_on(scene, neuron) -> list:
    """Visible dashed outlines around ``neuron``: unfilled strokes of many pieces, centred on it."""
    return [
        mobject
        for top in scene.mobjects
        for mobject in top.get_family()
        if isinstance(mobject, VMobject)
        and mobject.has_points()
        and np.allclose(mobject.get_center(), neuron.get_center(), atol=1e-3)
        and mobject.get_stroke_opacity() > 0.5
        and mobject.get_fill_opacity() == 0
        and len(mobject.get_subpaths()) >= 6
    ]


def test_a_negative_input_glows_by_its_size_and_shows_its_sign(tmp_path):
    spec = json.loads(DEFAULT_NETWORK_PATH.read_text(encoding="utf-8"))
    spec["inputs"] = [-0.8, 0.8, 0.3]
    run = run_with(tmp_path, spec)
    scene = run.scene
    negative, positive, weak = scene.diagram.layers[0]
    # Brightness by |x|: -0.8 glows as brightly as 0.8, and more than 0.3.
    assert luminance(negative.get_fill_color()) == pytest.approx(luminance(positive.get_fill_color()), abs=0.02)
    assert luminance(negative.get_fill_color()) > luminance(weak.get_fill_color()) + 0.05
    # The sign is a shape, not only a hue: a dashed outline on the negative input alone.
    assert dashed_marks_on(scene, negative)
    assert not dashed_marks_on(scene, positive)
    assert not dashed_marks_on(scene, weak)


def test_the_scene_lights_every_neuron_by_the_one_glow_scale(tmp_path):
    spec = json.loads(DEFAULT_NETWORK_PATH.read_text(encoding="utf-8"))
    spec["inputs"] = [-0.8, 0.8, 0.3]
    spec["hidden_activation"] = "tanh"
    scene = run_with(tmp_path, spec).scene
    glow = network_glow(scene.trace.activations)
    for layer, values in enumerate(scene.trace.activations):
        for index, value in enumerate(values):
            neuron = scene.diagram.layers[layer][index]
            assert neuron.get_fill_color().to_hex() == DARK.neuron_fill_color(glow[layer][index]).to_hex(), (
                layer,
                index,
            )
            assert bool(dashed_marks_on(scene, neuron)) == shows_negative(value), (layer, index, value)
    assert any(shows_negative(value) for values in scene.trace.activations[1:-1] for value in values)
