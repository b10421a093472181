"""scripts/worked_numbers.py, run as a user runs it, against a plain-Python computation of every number.

The script's numbers come from the network module; here they are computed
again with loops and the math module (the forward pass and the losses of
``test_gradients.py``, and a backward pass written out below), and the script
is only run, never imported. No manim.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from test_gradients import (
    central_difference,
    reference_forward,
    reference_functions,
    reference_loss,
    reference_loss_name,
    reference_sigmoid,
    reference_target,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
SCRIPT = REPO_ROOT / "scripts" / "worked_numbers.py"
DEFAULT_FILE = REPO_ROOT / "assets" / "network.json"
EXAMPLES = REPO_ROOT / "assets" / "examples"

REFERENCE_SLOPES = {
    "relu": lambda z: 1.0 if z > 0 else 0.0,
    "leaky_relu": lambda z: 1.0 if z > 0 else 0.1,
    "sigmoid": lambda z: reference_sigmoid(z) * (1.0 - reference_sigmoid(z)),
    "tanh": lambda z: 1.0 - math.tanh(z) ** 2,
}


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The script in a child process, from the repository root, as ``python scripts/worked_numbers.py ARGS``."""
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=REPO_ROOT,
        env=env if env is not None else os.environ.copy(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def two_decimals(value: float) -> str:
    """``value`` at two decimals, with no ``-0.00``: how the screen shows a number."""
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


# ------------------------------------------------------------ the reference


def reference_backward(data: dict) -> list[dict]:
    """``δ``, ``Wᵀδ``, ``f′(z)``, ``∂L/∂W`` and ``∂L/∂b`` of every layer with loops, the output layer's first."""
    functions = reference_functions(data)
    layers = reference_forward(data["weights"], data["biases"], data["inputs"], functions)
    activations = [[float(x) for x in data["inputs"]], *(a for _, a in layers)]
    target = reference_target(data)
    _, outputs = layers[-1]
    if reference_loss_name(data) == "cross_entropy":
        delta = [p - t for p, t in zip(outputs, target, strict=True)]
    else:
        delta = [(o - t) * o * (1.0 - o) for o, t in zip(outputs, target, strict=True)]
    back = slope = None
    found = []
    for index in range(len(layers), 0, -1):
        below = activations[index - 1]
        found.append(
            {
                "layer": index,
                "delta": delta,
                "back": back,
                "slope": slope,
                "grad_weights": [[d * x for x in below] for d in delta],
                "grad_bias": list(delta),
            }
        )
        if index > 1:
            weights = data["weights"][index - 1]
            back = [math.fsum(weights[i][j] * delta[i] for i in range(len(delta))) for j in range(len(below))]
            z_below = layers[index - 2][0]
            slope = [REFERENCE_SLOPES[functions[index - 2]](z) for z in z_below]
            delta = [b * s for b, s in zip(back, slope, strict=True)]
    return found


def reference_numbers(data: dict) -> dict:
    """Every number the script prints, computed with loops: before, gradients, update, after."""
    functions = reference_functions(data)
    loss = reference_loss_name(data)
    target = reference_target(data)
    rate = float(data.get("learning_rate", 0.1))
    before = reference_forward(data["weights"], data["biases"], data["inputs"], functions)
    backward = reference_backward(data)
    by_layer = {entry["layer"]: entry for entry in backward}
    order = range(1, len(data["weights"]) + 1)
    steps = [[[rate * g for g in row] for row in by_layer[index]["grad_weights"]] for index in order]
    bias_steps = [[rate * g for g in by_layer[index]["grad_bias"]] for index in order]
    weights = [
        [[w - step for w, step in zip(row, step_row)] for row, step_row in zip(matrix, layer_steps)]
        for matrix, layer_steps in zip(data["weights"], steps, strict=True)
    ]
    biases = [
        [b - step for b, step in zip(vector, layer_steps)] for vector, layer_steps in zip(data["biases"], bias_steps)
    ]
    after = reference_forward(weights, biases, data["inputs"], functions)
    return {
        "target": target,
        "forward": before,
        "loss": reference_loss(*before[-1], target, loss),
        "backward": backward,
        "learning_rate": rate,
        "steps": steps,
        "bias_steps": bias_steps,
        "weights": weights,
        "biases": biases,
        "after": after,
        "loss_after": reference_loss(*after[-1], target, loss),
    }


def assert_close(actual, expected, where: str) -> None:
    """Equal numbers, or equally nested lists of them, to 1e-12 (relative or absolute)."""
    if isinstance(expected, list):
        assert isinstance(actual, list), where
        assert len(actual) == len(expected), where
        for index, (a, e) in enumerate(zip(actual, expected)):
            assert_close(a, e, f"{where}[{index}]")
    else:
        assert math.isclose(actual, expected, rel_tol=1e-12, abs_tol=1e-12), f"{where}: {actual!r} != {expected!r}"


@pytest.mark.parametrize("path", [DEFAULT_FILE, EXAMPLES / "sigmoid-squared-error.json"], ids=lambda p: p.name)
def test_the_reference_backward_pass_matches_finite_differences(path):
    """The plain backward pass below is checked too, before it checks the script."""
    data = read(path)
    functions = reference_functions(data)
    target, loss = reference_target(data), reference_loss_name(data)

    def loss_of() -> float:
        layers = reference_forward(data["weights"], data["biases"], data["inputs"], functions)
        return reference_loss(*layers[-1], target, loss)

    for entry in reference_backward(data):
        for i, row in enumerate(data["weights"][entry["layer"] - 1]):
            for j in range(len(row)):
                numeric = central_difference(row, j, loss_of)
                assert math.isclose(entry["grad_weights"][i][j], numeric, rel_tol=1e-6, abs_tol=1e-7)


# ------------------------------------------------------------ --json


def check_json(numbers: dict, data: dict) -> None:
    expected = reference_numbers(data)
    count = len(data["layer_sizes"])
    network = numbers["network"]
    assert network["layer_sizes"] == data["layer_sizes"]
    assert network["inputs"] == data["inputs"]
    assert network["weights"] == data["weights"]
    assert network["biases"] == data["biases"]
    assert network["class_names"] == data["class_names"]
    assert network["hidden_activations"] == reference_functions(data)[:-1]
    assert network["output_activation"] == reference_functions(data)[-1]
    assert network["loss"] == reference_loss_name(data)
    assert network["target"] == expected["target"]
    assert network["learning_rate"] == expected["learning_rate"] == numbers["learning_rate"]

    for name, outputs in (("forward", "outputs"), ("after", "outputs_after")):
        layers = expected[name]
        assert [layer["layer"] for layer in numbers[name]] == list(range(1, count))
        for layer, (z, a) in zip(numbers[name], layers, strict=True):
            assert_close(layer["z"], z, f"{name} layer {layer['layer']} z")
            assert_close(layer["a"], a, f"{name} layer {layer['layer']} a")
        assert_close(numbers[outputs], layers[-1][1], outputs)
        top = max(range(len(layers[-1][1])), key=layers[-1][1].__getitem__)
        prediction = numbers["prediction" if name == "forward" else "prediction_after"]
        assert prediction["index"] == top
        assert prediction["class"] == data["class_names"][top]

    assert_close(numbers["loss"], expected["loss"], "loss")
    assert_close(numbers["loss_after"], expected["loss_after"], "loss_after")
    assert [entry["layer"] for entry in numbers["backward"]] == list(range(count - 1, 0, -1))
    for got, want in zip(numbers["backward"], expected["backward"], strict=True):
        for key in ("delta", "grad_weights", "grad_bias"):
            assert_close(got[key], want[key], f"backward layer {want['layer']} {key}")
        for key in ("back", "slope"):
            if want[key] is None:
                assert got[key] is None, f"backward layer {want['layer']} {key}"
            else:
                assert_close(got[key], want[key], f"backward layer {want['layer']} {key}")
    assert [entry["layer"] for entry in numbers["updated"]] == list(range(1, count))
    for index, entry in enumerate(numbers["updated"]):
        pairs = (("step_weights", "steps"), ("step_biases", "bias_steps"), ("weights", "weights"), ("biases", "biases"))
        for key, name in pairs:
            assert_close(entry[key], expected[name][index], f"updated layer {entry['layer']} {key}")


def test_json_of_the_default_network():
    result = run("--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    numbers = json.loads(result.stdout)
    assert numbers["network"]["source"] == "assets/network.json"
    assert numbers["loss_formula"] == "L = −log p_t"
    check_json(numbers, read(DEFAULT_FILE))


@pytest.mark.parametrize("name", ["sigmoid-squared-error.json", "mixed-functions.json"])
def test_json_of_an_example(name):
    result = run(str(EXAMPLES / name), "--json")
    assert result.returncode == 0, result.stderr
    numbers = json.loads(result.stdout)
    data = read(EXAMPLES / name)
    check_json(numbers, data)
    if reference_loss_name(data) == "squared_error":
        assert numbers["loss_formula"] == "E = ½ Σ (t − o)²"


def test_the_environment_variable_chooses_the_network():
    env = {**os.environ, "FORWARD_PASS_NETWORK": str(EXAMPLES / "sigmoid-squared-error.json")}
    result = run("--json", env=env)
    assert result.returncode == 0, result.stderr
    numbers = json.loads(result.stdout)
    assert numbers["network"]["class_names"] == ["o1", "o2"]
    assert math.isclose(numbers["loss"], 0.298371109, abs_tol=5e-10)


# ------------------------------------------------------------ Markdown


def table_rows(text: str) -> list[list[str]]:
    """Every row of every Markdown table, as its cells."""
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in text.splitlines() if line.startswith("|")]


def test_markdown_of_the_default_network_shows_the_numbers_at_two_decimals():
    result = run()
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "L = −log p₁ = −log 0.27 = **1.31**" in text
    assert "L = −log p₁ = −log 0.53 = **0.64**" in text
    assert "with η = 0.10." in text
    assert "`L = −log p_t`" in text
    rows = table_rows(text)
    # The output layer's δ = p − t: 0.73 − 0 and 0.27 − 1.
    assert ["0", "Class 0", "0.00", "0.73", "0.73"] in rows
    assert ["1", "Class 1", "1.00", "0.27", "-0.73"] in rows
    assert "-0.00" not in text
    for row in rows:
        for cell in row:
            for number in re.findall(r"-?\d+\.\d+", cell):
                assert re.fullmatch(r"-?\d+\.\d\d", number), f"{number} in {row}"
    for heading in ("## Forward pass", "## Loss", "## Backward pass", "## Update", "## After the update"):
        assert f"\n{heading}\n" in text


@pytest.mark.parametrize("path", [DEFAULT_FILE, EXAMPLES / "sigmoid-squared-error.json"], ids=lambda p: p.name)
def test_markdown_shows_every_number_of_the_reference(path):
    """Each number, at two decimals, is a cell of a table (or, for the losses and ∂L/∂b, in the text)."""
    result = run(str(path))
    assert result.returncode == 0, result.stderr
    text = result.stdout
    cells = {cell for row in table_rows(text) for cell in row}
    expected = reference_numbers(read(path))

    def shown(values) -> None:
        if isinstance(values, list):
            for value in values:
                shown(value)
        else:
            assert two_decimals(values) in cells, f"{two_decimals(values)} is in no table"

    for z, a in [*expected["forward"], *expected["after"]]:
        shown(z)
        shown(a)
    for entry in expected["backward"]:
        shown(entry["delta"])
        shown(entry["grad_weights"])
        if entry["back"] is not None:
            shown(entry["back"])
            shown(entry["slope"])
        assert "(" + ", ".join(two_decimals(value) for value in entry["grad_bias"]) + ")" in text
    for name in ("steps", "bias_steps", "weights", "biases"):
        shown(expected[name])
    assert f" = **{two_decimals(expected['loss'])}**" in text
    assert f" = **{two_decimals(expected['loss_after'])}**" in text
    assert f"η = {two_decimals(expected['learning_rate'])}" in text


def test_markdown_of_squared_error_names_its_formula_and_its_deltas():
    result = run(str(EXAMPLES / "sigmoid-squared-error.json"))
    assert result.returncode == 0, result.stderr
    assert "`E = ½ Σ (t − o)²`" in result.stdout
    assert "E = ½ ((0.01 − 0.75)² + (0.99 − 0.77)²) = **0.30**" in result.stdout
    rows = table_rows(result.stdout)
    assert ["0", "o1", "0.01", "0.75", "0.14"] in rows
    assert ["1", "o2", "0.99", "0.77", "-0.04"] in rows


# ------------------------------------------------------------ refusals


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "network.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def without_target() -> dict:
    data = read(DEFAULT_FILE)
    del data["target"]
    return data


def with_weight(value: float) -> dict:
    data = read(DEFAULT_FILE)
    data["weights"][0][1][2] = value
    return data


@pytest.mark.parametrize(
    ("data", "field", "mode"),
    [
        pytest.param({**read(DEFAULT_FILE), "learning_rate": 0}, "learning_rate", [], id="learning-rate"),
        pytest.param({**read(DEFAULT_FILE), "learning_rate": 0}, "learning_rate", ["--json"], id="learning-rate-json"),
        pytest.param(without_target(), "target", [], id="no-target"),
        pytest.param(without_target(), "target", ["--json"], id="no-target-json"),
        pytest.param({**read(DEFAULT_FILE), "target": "Class 9"}, "target", [], id="unknown-target"),
        pytest.param(with_weight(12.5), "weights[0][1][2]", [], id="weight"),
        pytest.param({**read(DEFAULT_FILE), "learning_rate": 10}, "weights[0][0][1]", [], id="step-too-large"),
        pytest.param({**read(DEFAULT_FILE), "loss": "squared_error"}, "loss", [], id="loss"),
    ],
)
def test_a_bad_file_is_one_line_and_exit_2(tmp_path, data, field, mode):
    path = write(tmp_path, data)
    result = run(str(path), *mode)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"worked_numbers: error: {path}: {field}: "), lines[0]


def test_a_missing_file_is_one_line_and_exit_2(tmp_path):
    result = run(str(tmp_path / "nowhere.json"))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"worked_numbers: error: {tmp_path / 'nowhere.json'}: file not found"]


def test_the_script_does_not_import_manim():
    code = (
        "import runpy, sys\n"
        f"sys.argv = [{str(SCRIPT)!r}, '--json']\n"
        "try:\n"
        f"    runpy.run_path({str(SCRIPT)!r}, run_name='__main__')\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
        "sys.exit(3 if 'manim' in sys.modules else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
