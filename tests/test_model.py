"""The network module against independent computations: no manim, runs in well under a second."""

from __future__ import annotations

import copy
import json
import math
import random
import subprocess
import sys
import warnings
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from network_model import (
    DEFAULT_NETWORK_PATH,
    NETWORK_ENV_VAR,
    Network,
    NetworkFileError,
    format_value,
    forward,
    load_network,
    parse_network,
    softmax,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
SCENES_DIR = REPO_ROOT / "scenes"


def raw_default() -> dict:
    """The default parameters file as plain Python lists, read without the module under test."""
    return json.loads((REPO_ROOT / "assets" / "network.json").read_text(encoding="utf-8"))


@contextmanager
def strict_floats():
    """Any warning, overflow, division by zero or invalid value raises (underflow to 0 is fine)."""
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        yield


def reference_softmax(logits: list[float]) -> list[float]:
    top = max(logits)
    exps = [math.exp(value - top) for value in logits]
    total = math.fsum(exps)
    return [value / total for value in exps]


REFERENCE_FUNCTIONS = {
    "relu": lambda z: z if z > 0 else 0.0,
    "sigmoid": lambda z: 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z)),
    "tanh": math.tanh,
    "leaky_relu": lambda z: z if z > 0 else 0.1 * z,
}
"""Each hidden function, one number at a time with the math module; leaky ReLU's slope is 0.1."""


def reference_forward(data: dict) -> list[tuple[list[float], list[float]]]:
    """``(z, a)`` for every layer, with plain loops: ``z_i = sum_j W_ij a_j + b_i``."""
    a = [float(value) for value in data["inputs"]]
    layers = []
    count = len(data["weights"])
    functions = data.get("hidden_activation", "relu")
    if isinstance(functions, str):
        functions = [functions] * (count - 1)
    for index, (weights, bias) in enumerate(zip(data["weights"], data["biases"], strict=True), 1):
        z = []
        for row, b in zip(weights, bias, strict=True):
            total = 0.0
            for w, x in zip(row, a, strict=True):
                total += w * x
            z.append(total + b)
        if index == count:
            a = reference_softmax(z)
        else:
            a = [REFERENCE_FUNCTIONS[functions[index - 1]](value) for value in z]
        layers.append((z, a))
    return layers


def flat_weights(data: dict) -> list:
    return [w for matrix in data["weights"] for row in matrix for w in row]


def flat_biases(data: dict) -> list:
    return [b for vector in data["biases"] for b in vector]


# ------------------------------------------------------------ the default file


def test_default_forward_pass_matches_loops():
    data = raw_default()
    trace = forward(load_network())
    expected = reference_forward(data)
    assert len(trace.layers) == len(expected) == 3
    for layer, (z, a) in zip(trace.layers, expected, strict=True):
        assert layer.z.tolist() == pytest.approx(z, abs=1e-12)
        assert layer.a.tolist() == pytest.approx(a, abs=1e-12)
    assert [layer.activation for layer in trace.layers] == ["relu", "relu", "softmax"]
    assert trace.activations[0].tolist() == data["inputs"]
    assert trace.probabilities.tolist() == pytest.approx(expected[-1][1], abs=1e-12)


def test_default_file_shape_and_inputs():
    network = load_network()
    assert list(network.layer_sizes) == [3, 4, 4, 2]
    assert network.inputs.tolist() == [0.5, 0.8, 0.3]
    assert [w.shape for w in network.weights] == [(4, 3), (4, 4), (2, 4)]
    assert [b.shape for b in network.biases] == [(4,), (4,), (2,)]


def test_default_parameters_have_two_decimals_and_both_signs():
    text = (REPO_ROOT / "assets" / "network.json").read_text(encoding="utf-8")
    data = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    weights, biases = flat_weights(data), flat_biases(data)
    assert len(weights) == 4 * 3 + 4 * 4 + 2 * 4
    assert len(biases) == 4 + 4 + 2
    too_precise = [value for value in weights + biases if value.as_tuple().exponent < -2]
    assert too_precise == []
    for values in (weights, biases):
        assert any(value > 0 for value in values)
        assert any(value < 0 for value in values)


def test_default_hidden_layers_each_have_a_negative_z():
    expected = reference_forward(raw_default())
    for z, a in expected[:-1]:
        assert min(z) < 0
        assert 0.0 in a
    trace = forward(load_network())
    for layer in trace.layers[:-1]:
        assert (layer.z < 0).any()
        assert (layer.a[layer.z < 0] == 0).all()


