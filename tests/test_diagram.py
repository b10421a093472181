"""The diagram's structure and styling, built but never rendered."""

from __future__ import annotations

import numpy as np
import pytest

from network_diagram import NetworkDiagram
from network_model import forward, load_network
from style import (
    EDGE_MIN_OPACITY,
    EDGE_MIN_WIDTH,
    NEGATIVE_WEIGHT_COLOR,
    POSITIVE_WEIGHT_COLOR,
    edge_style,
    glow_levels,
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


def test_edge_colour_shows_the_sign(diagram, network):
    for connection, matrix in enumerate(network.weights):
        for (target, source), weight in np.ndenumerate(matrix):
            color = diagram.edge(connection, target, source).get_stroke_color()
            expected = POSITIVE_WEIGHT_COLOR if weight >= 0 else NEGATIVE_WEIGHT_COLOR
            assert color.to_hex().lower() == expected.to_hex().lower()


def test_all_zero_weights_and_activations_style_without_dividing_by_zero():
    zero = [np.zeros((4, 3)), np.zeros((4, 4)), np.zeros((2, 4))]
    with np.errstate(all="raise"):
        diagram = NetworkDiagram([3, 4, 4, 2], zero)
        levels = glow_levels(np.zeros(4), 0.0)
    assert np.all(levels == 0)
    style = edge_style(0.0, 0.0)
    assert style.width == EDGE_MIN_WIDTH
    assert style.opacity == EDGE_MIN_OPACITY
    assert all(line.get_stroke_width() == EDGE_MIN_WIDTH for group in diagram.edges for line in group)


def test_glow_follows_the_activation():
    levels = glow_levels(np.array([0.0, 0.2, 0.4, 0.8, 1.6]), 0.8)
    assert levels.tolist() == [0.0, 0.25, 0.5, 1.0, 1.0]


def test_the_busiest_neuron_glows_brightest(network):
    trace = forward(network)
    hidden = trace.layers[0].a
    levels = glow_levels(hidden, float(hidden.max()))
    assert np.argmax(levels) == np.argmax(hidden)
    assert levels[hidden == 0].tolist() == [0.0] * int(np.sum(hidden == 0))


@pytest.mark.parametrize("sizes", [[1, 1, 1, 2], [8, 8, 8, 8], [2, 7, 3, 5]])
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
