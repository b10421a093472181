"""The panels, built but never rendered: where their parts sit for any allowed shape."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from network_model import LayerTrace, relu
from panels import MatrixPanel


def layer(n_out: int, n_in: int, seed: int = 0) -> LayerTrace:
    rng = np.random.default_rng(seed)
    inputs = np.round(rng.uniform(-1, 1, n_in), 2)
    weights = np.round(rng.uniform(-1, 1, (n_out, n_in)), 2)
    bias = np.round(rng.uniform(-0.5, 0.5, n_out), 2)
    z = weights @ inputs + bias
    return LayerTrace(1, inputs, weights, bias, z, relu(z), "relu")


# (neurons, inputs): the layer grows, keeps its size, shrinks, and the extremes.
SHAPES = [(4, 3), (4, 4), (2, 4), (1, 4), (2, 3), (3, 5), (1, 8), (3, 8), (8, 1), (8, 8)]


@pytest.mark.parametrize(("n_out", "n_in"), SHAPES)
def test_matrix_names_clear_every_column(n_out, n_in):
    panel = MatrixPanel(layer(n_out, n_in), max_width=8.8, max_height=1.87)
    matrices = (panel.weights, panel.inputs, panel.bias, panel.z)
    if max(n_out, n_in) <= 5:
        assert len(panel.symbols) == 4, "a short panel names its matrices"
    tallest_top = max(matrix.get_top()[1] for matrix in matrices)
    for symbol, matrix in zip(panel.symbols, matrices):
        assert symbol.get_bottom()[1] > tallest_top, f"{symbol.tex_string!r} sits on a matrix ({n_out}, {n_in})"
        assert abs(symbol.get_x() - matrix.get_x()) < 1e-6, f"{symbol.tex_string!r} is not above its matrix"
    for one, two in itertools.combinations(panel.symbols, 2):
        assert one.get_right()[0] < two.get_left()[0], "two names overlap"
    assert panel.height <= 1.87 + 1e-6
    assert panel.width <= 8.8 + 1e-6


def test_names_share_one_baseline():
    panel = MatrixPanel(layer(2, 4), max_width=8.8, max_height=1.87)
    bottoms = {round(symbol.get_bottom()[1], 6) for symbol in panel.symbols}
    assert len(bottoms) == 1
