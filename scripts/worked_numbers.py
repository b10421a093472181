"""Print every number the forward and the backward video show, as a handout to work through by hand.

    .venv/bin/python scripts/worked_numbers.py                    # the default network
    .venv/bin/python scripts/worked_numbers.py assets/examples/sigmoid-squared-error.json
    .venv/bin/python scripts/worked_numbers.py --json > step.json # the same numbers at full precision

Without a file, the network is the one the videos use: ``$FORWARD_PASS_NETWORK``
if set, else ``assets/network.json``. The default output is Markdown with every
number at two decimals, as on screen: the inputs and parameters; ``z`` and ``a``
of every layer, the outputs and the prediction; the loss; for every layer from
the output back, ``δ`` (for a hidden layer from ``Wᵀδ`` and ``f′(z)``),
``∂L/∂W`` and ``∂L/∂b``; the learning rate, the steps ``η ∂L/∂W`` and
``η ∂L/∂b`` and the updated weights and biases; the forward pass after the
update and the new loss. ``--json`` gives the same numbers as floats at full
precision.

The numbers come from ``scenes/network_model.py``, as the videos' do (the steps
are ``η`` times its gradients, as on the update panel); the script does not
import manim. A file the videos would refuse, or one without a ``target``,
stops the script with one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

SCENES_DIR = Path(__file__).resolve().parent.parent / "scenes"
sys.path.insert(0, str(SCENES_DIR))

from network_model import (  # noqa: E402
    Network,
    NetworkFileError,
    format_value,
    load_network,
    training_step,
)

LOSS_FORMULAS = {"cross_entropy": "L = −log p_t", "squared_error": "E = ½ Σ (t − o)²"}
"""Each loss as the handout writes it: ``t`` is the target class, or the target output."""
LOSS_SYMBOLS = {"cross_entropy": "L", "squared_error": "E"}
OUTPUT_DELTAS = {"cross_entropy": "δ = p − t", "squared_error": "δ = (o − t) · o · (1 − o)"}
SLOPES = {
    "relu": "f′(z) = 1 for z > 0, else 0",
    "leaky_relu": "f′(z) = 1 for z > 0, else 0.1",
    "sigmoid": "f′(z) = a (1 − a)",
    "tanh": "f′(z) = 1 − a²",
}
SUPERSCRIPTS = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


# ---------------------------------------------------------------------- the numbers


def worked_numbers(network: Network) -> dict:
    """Every number of both videos for ``network``, at full precision, as plain JSON values.

    Raises :class:`NetworkFileError` when the network has no target or its
    training step goes beyond what the screen can show.
    """
    step = training_step(network)
    return {
        "network": {
            "source": network.source,
            "layer_sizes": list(network.layer_sizes),
            "hidden_activations": list(network.hidden_activations),
            "output_activation": network.output_activation,
            "loss": network.loss,
            "class_names": list(network.class_names),
            "target": network.target.tolist(),
            "target_class": network.target_class,
            "learning_rate": network.learning_rate,
            "inputs": network.inputs.tolist(),
            "weights": [matrix.tolist() for matrix in network.weights],
            "biases": [vector.tolist() for vector in network.biases],
        },
        "forward": _layers(step.before),
        "outputs": step.before.outputs.tolist(),
        "prediction": _prediction(step.before),
        "loss_formula": LOSS_FORMULAS[network.loss],
        "loss": step.loss,
        "backward": [
            {
                "layer": gradient.index,
                "delta": gradient.delta.tolist(),
                "back": None if gradient.back is None else gradient.back.tolist(),
                "slope": None if gradient.slope is None else gradient.slope.tolist(),
                "grad_weights": gradient.weights.tolist(),
                "grad_bias": gradient.bias.tolist(),
            }
            for gradient in reversed(step.gradients)
        ],
        "learning_rate": step.learning_rate,
        "updated": [
            {
                "layer": gradient.index,
                "step_weights": (step.learning_rate * gradient.weights).tolist(),
                "step_biases": (step.learning_rate * gradient.bias).tolist(),
                "weights": matrix.tolist(),
                "biases": vector.tolist(),
            }
            for gradient, matrix, vector in zip(step.gradients, step.updated.weights, step.updated.biases)
        ],
        "after": _layers(step.after),
        "outputs_after": step.after.outputs.tolist(),
        "prediction_after": _prediction(step.after),
        "loss_after": step.loss_after,
    }


def _layers(trace) -> list[dict]:
    return [
        {"layer": layer.index, "activation": layer.activation, "z": layer.z.tolist(), "a": layer.a.tolist()}
        for layer in trace.layers
    ]


def _prediction(trace) -> dict:
    """The predicted class, or ``None`` on a tie of the outputs as shown, with every class that shows the top output."""
    top = list(trace.top_classes)
    index = None if trace.is_tie else trace.prediction
    return {
        "index": index,
        "class": None if index is None else trace.network.class_names[index],
        "top_classes": top,
        "tie": trace.is_tie,
    }


# ---------------------------------------------------------------------- Markdown


def _value_symbol(layer: int, neuron: int) -> str:
    """``x₀`` for an input, ``a⁽¹⁾₀`` for a neuron of layer 1."""
    if layer == 0:
        return f"x{str(neuron).translate(SUBSCRIPTS)}"
    return f"a{f'({layer})'.translate(SUPERSCRIPTS)}{str(neuron).translate(SUBSCRIPTS)}"


def _layer_symbol(symbol: str, layer: int) -> str:
    """``W⁽¹⁾``."""
    return f"{symbol}{f'({layer})'.translate(SUPERSCRIPTS)}"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|")


def _table(header: list[str], rows: list[list[str]], labels: int = 1) -> list[str]:
    """A Markdown table: the first ``labels`` columns aligned left, the numbers after them right."""
    lines = ["| " + " | ".join(_cell(item) for item in header) + " |"]
    lines.append("|" + "|".join([":---"] * labels + ["---:"] * (len(header) - labels)) + "|")
    lines += ["| " + " | ".join(_cell(item) for item in row) + " |" for row in rows]
    return [*lines, ""]


def _vector_text(values: list[float]) -> str:
    return "(" + ", ".join(format_value(value) for value in values) + ")"


def _rate_text(rate: float) -> str:
    """``η`` at two decimals as on screen, ``0.10``; one that two decimals would change in full, ``0.005``."""
    text = format_value(rate)
    return text if float(text) == rate else f"{rate:g}"


def _output_symbol(numbers: dict) -> str:
    return "p" if numbers["network"]["output_activation"] == "softmax" else "o"


def _layer_heading(layer: int, activation: str, layer_count: int) -> str:
    role = "output layer" if layer == layer_count - 1 else "hidden layer"
    return f"Layer {layer}: {role}, {activation}"


def _parameter_table(layer: int, weights: list, biases: list) -> list[str]:
    header = ["neuron", *(_value_symbol(layer - 1, j) for j in range(len(weights[0]))), "b"]
    rows = [
        [str(i), *(format_value(w) for w in row), format_value(b)] for i, (row, b) in enumerate(zip(weights, biases))
    ]
    return _table(header, rows)


def _forward_tables(numbers: dict, layers: list[dict], outputs_key: str, prediction_key: str) -> list[str]:
    network = numbers["network"]
    count = len(network["layer_sizes"])
    names = network["class_names"]
    out = _output_symbol(numbers)
    lines = []
    for layer in layers:
        lines += [f"### {_layer_heading(layer['layer'], layer['activation'], count)}", ""]
        if layer["layer"] == count - 1:
            rows = [
                [str(i), names[i], format_value(z), format_value(a)]
                for i, (z, a) in enumerate(zip(layer["z"], layer["a"]))
            ]
            lines += _table(["neuron", "class", "z", out], rows, labels=2)
        else:
            rows = [[str(i), format_value(z), format_value(a)] for i, (z, a) in enumerate(zip(layer["z"], layer["a"]))]
            lines += _table(["neuron", "z", "a"], rows)
    prediction = numbers[prediction_key]
    outputs = numbers[outputs_key]
    if prediction["tie"]:
        tied = ", ".join(names[index] for index in prediction["top_classes"])
        shown = format_value(outputs[prediction["top_classes"][0]])
        lines += [f"Prediction: none, a tie of {tied} ({out} = {shown} each).", ""]
    else:
        index = prediction["index"]
        lines += [f"Prediction: **{names[index]}** (neuron {index}, {out} = {format_value(outputs[index])}).", ""]
    return lines


def _loss_lines(numbers: dict, outputs: list[float], loss: float) -> list[str]:
    network = numbers["network"]
    names = network["class_names"]
    target = network["target"]
    if network["loss"] == "cross_entropy":
        t = network["target_class"]
        worked = f"L = −log p{str(t).translate(SUBSCRIPTS)} = −log {format_value(outputs[t])}"
        where = f"The target is {names[t]}, neuron {t}."
    else:
        terms = " + ".join(f"({format_value(t)} − {format_value(o)})²" for t, o in zip(target, outputs))
        worked = f"E = ½ ({terms})"
        where = "t is the target output of each neuron, o its output."
    return [f"`{numbers['loss_formula']}`. {where}", "", f"{worked} = **{format_value(loss)}**", ""]


def markdown(numbers: dict) -> str:
    """The handout: every number of :func:`worked_numbers` at two decimals, as the videos show it."""
    network = numbers["network"]
    sizes = network["layer_sizes"]
    count = len(sizes)
    names = network["class_names"]
    loss_name = network["loss"]
    symbol = LOSS_SYMBOLS[loss_name]
    out = _output_symbol(numbers)
    rate = _rate_text(numbers["learning_rate"])
    target_text = f"t = {_vector_text(network['target'])}"
    if network["target_class"] is not None:
        target_text = f"{names[network['target_class']]} (neuron {network['target_class']}), {target_text}"

    lines = [
        f"# Worked numbers: {network['source']}",
        "",
        f"- Layers: {' → '.join(str(size) for size in sizes)}",
        f"- Hidden layers: {', '.join(network['hidden_activations'])}",
        f"- Output: {network['output_activation']}; loss: {loss_name.replace('_', ' ')}, `{numbers['loss_formula']}`",
        f"- Target: {target_text}",
        f"- Learning rate: η = {rate}",
        "",
        "Every number is rounded to two decimals, as on screen; work with the rounded numbers and your last digit "
        "may differ by 0.01. Neurons count from 0; layer 1 is the first hidden layer.",
        "",
        "## The network",
        "",
        "### Inputs",
        "",
    ]
    lines += _table([_value_symbol(0, j) for j in range(sizes[0])], [[format_value(x) for x in network["inputs"]]], 0)
    for layer, (weights, biases) in enumerate(zip(network["weights"], network["biases"]), 1):
        lines += [f"### {_layer_symbol('W', layer)} and {_layer_symbol('b', layer)}", ""]
        lines += _parameter_table(layer, weights, biases)

    lines += ["## Forward pass", "", "`z = W a + b`, then `a = f(z)` in every layer.", ""]
    lines += _forward_tables(numbers, numbers["forward"], "outputs", "prediction")

    lines += ["## Loss", ""]
    lines += _loss_lines(numbers, numbers["outputs"], numbers["loss"])

    lines += [
        "## Backward pass",
        "",
        f"`δ = ∂{symbol}/∂z` of every neuron, from the output back; `∂{symbol}/∂W = δ aᵀ` "
        f"(row: the neuron's δ, column: the input it weighs) and `∂{symbol}/∂b = δ`.",
        "",
    ]
    activations = [network["inputs"], *(layer["a"] for layer in numbers["forward"])]
    for gradient in numbers["backward"]:
        index = gradient["layer"]
        forward_layer = numbers["forward"][index - 1]
        lines += [f"### {_layer_heading(index, forward_layer['activation'], count)}", ""]
        if gradient["back"] is None:
            lines += [f"`{OUTPUT_DELTAS[loss_name]}`", ""]
            rows = [
                [str(i), names[i], format_value(t), format_value(o), format_value(d)]
                for i, (t, o, d) in enumerate(zip(network["target"], numbers["outputs"], gradient["delta"]))
            ]
            lines += _table(["neuron", "class", "t", out, "δ"], rows, labels=2)
        else:
            above = _layer_symbol("W", index + 1)
            lines += [
                f"`δ = ({above}ᵀ δ{f'({index + 1})'.translate(SUPERSCRIPTS)}) · f′(z)`, "
                f"`{SLOPES[forward_layer['activation']]}`",
                "",
            ]
            rows = [
                [str(i), format_value(z), format_value(back), format_value(slope), format_value(d)]
                for i, (z, back, slope, d) in enumerate(
                    zip(forward_layer["z"], gradient["back"], gradient["slope"], gradient["delta"])
                )
            ]
            lines += _table(["neuron", "z", "Wᵀδ", "f′(z)", "δ"], rows)
        inputs = activations[index - 1]
        header = [
            f"∂{symbol}/∂{_layer_symbol('W', index)}",
            *(f"{_value_symbol(index - 1, j)} = {format_value(a)}" for j, a in enumerate(inputs)),
        ]
        rows = [
            [f"δ{str(i).translate(SUBSCRIPTS)} = {format_value(d)}", *(format_value(g) for g in row)]
            for i, (d, row) in enumerate(zip(gradient["delta"], gradient["grad_weights"]))
        ]
        lines += _table(header, rows)
        lines += [f"∂{symbol}/∂{_layer_symbol('b', index)} = {_vector_text(gradient['grad_bias'])}", ""]

    lines += [
        "## Update",
        "",
        f"`W ← W − η ∂{symbol}/∂W` and `b ← b − η ∂{symbol}/∂b`, with η = {rate}.",
        "",
    ]
    for updated in numbers["updated"]:
        layer = updated["layer"]
        weights, bias = _layer_symbol("W", layer), _layer_symbol("b", layer)
        lines += [f"### Layer {layer}", "", f"η ∂{symbol}/∂{weights} and η ∂{symbol}/∂{bias}:", ""]
        lines += _parameter_table(layer, updated["step_weights"], updated["step_biases"])
        lines += [f"New {weights} and {bias}:", ""]
        lines += _parameter_table(layer, updated["weights"], updated["biases"])

    lines += ["## After the update", "", "The same inputs, through the new weights and biases.", ""]
    lines += _forward_tables(numbers, numbers["after"], "outputs_after", "prediction_after")
    lines += ["### Loss after the update", ""]
    lines += _loss_lines(numbers, numbers["outputs_after"], numbers["loss_after"])
    lines += [f"The loss went from {format_value(numbers['loss'])} to {format_value(numbers['loss_after'])}."]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------- JSON


def json_text(value, indent: int = 0) -> str:
    """``value`` as indented JSON, with every list of plain numbers (a vector, a row of a matrix) on one line."""
    pad, inner = " " * indent, " " * (indent + 2)
    if isinstance(value, dict) and value:
        items = [f"{inner}{json.dumps(key)}: {json_text(item, indent + 2)}" for key, item in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list) and value and any(isinstance(item, (list, dict)) for item in value):
        return "[\n" + ",\n".join(inner + json_text(item, indent + 2) for item in value) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False)


# ---------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "network",
        nargs="?",
        type=Path,
        help="a parameters file (default: $FORWARD_PASS_NETWORK, else assets/network.json)",
    )
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON, at full precision")
    args = parser.parse_args(argv)
    try:
        numbers = worked_numbers(load_network(args.network))
    except NetworkFileError as error:
        print(f"worked_numbers: error: {error}", file=sys.stderr)
        return 2
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    if args.json:
        print(json_text(numbers))
    else:
        print(markdown(numbers), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
