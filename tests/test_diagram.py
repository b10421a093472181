"""The diagram's structure and styling, built but never rendered."""

from __future__ import annotations

import numpy as np
import pytest
from manim import Text
from manim.animation.animation import prepare_animation

from conftest import require_font
from languages import available_languages, language_named
from network_diagram import NetworkDiagram
from network_model import forward, load_network, parse_network
from style import (
    DARK,
    EDGE_MIN_OPACITY,
    EDGE_MIN_WIDTH,
    SIGN_CUE_DASHES,
    SIGN_CUE_RADIUS,
    THEMES,
    glow_levels,
    network_glow,
    shows_negative,
)


@pytest.fixture(scope="module")
def network():
    return load_network()


@pytest.fixture(scope="module")
def diagram(network):
    return NetworkDiagram(network.layer_sizes, network.weights)


def test_thirteen_neurons_and_thirty_six_edges(diagram):
    assert [len(column) for column in diagram.layers] == [3, 4, 4, 2]
    assert sum(len(column) for column in diagram.layers) == 13
    assert [len(group) for group in diagram.edges] == [12, 16, 8]
    assert sum(len(group) for group in diagram.edges) == 36
    assert [len(column) for column in diagram.halos] == [3, 4, 4, 2]
    assert [len(column) for column in diagram.signs] == [3, 4, 4, 2]


def test_edges_join_the_right_neurons(diagram):
    for connection, matrix in enumerate(diagram.weights):
        for target in range(matrix.shape[0]):
            for source in range(matrix.shape[1]):
                line = diagram.edge(connection, target, source)
                start = diagram.layers[connection][source].get_center()
                end = diagram.layers[connection + 1][target].get_center()
                assert np.linalg.norm(line.get_start() - start) == pytest.approx(diagram.radius, abs=1e-6)
                assert np.linalg.norm(line.get_end() - end) == pytest.approx(diagram.radius, abs=1e-6)


def test_edge_width_and_opacity_grow_with_the_weight(diagram, network):
    weights = np.concatenate([matrix.ravel() for matrix in network.weights])
    lines = [line for group in diagram.edges for line in group]
    # Edges are stored target-major, like the rows of each matrix.
    widths = np.array([line.get_stroke_width() for line in lines])
    opacities = np.array([line.get_stroke_opacity() for line in lines])
    order = np.argsort(np.abs(weights), kind="stable")
    assert np.all(np.diff(widths[order]) >= -1e-9)
    assert np.all(np.diff(opacities[order]) >= -1e-9)
    strongest = np.argmax(np.abs(weights))
    weakest = np.argmin(np.abs(weights))
    assert widths[strongest] > 2 * widths[weakest]
    assert widths.min() >= EDGE_MIN_WIDTH
    assert opacities.min() >= EDGE_MIN_OPACITY


@pytest.mark.parametrize("theme", THEMES.values(), ids=list(THEMES))
def test_edge_colour_shows_the_sign(network, theme):
    diagram = NetworkDiagram(network.layer_sizes, network.weights, theme=theme)
    for connection, matrix in enumerate(network.weights):
        for (target, source), weight in np.ndenumerate(matrix):
            color = diagram.edge(connection, target, source).get_stroke_color()
            expected = theme.positive_weight if weight >= 0 else theme.negative_weight
            assert color.to_hex().lower() == expected.to_hex().lower()


def test_all_zero_weights_and_activations_style_without_dividing_by_zero():
    zero = [np.zeros((4, 3)), np.zeros((4, 4)), np.zeros((2, 4))]
    with np.errstate(all="raise"):
        diagram = NetworkDiagram([3, 4, 4, 2], zero)
        levels = glow_levels(np.zeros(4), 0.0)
    assert np.all(levels == 0)
    style = DARK.edge_style(0.0, 0.0)
    assert style.width == EDGE_MIN_WIDTH
    assert style.opacity == EDGE_MIN_OPACITY
    assert all(line.get_stroke_width() == EDGE_MIN_WIDTH for group in diagram.edges for line in group)


def test_glow_follows_the_size_of_the_value():
    levels = glow_levels(np.array([0.0, 0.2, 0.4, 0.8, 1.6, -0.4, -1.6]), 0.8)
    assert levels.tolist() == [0.0, 0.25, 0.5, 1.0, 1.0, 0.5, 1.0]


def test_the_busiest_neuron_glows_brightest(network):
    trace = forward(network)
    hidden = trace.layers[0].a
    levels = network_glow(trace.activations)[1]
    assert np.argmax(levels) == np.argmax(hidden)
    assert levels[hidden == 0].tolist() == [0.0] * int(np.sum(hidden == 0))


def signed_network(function: str = "tanh"):
    """A network whose inputs and hidden values take both signs."""
    return parse_network(
        {
            "layer_sizes": [3, 3, 2, 2],
            "inputs": [-0.9, 0.45, 0.3],
            "weights": [
                [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, -2.0]],
                [[0.5, 0.5, 0.5], [-1, -1, -1]],
                [[1, 0], [0, 1]],
            ],
            "biases": [[0.0, 0.0, 0.0], [0.0, 0.0], [0.0, 0.0]],
            "class_names": ["A", "B"],
            "hidden_activation": function,
        }
    )


