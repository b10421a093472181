"""Frame comparisons of the drawn shapes: edges, glow and bars, with no text in the frame.

Text is left out on purpose: glyphs rasterise differently across font and LaTeX
installs, so a pixel test of text fails for reasons that are not bugs.
Write the control frames anew with ``pytest tests/test_frames.py --set_test``.
"""

from __future__ import annotations

from functools import partial

from manim import Scene, TexTemplate
from manim.animation.animation import prepare_animation
from manim.utils.testing.frames_comparison import frames_comparison as manim_frames_comparison

from network_diagram import NetworkDiagram
from network_model import forward, load_network, parse_network
from panels import ProbabilityPanel
from style import network_glow

__module_test__ = "diagram"

# The test configuration replaces manim.cfg, so the project's LaTeX template is passed again.
frames_comparison = partial(manim_frames_comparison, tex_template=TexTemplate.from_file("assets/tex_template.tex"))


def default_diagram(network=None) -> tuple[NetworkDiagram, object]:
    trace = forward(network or load_network())
    diagram = NetworkDiagram(trace.network.layer_sizes, trace.network.weights, width=8, height=4)
    diagram.remove(diagram.titles)
    return diagram, trace


@frames_comparison
def test_edges_styled_by_weight(scene: Scene):
    diagram, _ = default_diagram()
    scene.add(diagram)


def run_to_end(scene: Scene, animations) -> None:
    """Leave the scene as the animations would, without playing them.

    A played animation would leave manim's test renderer holding a frame of only
    its moving parts; with no play, the last frame is drawn whole.
    """
    for animation in map(prepare_animation, animations):
        # What Scene.play does first: bring in what an animation introduces, unless it is already there.
        if animation.is_introducer() and animation.mobject not in scene.get_mobject_family_members():
            scene.add(animation.mobject)
        animation.begin()
        animation.finish()
        animation.clean_up_from_scene(scene)


def light_every_layer(scene: Scene, diagram: NetworkDiagram, trace) -> None:
    """Light the network as the scene leaves it: every layer with its values, at the scene's own glow."""
    scene.add(diagram)
    for layer, (values, levels) in enumerate(zip(trace.activations, network_glow(trace.activations))):
        run_to_end(scene, diagram.activate(layer, values, levels))
    # Only the shapes: the numbers inside the neurons are text.
    scene.remove(*diagram.values)
    diagram.remove(diagram.values)


@frames_comparison
def test_neurons_glow_by_activation(scene: Scene):
    light_every_layer(scene, *default_diagram())


@frames_comparison
def test_negative_values_glow_by_size_and_wear_a_dashed_ring(scene: Scene):
    network = parse_network(
        {
            "layer_sizes": [3, 4, 4, 2],
            "inputs": [-0.8, 0.8, -0.2],
            "weights": [
                [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.5, 0.5, 0.5]],
                [[-1, 0, 0, 0], [0, -1, 0, 0], [0, 0, -1, 0], [0, 0, 0, -1]],
                [[1, -1, 1, -1], [-1, 1, -1, 1]],
            ],
            "biases": [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0]],
            "class_names": ["A", "B"],
            "hidden_activation": "tanh",
        }
    )
    light_every_layer(scene, *default_diagram(network))


@frames_comparison
def test_probability_bars(scene: Scene):
    panel = ProbabilityPanel(["a", "b", "c"], [0.7, 0.2, 0.1], [1.0, 0.0, -1.0], left=-3, width=6)
    panel.remove(panel.names, panel.numbers)
    scene.add(panel)


def test_frame_comparisons_really_run_on_this_cairo():
    # manim skips them silently below MIN_CAIRO_VERSION; tests/conftest.py lowers it for Debian's 1.16.
    import importlib

    import cairo

    module = importlib.import_module("manim.utils.testing.frames_comparison")
    assert cairo.cairo_version() >= module.MIN_CAIRO_VERSION
