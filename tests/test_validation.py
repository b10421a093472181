"""Every kind of mistake in a parameters file or a PHASES table stops with a message that says where.

A :class:`NetworkFileError` names the file, the field and what is wrong; a
:class:`TimingError` names the phase. No manim import, so this file runs fast.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from network_model import Network, NetworkFileError, forward, load_network
from timeline import TimingError, check_phases

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "assets" / "network.json"

# The phases the scene plays, in order; written out here so that this file
# does not import the scene (and with it manim).
PHASE_NAMES = [
    "Intro",
    "Input layer",
    "Layer 1 forward",
    "Layer 2 forward",
    "Output layer",
    "Prediction",
    "Weight matrix",
    "Outro",
]
GOOD_PHASES = dict.fromkeys(PHASE_NAMES, 2.0)


def good_data() -> dict:
    return json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))


def write(tmp_path: Path, content: dict | str, name: str = "network.json") -> Path:
    path = tmp_path / name
    text = content if isinstance(content, str) else json.dumps(content, indent=2)
    path.write_text(text, encoding="utf-8")
    return path


def load_error(path: Path) -> NetworkFileError:
    with pytest.raises(NetworkFileError) as caught:
        load_network(path)
    return caught.value


def assert_names(error: Exception, *parts: str) -> None:
    message = str(error)
    assert "\n" not in message
    for part in parts:
        assert part in message, f"{part!r} not in {message!r}"


# --------------------------------------------------------------- the file


def test_good_file_loads(tmp_path):
    network = load_network(write(tmp_path, good_data()))
    assert network.layer_sizes == (3, 4, 4, 2)


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.json"
    error = load_error(path)
    assert_names(error, str(path), "not found")


def test_directory_instead_of_file(tmp_path):
    error = load_error(tmp_path)
    assert_names(error, str(tmp_path), "directory")


@pytest.mark.parametrize("line", [1, 3, 7])
def test_broken_json_names_the_line(tmp_path, line):
    lines = json.dumps(good_data(), indent=2).splitlines()
    assert len(lines) > line + 1
    lines[line - 1] = lines[line - 1] + " ]]"
    path = write(tmp_path, "\n".join(lines))
    error = load_error(path)
    assert_names(error, str(path), "invalid JSON", f"line {line},")


def test_empty_file(tmp_path):
    path = write(tmp_path, "")
    assert_names(load_error(path), str(path), "invalid JSON", "line 1,")


def test_top_level_not_an_object(tmp_path):
    path = write(tmp_path, "[3, 4, 4, 2]")
    assert_names(load_error(path), str(path), "JSON object", "a list of 4")


@pytest.mark.parametrize("field", ["layer_sizes", "inputs", "weights", "biases", "class_names"])
def test_missing_field(tmp_path, field):
    data = good_data()
    del data[field]
    path = write(tmp_path, data)
    error = load_error(path)
    assert error.field == field
    assert_names(error, str(path), f"{field}: missing field")


# ------------------------------------------------------------ layer sizes


@pytest.mark.parametrize("sizes", [[3, 2], [3], [], [3, 4, 4, 4, 4, 4, 2], [2] * 9])
def test_layer_count_outside_three_to_six(tmp_path, sizes):
    data = good_data()
    data["layer_sizes"] = sizes
    path = write(tmp_path, data)
    error = load_error(path)
    assert error.field == "layer_sizes"
    assert_names(error, str(path), "layer_sizes:", "expected 3 to 6 layers", f"got {len(sizes)}")


def seeded_data(sizes: list[int]) -> dict:
    data = good_data()
    del data["weights"], data["biases"]
    data.update(layer_sizes=sizes, inputs=[0.5] * sizes[0], seed=1, class_names=[f"C{i}" for i in range(sizes[-1])])
    data["target"] = "C1"
    return data


@pytest.mark.parametrize("sizes", [[3, 4, 2], [3, 4, 4, 2], [3, 4, 4, 4, 2], [8, 8, 8, 8, 8, 8]])
def test_three_to_six_layers_load(tmp_path, sizes):
    network = load_network(write(tmp_path, seeded_data(sizes)))
    assert network.layer_sizes == tuple(sizes)
    assert network.hidden_activations == ("relu",) * (len(sizes) - 2)


def test_last_layer_with_one_class_is_named_by_its_index(tmp_path):
    data = seeded_data([3, 4, 4, 4, 1])
    path = write(tmp_path, data)
    assert_names(load_error(path), str(path), "layer_sizes[4]:", "at least 2 classes", "got 1")


@pytest.mark.parametrize(("sizes", "expected"), [([3, 4, 2], 2), ([3, 4, 4, 4, 2], 4), ([3, 4, 4, 4, 4, 2], 5)])
def test_weights_follow_the_depth(tmp_path, sizes, expected):
    data = good_data()  # three weight matrices, for four layers
    data["layer_sizes"] = sizes
    path = write(tmp_path, data)
    error = load_error(path)
    assert error.field == "weights"
    assert_names(error, str(path), "weights:", f"expected {expected} layers", "got 3")


def test_biases_follow_the_depth(tmp_path):
    data = seeded_data([3, 4, 4, 4, 2])
    network = load_network(write(tmp_path, data))
    del data["seed"]
    data["weights"] = [matrix.tolist() for matrix in network.weights]
    data["biases"] = [vector.tolist() for vector in network.biases][:3]
    path = write(tmp_path, data)
    assert_names(load_error(path), str(path), "biases:", "expected 4 layers", "got 3")


# ------------------------------------------------------------ hidden_activation


@pytest.mark.parametrize("value", ["relu", "sigmoid", "tanh", "leaky_relu"])
def test_one_function_for_every_hidden_layer(tmp_path, value):
    data = seeded_data([3, 4, 4, 4, 2])
    data["hidden_activation"] = value
    assert load_network(write(tmp_path, data)).hidden_activations == (value,) * 3


def test_one_function_per_hidden_layer(tmp_path):
    data = seeded_data([3, 4, 4, 4, 4, 2])
    data["hidden_activation"] = ["tanh", "relu", "leaky_relu", "sigmoid"]
    network = load_network(write(tmp_path, data))
    assert network.hidden_activations == ("tanh", "relu", "leaky_relu", "sigmoid")


def test_without_the_field_hidden_layers_use_relu(tmp_path):
    data = good_data()
    data.pop("hidden_activation", None)
    assert load_network(write(tmp_path, data)).hidden_activations == ("relu", "relu")


@pytest.mark.parametrize(
    ("value", "field", "parts"),
    [
        ("softmax", "hidden_activation", ("unknown function 'softmax'", '"relu"', '"leaky_relu"')),
        ("ReLU", "hidden_activation", ("unknown function 'ReLU'",)),
        ("", "hidden_activation", ("unknown function ''",)),
        (["relu", "gelu"], "hidden_activation[1]", ("unknown function 'gelu'",)),
        (["relu"], "hidden_activation", ("one name per hidden layer", "2 for 2 hidden layers", "got 1")),
        (["relu", "tanh", "relu"], "hidden_activation", ("2 for 2 hidden layers", "got 3")),
        ([], "hidden_activation", ("got 0",)),
        (3, "hidden_activation", ("expected a function name", "3")),
        (None, "hidden_activation", ("expected a function name", "null")),
        (True, "hidden_activation", ("expected a function name", "true (a boolean)")),
        ({"name": "relu"}, "hidden_activation", ("expected a function name", "an object")),
        (["relu", 1], "hidden_activation[1]", ("expected a function name", "got 1")),
        (["relu", None], "hidden_activation[1]", ("expected a function name", "null")),
        ([["relu"], "tanh"], "hidden_activation[0]", ("expected a function name", "a list of 1")),
    ],
)
def test_bad_hidden_activation_names_the_field(tmp_path, value, field, parts):
    data = good_data()
    data["hidden_activation"] = value
    path = write(tmp_path, data)
    error = load_error(path)
    assert error.field == field
    assert_names(error, str(path), f"{field}:", *parts)


@pytest.mark.parametrize(("index", "size"), [(1, 0), (2, 9), (0, -1)])
def test_layer_size_out_of_range(tmp_path, index, size):
    data = good_data()
    data["layer_sizes"][index] = size
    path = write(tmp_path, data)
    error = load_error(path)
    assert error.field == f"layer_sizes[{index}]"
    assert_names(error, str(path), f"layer_sizes[{index}]:", f"{size} neurons", "1 to 8")


@pytest.mark.parametrize("sizes", [[3, 4, 4, "4"], [3, 4.5, 4, 2], [3, True, 4, 2], "3442"])
def test_layer_sizes_not_whole_numbers(tmp_path, sizes):
    data = good_data()
    data["layer_sizes"] = sizes
    path = write(tmp_path, data)
    assert_names(load_error(path), str(path), "layer_sizes:", "whole numbers")


def test_one_output_class(tmp_path):
    data = good_data()
    data["layer_sizes"][3] = 1
    path = write(tmp_path, data)
    assert_names(load_error(path), str(path), "layer_sizes[3]:", "at least 2 classes", "got 1")


# ---------------------------------------------------------------- vectors


@pytest.mark.parametrize("inputs", [[0.5, 0.8], [0.5, 0.8, 0.3, 0.1]])
def test_inputs_of_wrong_length(tmp_path, inputs):
    data = good_data()
    data["inputs"] = inputs
    path = write(tmp_path, data)
    error = load_error(path)
    assert error.field == "inputs"
    assert_names(error, str(path), "inputs:", "expected 3 numbers", f"got {len(inputs)}")


def test_inputs_not_a_list(tmp_path):
    data = good_data()
    data["inputs"] = 0.5
    path = write(tmp_path, data)
    assert_names(load_error(path), str(path), "inputs:", "expected a list of 3 numbers", "0.5")


def test_bias_of_wrong_length(tmp_path):
    data = good_data()
    data["biases"][2] = [0.05, -0.05, 0.1]
    path = write(tmp_path, data)
    error = load_error(path)
    assert error.field == "biases[2]"
    assert_names(error, str(path), "biases[2]:", "expected 2 numbers", "got 3")


def test_wrong_number_of_bias_vectors(tmp_path):
    data = good_data()
    data["biases"].pop()
    path = write(tmp_path, data)
    assert_names(load_error(path), str(path), "biases:", "expected 3 layers", "got 2")


# ----------------------------------------------------------------- matrices


def test_weight_matrix_with_a_missing_column(tmp_path):
    data = good_data()
    data["weights"][0] = [row[:2] for row in data["weights"][0]]
    path = write(tmp_path, data)
    error = load_error(path)
    assert error.field == "weights[0]"
    assert_names(error, str(path), "weights[0]:", "(4, 3)", "got (4, 2)")


def test_weight_matrix_transposed(tmp_path):
    data = good_data()
    data["weights"][2] = [list(column) for column in zip(*data["weights"][2], strict=True)]
    path = write(tmp_path, data)
    assert_names(load_error(path), str(path), "weights[2]:", "(2, 4)", "got (4, 2)")


def test_weight_matrix_with_a_ragged_row(tmp_path):
    data = good_data()
    data["weights"][1][2].append(0.1)
    path = write(tmp_path, data)
    assert_names(load_error(path), str(path), "weights[1]:", "(4, 4)", "unequal length")


def test_wrong_number_of_weight_matrices(tmp_path):
    data = good_data()
    data["weights"].append(data["weights"][-1])
    path = write(tmp_path, data)
    assert_names(load_error(path), str(path), "weights:", "expected 3 layers", "got 4")


@pytest.mark.parametrize(
    ("value", "kind"),
    [("0.4", "the text '0.4'"), (None, "null"), (True, "true (a boolean)"), ([0.4], "a list of 1")],
)
def test_non_number_in_a_matrix_names_the_index(tmp_path, value, kind):
    data = good_data()
    data["weights"][0][1][2] = value
    path = write(tmp_path, data)
    error = load_error(path)
    assert error.field == "weights[0][1][2]"
    assert_names(error, str(path), "weights[0][1][2]:", "expected a number", kind)


def test_non_number_in_a_vector_names_the_index(tmp_path):
    data = good_data()
    data["biases"][1][3] = "x"
    path = write(tmp_path, data)
    assert_names(load_error(path), str(path), "biases[1][3]:", "expected a number", "'x'")


# ---------------------------------------------------- NaN, Infinity, 1e999


def replace_number(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1
    return text.replace(old, new)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
def test_non_finite_weight_in_the_json_text(tmp_path, literal):
    # weights[1][2][3] is the only 0.3 that follows a -0.7 in the default file.
    text = json.dumps(good_data())
    text = replace_number(text, "-0.7, 0.3]", f"-0.7, {literal}]")
    path = write(tmp_path, text)
    error = load_error(path)
    assert error.field == "weights[1][2][3]"
    assert_names(error, str(path), "weights[1][2][3]:", "finite")


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "1e999"])
def test_non_finite_input_in_the_json_text(tmp_path, literal):
    text = replace_number(json.dumps(good_data()), '"inputs": [0.5, 0.8', f'"inputs": [{literal}, 0.8')
    path = write(tmp_path, text)
    assert_names(load_error(path), str(path), "inputs[0]:", "finite")


def test_nan_as_a_layer_size(tmp_path):
    text = replace_number(json.dumps(good_data()), '"layer_sizes": [3,', '"layer_sizes": [NaN,')
    path = write(tmp_path, text)
    assert_names(load_error(path), str(path), "layer_sizes:", "whole numbers")


# ------------------------------------------------------------- class names


@pytest.mark.parametrize("names", [["Cat"], ["Cat", "Dog", "Bird"], []])
def test_wrong_number_of_class_names(tmp_path, names):
    data = good_data()
    data["class_names"] = names
    path = write(tmp_path, data)
    error = load_error(path)
    assert error.field == "class_names"
    assert_names(error, str(path), "class_names:", "expected 2 names", f"got {len(names)}")


@pytest.mark.parametrize("name", ["", "   ", None, 3])
def test_empty_or_non_text_class_name(tmp_path, name):
    data = good_data()
    data["class_names"][1] = name
    path = write(tmp_path, data)
    error = load_error(path)
    assert error.field == "class_names[1]"
    assert_names(error, str(path), "class_names[1]:", "non-empty string")


def test_class_names_not_a_list(tmp_path):
    data = good_data()
    data["class_names"] = "Class 0, Class 1"
    path = write(tmp_path, data)
    assert_names(load_error(path), str(path), "class_names:", "expected a list of 2 names")


@pytest.mark.parametrize("seed", [-1, 1.5, "7", None])
def test_bad_seed(tmp_path, seed):
    data = good_data()
    del data["weights"], data["biases"]
    data["seed"] = seed
    path = write(tmp_path, data)
    assert_names(load_error(path), str(path), "seed:", "whole number")


def test_relative_path_is_shown_relative_to_the_working_directory(tmp_path, monkeypatch):
    data = good_data()
    del data["inputs"]
    (tmp_path / "assets").mkdir()
    write(tmp_path / "assets", data, "mine.json")
    monkeypatch.chdir(tmp_path)
    error = load_error(tmp_path / "assets" / "mine.json")
    assert str(error) == f"{Path('assets', 'mine.json')}: inputs: missing field"


# ------------------------------------------------------------------ PHASES


def test_good_phases_pass_in_scene_order():
    shuffled = dict(reversed(list(GOOD_PHASES.items())))
    shuffled["Outro"] = 3
    checked = check_phases(shuffled, PHASE_NAMES)
    assert list(checked) == PHASE_NAMES
    assert checked["Outro"] == 3.0
    assert isinstance(checked["Outro"], float)


@pytest.mark.parametrize("name", ["Intro", "Layer 2 forward", "Outro"])
def test_missing_phase(name):
    phases = dict(GOOD_PHASES)
    del phases[name]
    with pytest.raises(TimingError) as caught:
        check_phases(phases, PHASE_NAMES)
    assert_names(caught.value, "PHASES", repr(name), "missing")


def test_unknown_phase():
    phases = {**GOOD_PHASES, "Layer 3 forward": 2.0}
    with pytest.raises(TimingError) as caught:
        check_phases(phases, PHASE_NAMES)
    assert_names(caught.value, "PHASES", "'Layer 3 forward'", "unknown phase", "Intro")


def test_misspelled_phase_is_unknown_not_missing():
    phases = dict(GOOD_PHASES)
    phases["Output Layer"] = phases.pop("Output layer")
    with pytest.raises(TimingError) as caught:
        check_phases(phases, PHASE_NAMES)
    assert_names(caught.value, "'Output Layer'", "unknown")


@pytest.mark.parametrize(
    ("seconds", "problem"),
    [
        (0, "more than 0 s"),
        (0.0, "more than 0 s"),
        (-2.0, "more than 0 s"),
        (0.5, "at least 1 s"),
        ("3", "expected a number of seconds"),
        (None, "expected a number of seconds"),
        (math.nan, "expected a number of seconds"),
        (math.inf, "expected a number of seconds"),
        (True, "expected a number of seconds"),
        (False, "expected a number of seconds"),
    ],
)
def test_bad_duration_names_the_phase(seconds, problem):
    phases = {**GOOD_PHASES, "Prediction": seconds}
    with pytest.raises(TimingError) as caught:
        check_phases(phases, PHASE_NAMES)
    assert_names(caught.value, "PHASES['Prediction']", problem, repr(seconds))


def test_phases_not_a_mapping():
    with pytest.raises(TimingError) as caught:
        check_phases(list(GOOD_PHASES.items()), PHASE_NAMES)
    assert_names(caught.value, "PHASES", "mapping", "list")


# ------------------------------------------------ numbers that can be shown


@pytest.mark.parametrize(
    ("path", "value"),
    [(("weights", 0, 0, 0), 1e200), (("inputs", 0), 50), (("biases", 2, 1), -10.5), (("weights", 1, 3, 2), -11)],
)
def test_a_parameter_beyond_the_bound_names_its_field(tmp_path, path, value):
    data = good_data()
    *outer, last = path
    container = data
    for key in outer:
        container = container[key]
    container[last] = value
    field = path[0] + "".join(f"[{index}]" for index in path[1:])
    file = write(tmp_path, data)
    error = load_error(file)
    assert error.field == field
    assert_names(error, str(file), f"{field}:", "-10 to 10")


@pytest.mark.parametrize("value", [10, -10, 10.0, 9.999])
def test_a_parameter_at_the_bound_is_fine(tmp_path, value):
    data = good_data()
    data["inputs"] = [value, 0.0, 0.0]
    data["weights"][0] = [[0.1, 0.0, 0.0]] * 4
    load_network(write(tmp_path, data))


def test_a_weighted_sum_beyond_the_bound_names_the_layer_and_neuron(tmp_path):
    data = good_data()
    data["inputs"] = [10, 10, 10]
    data["weights"][0][2] = [4, 4, -0.5]  # z = 40 + 40 - 5 - 0.1 = 74.9: shown
    data["weights"][0][3] = [4, 4, 2.5]  # z = 40 + 40 + 25 + 0.05 = 105.05: beyond
    path = write(tmp_path, data)
    error = load_error(path)
    assert_names(error, str(path), "hidden layer 1, neuron 3", "105.05", "99.99")


def test_a_logit_beyond_the_bound_names_the_output_neuron(tmp_path):
    data = good_data()
    data["inputs"] = [10, 10, 10]  # every z of the hidden layers stays under 12
    data["weights"][2][1] = [-4.0, -4.0, -4.0, -4.0]
    path = write(tmp_path, data)
    error = load_error(path)
    assert_names(error, str(path), "output layer, neuron 1", "99.99")


def test_values_that_show_as_99_99_are_fine(tmp_path):
    data = good_data()
    data["inputs"] = [10, 10, 0]
    data["weights"][0] = [[0.0] * 3] * 4
    data["weights"][1] = [[0.0] * 4] * 4
    data["weights"][0][0] = [5, 4.999, 0]  # z = 99.99 + 0.1 = 100.09: beyond
    path = write(tmp_path, data)
    assert_names(load_error(path), "hidden layer 1, neuron 0", "100.09")
    data["weights"][0][0] = [5, 4.989, 0]  # z = 99.89 + 0.1 = 99.99
    load_network(write(tmp_path, data))


def test_a_non_finite_value_in_the_forward_pass_is_refused():
    # A file within the bounds cannot overflow; a network built in code can.
    from network_model import check_trace

    huge = np.full((4, 3), 1e200)
    network = Network(
        (3, 4, 4, 2),
        np.full(3, 1e200),
        (huge, np.ones((4, 4)), np.ones((2, 4))),
        (np.zeros(4), np.zeros(4), np.zeros(2)),
        ("a", "b"),
        "net.json",
    )
    with np.errstate(all="ignore"):
        trace = forward(network)
    with pytest.raises(NetworkFileError) as caught:
        check_trace(trace)
    assert_names(caught.value, "net.json", "hidden layer 1, neuron 0", "not a finite number")


# --------------------------------------------------------------- named and scaled inputs


def test_scaled_inputs_are_what_the_network_sees(tmp_path):
    data = good_data()
    data["inputs"] = [5.1, 3.5, 1.4]
    data["input_names"] = ["sepal length", "sepal width", "petal length"]
    data["input_scaling"] = {"mean": [5.84, 3.06, 3.76], "std": [0.83, 0.43, 1.76]}
    network = load_network(write(tmp_path, data))
    expected = [(x - m) / s for x, m, s in zip([5.1, 3.5, 1.4], [5.84, 3.06, 3.76], [0.83, 0.43, 1.76])]
    assert network.inputs.tolist() == pytest.approx(expected, abs=1e-12)
    assert network.raw_inputs.tolist() == [5.1, 3.5, 1.4]
    assert network.input_names == ("sepal length", "sepal width", "petal length")
    assert forward(network).layers[0].inputs.tolist() == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("change", "field", "parts"),
    [
        ({"input_names": ["a", "b"]}, "input_names", ("expected a list of 3 names",)),
        ({"input_names": ["a", " ", "c"]}, "input_names[1]", ("non-empty string",)),
        ({"input_scaling": {"mean": [0, 0], "std": [1, 1, 1]}}, "input_scaling.mean", ("expected 3 numbers",)),
        ({"input_scaling": {"mean": [0, 0, 0], "std": [1, 0, 1]}}, "input_scaling.std[1]", ("above 0",)),
        ({"input_scaling": {"mean": [0, 0, 0]}}, "input_scaling", ('"mean"', '"std"')),
        ({"input_scaling": {"mean": [0, 0, 0], "std": [0.01, 1, 1]}}, "inputs[0]", ("beyond ±10",)),
    ],
)
def test_bad_names_or_scaling_name_the_field(tmp_path, change, field, parts):
    data = good_data()
    data.update(change)
    error = load_error(write(tmp_path, data))
    assert error.field == field, str(error)
    assert_names(error, *parts)