def test_one_glow_scale_for_the_inputs_and_every_hidden_layer():
    trace = forward(signed_network("leaky_relu"))
    glow = network_glow(trace.activations)
    # The largest |value| of the inputs and hidden layers is the input -0.9: it alone glows fully.
    scale = 0.9
    for values, levels in zip(trace.activations[:-1], glow[:-1], strict=True):
        assert levels.tolist() == pytest.approx([abs(value) / scale for value in values], abs=1e-12)
    assert glow[0].tolist() == pytest.approx([1.0, 0.5, 1 / 3], abs=1e-12)
    # A negative value glows by its size: the leak -0.06 as brightly as 0.06 would.
    assert trace.layers[0].a[2] == pytest.approx(-0.06)
    assert glow[1][2] == pytest.approx(0.06 / 0.9)
    # The output layer glows by its probability.
    assert glow[-1].tolist() == pytest.approx(trace.probabilities.tolist(), abs=1e-12)


def test_a_value_shows_negative_only_if_its_two_decimals_do():
    assert [shows_negative(v) for v in (-0.5, -0.005, -0.0049, 0.0, -0.0, 0.3)] == [
        True,
        True,
        False,
        False,
        False,
        False,
    ]


def finish(animations) -> None:
    """Leave each mobject as the animations would, without a scene."""
    for animation in map(prepare_animation, animations):
        animation.begin()
        animation.finish()


def test_a_negative_value_wears_a_dashed_ring_and_a_positive_one_does_not():
    network = signed_network()
    trace = forward(network)
    diagram = NetworkDiagram(network.layer_sizes, network.weights)
    glow = network_glow(trace.activations)
    for layer, values in enumerate(trace.activations):
        finish(diagram.activate(layer, values, glow[layer]))
    for layer, values in enumerate(trace.activations):
        for index, value in enumerate(values):
            neuron, (band, dashes) = diagram.layers[layer][index], diagram.signs[layer][index]
            assert np.allclose(dashes.get_center(), neuron.get_center(), atol=1e-6)
            for part in (band, dashes):
                assert part.get_stroke_opacity() == (1.0 if shows_negative(value) else 0.0), (layer, index, value)
            # The brightness is the size of the value, whatever its sign.
            assert neuron.get_fill_color().to_hex() == DARK.neuron_fill_color(glow[layer][index]).to_hex()
    assert shows_negative(trace.activations[0][0])
    assert shows_negative(trace.activations[1][2])


def test_the_ring_goes_when_the_value_turns_positive():
    network = signed_network()
    diagram = NetworkDiagram(network.layer_sizes, network.weights)
    for values in ([-0.5, 0.2], [0.5, 0.2]):
        finish(diagram.activate(3, values, [0.5, 0.2]))
    assert all(part.get_stroke_opacity() == 0 for part in diagram.signs[3].family_members_with_points())


@pytest.mark.parametrize("sizes", [[1, 1, 1, 2], [8, 8, 8, 8, 8, 8], [2, 7, 3, 5]])
def test_every_ring_has_its_dashes_around_its_neuron(sizes):
    rng = np.random.default_rng(1)
    weights = [rng.uniform(-1, 1, (n_out, n_in)) for n_in, n_out in zip(sizes, sizes[1:])]
    diagram = NetworkDiagram(sizes, weights, width=7.5, height=4.0).shift(2.3 * np.array([-1, 0.7, 0]))
    for sign_column, column in zip(diagram.signs, diagram.layers, strict=True):
        for (band, dashes), neuron in zip(sign_column, column, strict=True):
            assert len(dashes.get_subpaths()) == SIGN_CUE_DASHES
            for part in (band, dashes):
                assert np.allclose(part.get_center(), neuron.get_center(), atol=1e-6)
                # Just outside the neuron's own outline, which stays.
                assert part.width / 2 == pytest.approx(diagram.radius * SIGN_CUE_RADIUS, rel=0.02)


@pytest.mark.parametrize("sizes", [[1, 1, 1, 2], [8, 8, 8, 8], [2, 7, 3, 5], [3, 8, 2], [8, 8, 8, 8, 8, 8]])
def test_any_shape_builds_inside_its_box(sizes):
    rng = np.random.default_rng(0)
    weights = [rng.uniform(-1, 1, (n_out, n_in)) for n_in, n_out in zip(sizes, sizes[1:])]
    diagram = NetworkDiagram(sizes, weights, width=7.5, height=4.0)
    column = diagram.layers[int(np.argmax(sizes))]
    assert column.height <= 4.0 + 1e-6
    if max(sizes) == 8:
        assert column.height == pytest.approx(4.0), "a full column fills the room it is given"
    neurons = [neuron for layer in diagram.layers for neuron in layer]
    for a in range(len(neurons)):
        for b in range(a + 1, len(neurons)):
            gap = np.linalg.norm(neurons[a].get_center() - neurons[b].get_center())
            assert gap >= 2 * diagram.radius, "two neurons overlap"


@pytest.mark.parametrize("code", available_languages())
@pytest.mark.parametrize("layers", [3, 4, 5, 6])
def test_layer_titles_keep_apart(layers, code):
    if code != "en":
        require_font(code)
    sizes = [8] * layers
    weights = [np.ones((8, 8))] * (layers - 1)
    words = language_named(code)
    diagram = NetworkDiagram(sizes, weights, layer_titles=words.layer_titles(layers), width=7.55, height=4.3)
    titles = list(diagram.titles)
    assert len(titles) == layers
    assert all(isinstance(title, Text) for title in titles)
    assert len({round(title.height, 6) for title in titles[1:-1]}) <= 1, "one size for all"
    for left, right in zip(titles, titles[1:]):
        assert right.get_left()[0] - left.get_right()[0] > 0.1, (left.text, right.text)