def test_default_probabilities_round_to_design():
    trace = forward(load_network())
    assert [round(p, 2) for p in trace.probabilities.tolist()] == [0.73, 0.27]
    assert [format_value(p) for p in trace.probabilities] == ["0.73", "0.27"]
    assert trace.prediction == 0
    assert trace.predicted_class == "Class 0"


# ------------------------------------------------------------------ ties


@pytest.mark.parametrize(
    ("probabilities", "top"),
    [
        ([0.73, 0.27], (0,)),
        ([0.5, 0.5], (0, 1)),
        ([0.3255, 0.3258, 0.3255, 0.0232], (0, 1, 2)),  # all three show as 0.33
        ([0.336, 0.334, 0.33], (0,)),  # 0.34 against 0.33
        ([0.1, 0.45, 0.45], (1, 2)),
    ],
)
def test_the_top_classes_are_those_that_show_the_highest_probability(probabilities, top):
    logits = np.log(probabilities)
    sizes = [3, 4, 4, len(probabilities)]
    network = Network(
        tuple(sizes),
        np.zeros(3),
        (np.zeros((4, 3)), np.zeros((4, 4)), np.zeros((len(probabilities), 4))),
        (np.zeros(4), np.zeros(4), logits),
        tuple(f"c{i}" for i in range(len(probabilities))),
    )
    trace = forward(network)
    assert trace.probabilities.tolist() == pytest.approx(list(np.array(probabilities) / sum(probabilities)))
    assert trace.top_classes == top
    assert trace.is_tie == (len(top) > 1)
    assert trace.prediction == top[0]


# ---------------------------------------------------------------- softmax


def test_softmax_of_huge_logits_directly():
    with strict_floats():
        result = softmax(np.array([1000.0, 999.0]))
    e = math.exp(-1)
    assert np.isfinite(result).all()
    assert result.tolist() == pytest.approx([1 / (1 + e), e / (1 + e)], rel=1e-12)
    assert result.sum() == pytest.approx(1.0, abs=1e-15)


def test_softmax_of_huge_negative_and_mixed_logits():
    with strict_floats():
        low = softmax([-1000.0, -1001.0, -1002.0])
        mixed = softmax([800.0, -800.0])
    assert low.tolist() == pytest.approx(reference_softmax([0.0, -1.0, -2.0]), rel=1e-12)
    assert mixed.tolist() == pytest.approx([1.0, 0.0], abs=1e-300)
    assert np.isfinite(mixed).all()


def test_forward_with_weights_times_1000_stays_finite():
    # Beyond what a file may hold (parse_network refuses it), to test the arithmetic alone.
    data = raw_default()
    data["weights"] = [[[w * 1000 for w in row] for row in matrix] for matrix in data["weights"]]
    network = Network(
        tuple(data["layer_sizes"]),
        np.array(data["inputs"]),
        tuple(np.array(matrix) for matrix in data["weights"]),
        tuple(np.array(vector) for vector in data["biases"]),
        tuple(data["class_names"]),
    )
    with strict_floats():
        trace = forward(network)
    logits = reference_forward(data)[-1][0]
    assert max(abs(value) for value in logits) > 700  # math.exp would overflow without the shift
    assert trace.logits.tolist() == pytest.approx(logits, rel=1e-12)
    assert np.isfinite(trace.probabilities).all()
    assert trace.probabilities.sum() == pytest.approx(1.0, abs=1e-12)
    assert trace.probabilities.tolist() == pytest.approx(reference_softmax(logits), abs=1e-12)


# ------------------------------------------------------- depth and functions


def network_data(sizes: list[int], functions, seed: int) -> dict:
    """Parameters of both signs, drawn without the module under test, with inputs of both signs."""
    rng = random.Random(seed)
    return {
        "layer_sizes": sizes,
        "inputs": [round(rng.uniform(-1, 1), 2) for _ in range(sizes[0])],
        "weights": [
            [[round(rng.uniform(-1.5, 1.5), 2) for _ in range(n_in)] for _ in range(n_out)]
            for n_in, n_out in zip(sizes, sizes[1:])
        ],
        "biases": [[round(rng.uniform(-0.5, 0.5), 2) for _ in range(n_out)] for n_out in sizes[1:]],
        "class_names": [f"Class {i}" for i in range(sizes[-1])],
        "hidden_activation": functions,
    }


DEPTHS = [[3, 5, 2], [3, 4, 4, 2], [4, 6, 5, 3, 2], [8, 8, 8, 8, 8, 8]]


