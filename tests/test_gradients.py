"""The backward pass and the training step against independent computations: no manim, runs in a few seconds.

Every gradient is checked against central finite differences of a loss that
this file computes itself, with plain loops and the math module; the module's
forward pass, loss and derivatives are never used to check themselves. The
plain-Python reference (:func:`reference_forward`, :func:`reference_loss`,
:func:`reference_target`) is also what ``test_worked_numbers.py`` checks the
script's numbers with.
"""

from __future__ import annotations

import json
import math
import random
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from network_model import (
    ACTIVATIONS,
    MAX_LEARNING_RATE,
    NetworkFileError,
    derivative,
    forward,
    load_network,
    parse_network,
    training_step,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = REPO_ROOT / "assets" / "network.json"
EXAMPLE_FILES = sorted((REPO_ROOT / "assets" / "examples").glob("*.json"))
MAZUR_FILE = REPO_ROOT / "assets" / "examples" / "sigmoid-squared-error.json"

STEP = 1e-6
"""The finite differences' step."""
REL_TOL = 1e-6
ABS_TOL = 1e-7
KINK_MARGIN = 1e-3
"""Random networks are drawn again while any ``|z|`` is below this, so that no finite difference crosses ReLU's kink."""

HIDDEN_FUNCTIONS = ("relu", "sigmoid", "tanh", "leaky_relu")
DEPTHS = (3, 4, 5, 6)
# (output function, loss, kind of target)
LOSS_CASES = (
    ("softmax", "cross_entropy", "class"),
    ("sigmoid", "squared_error", "class"),
    ("sigmoid", "squared_error", "list"),
)


# ------------------------------------------------------------ the plain-Python reference


def reference_sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    return math.exp(z) / (1.0 + math.exp(z))


REFERENCE_FUNCTIONS = {
    "relu": lambda z: z if z > 0 else 0.0,
    "sigmoid": reference_sigmoid,
    "tanh": math.tanh,
    "leaky_relu": lambda z: z if z > 0 else 0.1 * z,
}
"""Each hidden function, one number at a time; leaky ReLU's slope below zero is 0.1."""


def reference_softmax(z: list[float]) -> list[float]:
    top = max(z)
    exps = [math.exp(value - top) for value in z]
    total = math.fsum(exps)
    return [value / total for value in exps]


def reference_functions(data: dict) -> list[str]:
    """The function of every layer after the inputs, read from the parameters file's dict, the output's last."""
    hidden = data.get("hidden_activation", "relu")
    count = len(data["layer_sizes"]) - 2
    if isinstance(hidden, str):
        hidden = [hidden] * count
    return [*hidden, data.get("output_activation", "softmax")]


def reference_loss_name(data: dict) -> str:
    default = "squared_error" if data.get("output_activation", "softmax") == "sigmoid" else "cross_entropy"
    return data.get("loss", default)


def reference_target(data: dict) -> list[float]:
    """The target as one number per output: one-hot for a class name or index, the list itself otherwise."""
    value = data["target"]
    names = [name.strip() for name in data["class_names"]]
    if isinstance(value, list):
        return [float(item) for item in value]
    index = names.index(value.strip()) if isinstance(value, str) else value
    return [1.0 if position == index else 0.0 for position in range(len(names))]


def reference_forward(
    weights: list, biases: list, inputs: list[float], functions: list[str]
) -> list[tuple[list[float], list[float]]]:
    """``(z, a)`` of every layer with plain loops, ``z_i = Σ_j W_ij a_j + b_i``; the last function may be softmax."""
    a = [float(value) for value in inputs]
    layers = []
    for matrix, bias, function in zip(weights, biases, functions, strict=True):
        z = [math.fsum([*(w * x for w, x in zip(row, a, strict=True)), b]) for row, b in zip(matrix, bias, strict=True)]
        a = reference_softmax(z) if function == "softmax" else [REFERENCE_FUNCTIONS[function](v) for v in z]
        layers.append((z, a))
    return layers


def reference_loss(z: list[float], a: list[float], target: list[float], loss: str) -> float:
    """Cross-entropy ``−Σ t log p`` (``log p`` from the logits ``z``), or squared error ``½ Σ (t − o)²``."""
    if loss == "cross_entropy":
        top = max(z)
        log_total = top + math.log(math.fsum(math.exp(v - top) for v in z))
        return -math.fsum(t * (v - log_total) for t, v in zip(target, z, strict=True))
    if loss == "squared_error":
        return 0.5 * math.fsum((t - o) ** 2 for t, o in zip(target, a, strict=True))
    raise ValueError(loss)


def reference_network_loss(data: dict) -> float:
    """The loss of the network that ``data`` describes, from its own weights and biases."""
    layers = reference_forward(data["weights"], data["biases"], data["inputs"], reference_functions(data))
    return reference_loss(*layers[-1], reference_target(data), reference_loss_name(data))


def central_difference(container: list, key: int, function) -> float:
    """``(f(x + h) − f(x − h)) / 2h`` for the number ``container[key]``, which is put back afterwards."""
    saved = container[key]
    try:
        container[key] = saved + STEP
        up = function()
        container[key] = saved - STEP
        down = function()
    finally:
        container[key] = saved
    return (up - down) / (2 * STEP)


def close(actual: float, expected: float) -> bool:
    return math.isclose(float(actual), expected, rel_tol=REL_TOL, abs_tol=ABS_TOL)


def read(path: Path) -> dict:
    """A network file as plain lists: a weights file's tensors read in, scaled inputs scaled, by this test alone."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if "parameters" in data:
        from safetensors.numpy import load_file

        tensors = load_file(str(path.parent / data.pop("parameters")))
        names = sorted({key.rsplit(".", 1)[0] for key in tensors}, key=int)
        data["weights"] = [tensors[f"{name}.weight"].astype(float).tolist() for name in names]
        data["biases"] = [tensors[f"{name}.bias"].astype(float).tolist() for name in names]
        data["layer_sizes"] = [len(data["weights"][0][0]), *(len(matrix) for matrix in data["weights"])]
    scaling = data.pop("input_scaling", None)
    if scaling is not None:
        data["inputs"] = [(x - m) / s for x, m, s in zip(data["inputs"], scaling["mean"], scaling["std"])]
    return data


# ------------------------------------------------------------ random networks


def random_data(seed: str, depth: int, hidden, output: str, loss: str, target_kind: str) -> dict:
    """A parameters file's dict for a random network, drawn again until every ``|z|`` is at least KINK_MARGIN.

    ``hidden`` is one function name or a list of one per hidden layer. ReLU
    networks are also drawn again while a hidden layer has no positive ``z``, so
    that their gradients are not all zero.
    """
    rng = random.Random(seed)
    functions = [hidden] * (depth - 2) if isinstance(hidden, str) else list(hidden)
    for _ in range(1000):
        sizes = [rng.randint(1, 5) for _ in range(depth - 1)] + [rng.randint(2, 5)]
        data = {
            "layer_sizes": sizes,
            "inputs": [rng.uniform(-1, 1) for _ in range(sizes[0])],
            "weights": [
                [[rng.uniform(-1, 1) for _ in range(n_in)] for _ in range(n_out)]
                for n_in, n_out in zip(sizes, sizes[1:])
            ],
            "biases": [[rng.uniform(-0.5, 0.5) for _ in range(n_out)] for n_out in sizes[1:]],
            "class_names": [f"class {index}" for index in range(sizes[-1])],
            "hidden_activation": hidden,
            "output_activation": output,
            "loss": loss,
            "target": rng.randrange(sizes[-1]) if target_kind == "class" else [rng.random() for _ in range(sizes[-1])],
            "learning_rate": 0.1,
        }
        layers = reference_forward(data["weights"], data["biases"], data["inputs"], reference_functions(data))
        if any(abs(value) < KINK_MARGIN for z, _ in layers for value in z):
            continue
        if any(function == "relu" and max(z) <= 0 for function, (z, _) in zip(functions, layers)):
            continue
        return data
    raise AssertionError(f"no random network for {seed!r} keeps every z away from 0")


def random_cases():
    for function in HIDDEN_FUNCTIONS:
        for output, loss, target_kind in LOSS_CASES:
            for depth in DEPTHS:
                name = f"{function}-{loss}-{target_kind}-{depth}"
                yield pytest.param(name, depth, function, output, loss, target_kind, id=name)
    mixed = ["relu", "sigmoid", "tanh", "leaky_relu"]
    for output, loss, target_kind in LOSS_CASES:
        name = f"mixed-{loss}-{target_kind}-6"
        yield pytest.param(name, 6, mixed, output, loss, target_kind, id=name)


RANDOM_CASES = list(random_cases())


# ------------------------------------------------------------ gradients


@pytest.mark.parametrize(("seed", "depth", "hidden", "output", "loss", "target_kind"), RANDOM_CASES)
def test_every_gradient_matches_finite_differences(seed, depth, hidden, output, loss, target_kind):
    data = random_data(seed, depth, hidden, output, loss, target_kind)
    step = training_step(parse_network(data, seed))
    target = reference_target(data)
    functions = reference_functions(data)

    def loss_of() -> float:
        layers = reference_forward(data["weights"], data["biases"], data["inputs"], functions)
        return reference_loss(*layers[-1], target, loss)

    assert [gradient.index for gradient in step.gradients] == list(range(1, depth))
    assert math.isclose(step.loss, loss_of(), rel_tol=1e-12, abs_tol=1e-12)
    nonzero = 0
    for layer, gradient in enumerate(step.gradients):
        assert gradient.weights.shape == (len(data["weights"][layer]), len(data["weights"][layer][0]))
        for i, row in enumerate(data["weights"][layer]):
            for j in range(len(row)):
                numeric = central_difference(row, j, loss_of)
                assert close(gradient.weights[i, j], numeric), f"∂L/∂W[{layer}][{i}][{j}]"
                nonzero += abs(numeric) > 1e-6
        bias = data["biases"][layer]
        for i in range(len(bias)):
            numeric = central_difference(bias, i, loss_of)
            assert close(gradient.bias[i], numeric), f"∂L/∂b[{layer}][{i}]"
            assert close(gradient.delta[i], numeric), f"δ[{layer}][{i}]"
    assert nonzero, "every gradient is zero: the check would prove nothing"


@pytest.mark.parametrize(("seed", "depth", "hidden", "output", "loss", "target_kind"), RANDOM_CASES)
def test_what_flows_back_and_the_slopes_match_finite_differences(seed, depth, hidden, output, loss, target_kind):
    """``Wᵀδ`` of the layer above is ``∂L/∂a`` of this layer; ``f′(z)`` is the slope of its function."""
    data = random_data(seed, depth, hidden, output, loss, target_kind)
    step = training_step(parse_network(data, seed))
    target = reference_target(data)
    functions = reference_functions(data)
    layers = reference_forward(data["weights"], data["biases"], data["inputs"], functions)
    output_gradient = step.gradients[-1]
    assert output_gradient.back is None
    assert output_gradient.slope is None
    for layer, gradient in enumerate(step.gradients[:-1]):
        z, a = (list(values) for values in layers[layer])
        above = layer + 1

        def loss_from_here(a=a, above=above) -> float:
            rest = reference_forward(data["weights"][above:], data["biases"][above:], a, functions[above:])
            return reference_loss(*rest[-1], target, loss)

        function = REFERENCE_FUNCTIONS[functions[layer]]
        for i in range(len(a)):
            assert close(gradient.back[i], central_difference(a, i, loss_from_here)), f"Wᵀδ[{layer}][{i}]"
            slope = (function(z[i] + STEP) - function(z[i] - STEP)) / (2 * STEP)
            assert close(gradient.slope[i], slope), f"f′(z)[{layer}][{i}]"


def test_squared_error_with_a_list_target_is_half_the_squared_distance():
    data = read(MAZUR_FILE)
    data["target"] = [0.25, 0.5]
    step = training_step(parse_network(data))
    outputs = reference_forward(data["weights"], data["biases"], data["inputs"], reference_functions(data))[-1][1]
    expected = 0.5 * ((0.25 - outputs[0]) ** 2 + (0.5 - outputs[1]) ** 2)
    assert math.isclose(step.loss, expected, rel_tol=1e-12)
    for i, o in enumerate(outputs):
        assert math.isclose(step.gradients[-1].delta[i], (o - data["target"][i]) * o * (1 - o), rel_tol=1e-12)


# ------------------------------------------------------------ the update


def update_cases():
    for path in [DEFAULT_FILE, *EXAMPLE_FILES]:
        yield pytest.param(lambda path=path: read(path), id=path.name)
    for case in RANDOM_CASES[::5]:
        yield pytest.param(lambda values=case.values: random_data(*values), id=f"random-{case.values[0]}")


@pytest.mark.parametrize("make_data", list(update_cases()))
def test_the_update_is_exactly_w_minus_rate_times_gradient(make_data):
    data = make_data()
    step = training_step(parse_network(data))
    rate = float(data.get("learning_rate", 0.1))
    assert step.learning_rate == rate
    new_weights, new_biases = [], []
    for layer, gradient in enumerate(step.gradients):
        matrix = [
            [float(w) - rate * float(gradient.weights[i, j]) for j, w in enumerate(row)]
            for i, row in enumerate(data["weights"][layer])
        ]
        bias = [float(b) - rate * float(gradient.bias[i]) for i, b in enumerate(data["biases"][layer])]
        assert step.updated.weights[layer].tolist() == matrix, f"weights[{layer}]"
        assert step.updated.biases[layer].tolist() == bias, f"biases[{layer}]"
        new_weights.append(matrix)
        new_biases.append(bias)
    functions = reference_functions(data)
    after = reference_forward(new_weights, new_biases, data["inputs"], functions)
    assert len(step.after.layers) == len(after)
    for layer, (z, a) in zip(step.after.layers, after, strict=True):
        assert layer.z.tolist() == pytest.approx(z, rel=1e-12, abs=1e-12)
        assert layer.a.tolist() == pytest.approx(a, rel=1e-12, abs=1e-12)
    expected = reference_loss(*after[-1], reference_target(data), reference_loss_name(data))
    assert math.isclose(step.loss_after, expected, rel_tol=1e-12, abs_tol=1e-12)
    assert step.updated.inputs.tolist() == step.network.inputs.tolist()


@pytest.mark.parametrize("path", [DEFAULT_FILE, *EXAMPLE_FILES], ids=lambda path: path.name)
def test_one_step_lowers_the_loss(path):
    data = read(path)
    step = training_step(load_network(path))
    assert math.isclose(step.loss, reference_network_loss(data), rel_tol=1e-12)
    assert step.loss_after < step.loss


def test_the_examples_are_found():
    assert MAZUR_FILE in EXAMPLE_FILES


# ------------------------------------------------------------ Matt Mazur's worked example


def within_published_digits(value: float, published: str) -> bool:
    """``value`` rounds to ``published`` at the digits published."""
    decimals = -Decimal(published).as_tuple().exponent
    return abs(Decimal(value) - Decimal(published)) <= Decimal(5) * Decimal(10) ** -(decimals + 1)


MAZUR_WEIGHTS = {
    # name: (layer, to, from), published value after one step with η = 0.5
    "w1": ((0, 0, 0), "0.149780716"),
    "w2": ((0, 0, 1), "0.19956143"),
    "w3": ((0, 1, 0), "0.24975114"),
    "w4": ((0, 1, 1), "0.29950229"),
    "w5": ((1, 0, 0), "0.35891648"),
    "w6": ((1, 0, 1), "0.408666186"),
    "w7": ((1, 1, 0), "0.511301270"),
    "w8": ((1, 1, 1), "0.561370121"),
}


def test_mazur_total_error_and_outputs():
    step = training_step(load_network(MAZUR_FILE))
    assert within_published_digits(step.loss, "0.298371109")
    hidden, output = step.before.layers
    assert within_published_digits(hidden.z[0], "0.3775")
    assert within_published_digits(hidden.a[0], "0.593269992")
    assert within_published_digits(hidden.a[1], "0.596884378")
    assert within_published_digits(output.a[0], "0.75136507")
    assert within_published_digits(output.a[1], "0.772928465")
    assert within_published_digits(step.gradients[1].weights[0, 0], "0.082167041")


@pytest.mark.parametrize("name", MAZUR_WEIGHTS)
def test_mazur_updated_weights(name):
    (layer, to, source), published = MAZUR_WEIGHTS[name]
    step = training_step(load_network(MAZUR_FILE))
    assert step.learning_rate == 0.5
    value = float(step.updated.weights[layer][to, source])
    assert within_published_digits(value, published), f"{name} = {value!r}, published {published}"


# ------------------------------------------------------------ derivatives


POINTS = (-2.5, -0.7, -0.05, 0.05, 0.4, 1.9)


@pytest.mark.parametrize("function", HIDDEN_FUNCTIONS)
def test_each_derivative_matches_finite_differences(function):
    slopes = derivative(function, np.array(POINTS))
    reference = REFERENCE_FUNCTIONS[function]
    module = ACTIVATIONS[function]
    for z, slope in zip(POINTS, slopes, strict=True):
        numeric = (reference(z + STEP) - reference(z - STEP)) / (2 * STEP)
        assert close(slope, numeric), f"{function}′({z})"
        # The module's own function has the same slope.
        own = (float(module(z + STEP)) - float(module(z - STEP))) / (2 * STEP)
        assert close(slope, own), f"{function}′({z}) against the module's {function}"


def test_relu_slope_at_its_kink_is_zero():
    assert derivative("relu", np.array([0.0])).tolist() == [0.0]


def test_an_unknown_function_has_no_derivative():
    with pytest.raises(ValueError, match="softplus"):
        derivative("softplus", np.array([1.0]))


# ------------------------------------------------------------ refusals


def default_data(**changes) -> dict:
    data = read(DEFAULT_FILE)
    data.update(changes)
    return data


def squared_error_data(**changes) -> dict:
    return default_data(output_activation="sigmoid", loss="squared_error", **changes)


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "network.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def assert_one_line(error: NetworkFileError, field: str, *parts: str) -> None:
    message = str(error)
    assert "\n" not in message
    assert error.field == field
    assert message.startswith(f"{error.source}: {field}: "), message
    for part in parts:
        assert part in message, f"{part!r} not in {message!r}"


def refused(tmp_path: Path, data: dict) -> NetworkFileError:
    path = write(tmp_path, data)
    with pytest.raises(NetworkFileError) as caught:
        load_network(path)
    assert caught.value.source == str(path)
    return caught.value


def test_without_a_target_the_forward_pass_runs_and_the_step_is_refused(tmp_path):
    data = default_data()
    del data["target"]
    path = write(tmp_path, data)
    network = load_network(path)
    assert network.target is None
    assert len(forward(network).layers) == 3
    with pytest.raises(NetworkFileError) as caught:
        training_step(network)
    assert_one_line(caught.value, "target", "missing field")
    assert caught.value.source == str(path)


@pytest.mark.parametrize(
    ("data", "field", "parts"),
    [
        pytest.param(default_data(target="Class 7"), "target", ["'Class 7'", "'Class 0'", "'Class 1'"], id="unknown"),
        pytest.param(default_data(target=2), "target", ["2", "out of range"], id="index-too-high"),
        pytest.param(default_data(target=-1), "target", ["-1", "out of range"], id="index-negative"),
        pytest.param(default_data(target=[0.0, 1.0]), "target", ["squared_error"], id="list-with-cross-entropy"),
        pytest.param(squared_error_data(target=[0.0, 1.0, 0.5]), "target", ["expected 2", "got 3"], id="list-too-long"),
        pytest.param(squared_error_data(target=[1.0]), "target", ["expected 2", "got 1"], id="list-too-short"),
        pytest.param(squared_error_data(target=[0.5, 1.5]), "target[1]", ["1.5", "0 to 1"], id="entry-above-1"),
        pytest.param(squared_error_data(target=[-0.1, 1.0]), "target[0]", ["-0.1", "0 to 1"], id="entry-below-0"),
        pytest.param(squared_error_data(target=[0.5, "1"]), "target[1]", ["the text '1'"], id="entry-text"),
        pytest.param(default_data(target=True), "target", ["boolean"], id="boolean"),
    ],
)
def test_a_bad_target_is_refused(tmp_path, data, field, parts):
    assert_one_line(refused(tmp_path, data), field, *parts)


@pytest.mark.parametrize(
    ("rate", "parts"),
    [
        pytest.param(0, ["0 is out of range"], id="zero"),
        pytest.param(-0.1, ["-0.1 is out of range"], id="negative"),
        pytest.param(10.5, ["10.5 is out of range", "at most 10"], id="above-10"),
        pytest.param("0.1", ["the text '0.1'"], id="text"),
        pytest.param(True, ["boolean"], id="boolean"),
        pytest.param(None, ["null"], id="null"),
        pytest.param([0.1], ["a list"], id="list"),
    ],
)
def test_a_bad_learning_rate_is_refused(tmp_path, rate, parts):
    assert_one_line(refused(tmp_path, default_data(learning_rate=rate)), "learning_rate", *parts)


def test_a_learning_rate_that_is_not_a_number_is_refused():
    with pytest.raises(NetworkFileError) as caught:
        parse_network(default_data(learning_rate=float("nan")), "nan.json")
    assert_one_line(caught.value, "learning_rate")


def test_the_learning_rate_may_be_10_and_defaults_to_a_tenth():
    assert parse_network(default_data(learning_rate=MAX_LEARNING_RATE)).learning_rate == 10.0
    data = default_data()
    del data["learning_rate"]
    assert parse_network(data).learning_rate == 0.1


@pytest.mark.parametrize(
    ("data", "field", "parts"),
    [
        pytest.param(default_data(loss="hinge"), "loss", ["'hinge'", '"cross_entropy"', '"squared_error"'], id="hinge"),
        pytest.param(default_data(loss="squared_error"), "loss", ['"squared_error"', "softmax"], id="after-softmax"),
        pytest.param(
            default_data(output_activation="sigmoid", loss="cross_entropy"),
            "loss",
            ['"cross_entropy"', "sigmoid"],
            id="after-sigmoid",
        ),
        pytest.param(default_data(output_activation="relu"), "output_activation", ["'relu'", '"softmax"'], id="output"),
    ],
)
def test_a_loss_or_output_that_does_not_fit_is_refused(tmp_path, data, field, parts):
    assert_one_line(refused(tmp_path, data), field, *parts)


def test_each_output_takes_its_loss_by_default():
    assert parse_network(default_data()).loss == "cross_entropy"
    data = default_data(output_activation="sigmoid")
    assert parse_network(data).loss == "squared_error"


def test_a_weight_beyond_10_after_the_update_names_it_and_asks_for_a_smaller_rate():
    # The default network's ∂L/∂W[0][0][1] is 1.03: -0.40 − 10 × 1.03 = −10.74, the first weight beyond ±10.
    network = parse_network(default_data(learning_rate=10), "big-step.json")
    with pytest.raises(NetworkFileError) as caught:
        training_step(network)
    assert_one_line(caught.value, "weights[0][0][1]", "-10.74", "after the update", "make learning_rate smaller")


def test_a_loss_beyond_99_99_is_refused():
    # z = 9.9 × 10 = 99 in the hidden layer, logits ±99: −log p_1 = 198.
    data = {
        "layer_sizes": [1, 1, 2],
        "inputs": [9.9],
        "weights": [[[10]], [[1], [-1]]],
        "biases": [[0], [0, 0]],
        "class_names": ["a", "b"],
        "target": "b",
        "learning_rate": 0.001,
    }
    with pytest.raises(NetworkFileError) as caught:
        training_step(parse_network(data, "huge-logits.json"))
    assert_one_line(caught.value, "loss", "198.00", "99.99")


def test_a_delta_beyond_99_99_is_refused():
    # δ of the output is (1, −1); back through 10 and −10 it is 20, back through 10 it is 200.
    data = {
        "layer_sizes": [1, 1, 1, 2],
        "inputs": [0.4],
        "weights": [[[1]], [[10]], [[10], [-10]]],
        "biases": [[0], [0], [0, 0]],
        "class_names": ["a", "b"],
        "target": "b",
        "learning_rate": 0.001,
    }
    with pytest.raises(NetworkFileError) as caught:
        training_step(parse_network(data, "huge-delta.json"))
    assert_one_line(caught.value, "hidden layer 1, δ[0]", "200.00", "99.99")


def test_what_flows_back_beyond_99_99_is_refused():
    # δ of the output is (1, −1), 9.9 and −9.9 make it 19.8 in layer 2, and 9.9 × 19.8 = 196.02 flows back into
    # layer 1, whose sigmoid is flat at z = −14.9: its δ is tiny, but Wᵀδ = 196.02 is shown.
    data = {
        "layer_sizes": [1, 1, 1, 2],
        "inputs": [1.0],
        "weights": [[[-9.9]], [[9.9]], [[9.9], [-9.9]]],
        "biases": [[-5], [4], [0, 0]],
        "class_names": ["a", "b"],
        "hidden_activation": ["sigmoid", "relu"],
        "target": "b",
        "learning_rate": 0.1,
    }
    with pytest.raises(NetworkFileError) as caught:
        training_step(parse_network(data, "huge-back.json"))
    assert_one_line(caught.value, "hidden layer 1, Wᵀδ[0]", "196.02", "99.99")