@pytest.mark.parametrize("sizes", DEPTHS, ids=lambda sizes: f"{len(sizes)} layers")
@pytest.mark.parametrize("function", list(REFERENCE_FUNCTIONS))
def test_every_function_at_every_depth_matches_loops(sizes, function):
    data = network_data(sizes, function, seed=len(sizes))
    with strict_floats():
        trace = forward(parse_network(data))
    expected = reference_forward(data)
    assert len(trace.layers) == len(sizes) - 1
    for layer, (z, a) in zip(trace.layers, expected, strict=True):
        assert layer.z.tolist() == pytest.approx(z, abs=1e-12)
        assert layer.a.tolist() == pytest.approx(a, abs=1e-12)
    assert [layer.activation for layer in trace.layers] == [function] * (len(sizes) - 2) + ["softmax"]


def test_a_list_gives_each_hidden_layer_its_function():
    functions = ["tanh", "leaky_relu", "sigmoid", "relu"]
    data = network_data([3, 6, 6, 6, 6, 2], functions, seed=11)
    trace = forward(parse_network(data))
    expected = reference_forward(data)
    for layer, (_z, a) in zip(trace.layers, expected, strict=True):
        assert layer.a.tolist() == pytest.approx(a, abs=1e-12)
    assert [layer.activation for layer in trace.layers] == [*functions, "softmax"]


def test_each_function_has_its_shape():
    # The test networks exercise both signs of z, so each function shows what sets it apart.
    for function in REFERENCE_FUNCTIONS:
        trace = forward(parse_network(network_data([4, 8, 8, 2], function, seed=5)))
        z = np.concatenate([layer.z for layer in trace.layers[:-1]])
        a = np.concatenate([layer.a for layer in trace.layers[:-1]])
        assert (z < 0).any(), function
        assert (z > 0).any(), function
        if function == "relu":
            assert a.min() == 0.0
        elif function == "leaky_relu":
            assert np.allclose(a[z < 0], 0.1 * z[z < 0])
            assert a.min() < 0
        elif function == "sigmoid":
            assert ((a > 0) & (a < 1)).all()
            assert (a[z < 0] < 0.5).all()
        else:
            assert ((a > -1) & (a < 1)).all()
            assert (np.sign(a) == np.sign(z)).all()


@pytest.mark.parametrize("function", list(REFERENCE_FUNCTIONS))
def test_huge_sums_stay_finite_in_every_function(function):
    # Beyond what a file may hold (parse_network refuses it), to test the arithmetic alone.
    data = network_data([3, 4, 4, 2], function, seed=2)
    data["weights"] = [[[w * 1000 for w in row] for row in matrix] for matrix in data["weights"]]
    network = Network(
        tuple(data["layer_sizes"]),
        np.array(data["inputs"]),
        tuple(np.array(matrix) for matrix in data["weights"]),
        tuple(np.array(vector) for vector in data["biases"]),
        tuple(data["class_names"]),
        hidden_activations=(function, function),
    )
    with strict_floats():
        trace = forward(network)
    for layer in trace.layers:
        assert np.isfinite(layer.a).all()
    expected = reference_forward(data)
    assert max(abs(value) for value in expected[0][0]) > 700  # e^-z would overflow in a naive sigmoid
    assert trace.layers[0].a.tolist() == pytest.approx(expected[0][1], rel=1e-12)


# ----------------------------------------------------------- format_value


@pytest.mark.parametrize("value", [-0.001, -0.004999, -0.0, -1e-12, np.float64(-0.003)])
def test_format_value_never_negative_zero(value):
    assert format_value(value) == "0.00"


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (0.0, 2, "0.00"),
        (1.234, 2, "1.23"),
        (1.236, 2, "1.24"),
        (-1.236, 2, "-1.24"),
        (-0.006, 2, "-0.01"),
        (0.72999555, 2, "0.73"),
        (2, 2, "2.00"),
        (-0.0004, 3, "0.000"),
        (-0.0006, 3, "-0.001"),
        (0.6775, 1, "0.7"),
        (np.float64(-0.3171), 2, "-0.32"),
    ],
)
def test_format_value_rounds(value, decimals, text):
    assert format_value(value, decimals) == text


# ------------------------------------------------------- dead hidden layers


def test_all_zero_hidden_activations_run_without_warnings():
    data = raw_default()
    data["biases"] = [[-10.0] * 4, [-10.0] * 4, [-10.0, -10.0]]
    with strict_floats():
        trace = forward(parse_network(data))
    for layer in trace.layers[:-1]:
        assert layer.a.tolist() == [0.0] * 4
    assert trace.logits.tolist() == [-10.0, -10.0]
    assert trace.probabilities.tolist() == pytest.approx([0.5, 0.5], abs=1e-15)


# ------------------------------------------------------------------ seed


def seeded(seed: int = 7) -> dict:
    data = raw_default()
    del data["weights"], data["biases"]
    data["seed"] = seed
    return data


def test_seed_gives_the_same_rounded_parameters_twice():
    first = parse_network(seeded())
    second = parse_network(seeded())
    assert [w.shape for w in first.weights] == [(4, 3), (4, 4), (2, 4)]
    assert [b.shape for b in first.biases] == [(4,), (4,), (2,)]
    for one, two in zip(first.weights + first.biases, second.weights + second.biases, strict=True):
        assert np.array_equal(one, two)
        assert np.array_equal(np.round(one, 2), one)
        assert np.isfinite(one).all()
    assert len({float(v) for array in first.weights for v in array.ravel()}) > 1


def test_a_different_seed_gives_different_parameters():
    one = parse_network(seeded(7))
    two = parse_network(seeded(8))
    assert not all(np.array_equal(a, b) for a, b in zip(one.weights, two.weights, strict=True))


def test_seeded_network_runs_forward_like_the_loops():
    network = parse_network(seeded())
    data = {
        "inputs": network.inputs.tolist(),
        "weights": [w.tolist() for w in network.weights],
        "biases": [b.tolist() for b in network.biases],
    }
    trace = forward(network)
    for layer, (z, a) in zip(trace.layers, reference_forward(data), strict=True):
        assert layer.z.tolist() == pytest.approx(z, abs=1e-12)
        assert layer.a.tolist() == pytest.approx(a, abs=1e-12)


def test_missing_weights_without_seed_is_an_error():
    data = raw_default()
    del data["weights"], data["biases"]
    with pytest.raises(NetworkFileError, match="weights"):
        parse_network(data, "net.json")


def test_seed_with_only_biases_given_still_needs_weights():
    data = raw_default()
    del data["weights"]
    data["seed"] = 7
    with pytest.raises(NetworkFileError) as error:
        parse_network(data, "net.json")
    assert error.value.field == "weights"
    assert "net.json" in str(error.value)


# ----------------------------------------------------------- the env var


def test_env_var_chooses_the_file(tmp_path, monkeypatch):
    data = raw_default()
    data["inputs"] = [0.1, 0.2, 0.9]
    path = tmp_path / "other.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setenv(NETWORK_ENV_VAR, str(path))
    network = load_network()
    assert network.inputs.tolist() == [0.1, 0.2, 0.9]
    assert "other.json" in network.source


def test_without_env_var_the_default_file_is_read(monkeypatch):
    monkeypatch.delenv(NETWORK_ENV_VAR, raising=False)
    assert DEFAULT_NETWORK_PATH == REPO_ROOT / "assets" / "network.json"
    assert load_network().inputs.tolist() == [0.5, 0.8, 0.3]


def test_env_var_pointing_nowhere_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv(NETWORK_ENV_VAR, str(tmp_path / "absent.json"))
    with pytest.raises(NetworkFileError, match=r"absent\.json"):
        load_network()


# ------------------------------------------------------ inputs drive values


def test_changing_the_inputs_changes_every_layer():
    data = raw_default()
    before = forward(parse_network(copy.deepcopy(data)))
    data["inputs"] = [0.1, 0.2, 0.9]
    after = forward(parse_network(data))
    expected = reference_forward(data)
    for old, new, (z, a) in zip(before.layers, after.layers, expected, strict=True):
        assert not np.allclose(old.z, new.z)
        assert not np.allclose(old.a, new.a)
        assert new.z.tolist() == pytest.approx(z, abs=1e-12)
        assert new.a.tolist() == pytest.approx(a, abs=1e-12)


def test_products_are_the_terms_of_each_sum():
    trace = forward(load_network())
    for layer in trace.layers:
        for i in range(len(layer.z)):
            terms = [layer.weights[i][j] * layer.inputs[j] for j in range(len(layer.inputs))]
            assert layer.products[i].tolist() == pytest.approx(terms, abs=1e-15)
            assert math.fsum(terms) + layer.bias[i] == pytest.approx(layer.z[i], abs=1e-12)


def test_model_modules_do_not_import_manim():
    code = "import sys, network_model, timeline; sys.exit('manim' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        env={"PYTHONPATH": str(SCENES_DIR), "PATH": ""},
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode()


@pytest.mark.parametrize(
    ("value", "text"), [(0.1, "0.10"), (2.0, "2.00"), (0.5, "0.50"), (0.001, "0.001"), (0.125, "0.125")]
)
def test_a_learning_rate_is_shown_exactly(value, text):
    """η at two decimals when they hold it, else as it is: 0.001 never shows as 0.00."""
    from network_model import format_exact

    assert format_exact(value) == text
