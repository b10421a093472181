"""Parameters from a weights file: safetensors and npz, as PyTorch names them, and every refusal.

Every file here is written by the test itself, with numpy and the safetensors
package's numpy API: no deep-learning framework is needed, and none is used.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from network_model import NetworkFileError, forward, load_network
from test_gradients import reference_forward

RNG = np.random.default_rng(20)
INPUTS = [0.5, -0.8, 0.3, 0.9]
CLASSES = ["setosa", "versicolor", "virginica"]


def sequential(names=("0", "2"), sizes=(4, 6, 3), dtype=np.float32) -> dict[str, np.ndarray]:
    """Tensors as an ``nn.Sequential(Linear, ReLU, Linear)`` saves them: ``(out, in)`` weights."""
    tensors = {}
    for name, n_in, n_out in zip(names, sizes, sizes[1:]):
        tensors[f"{name}.weight"] = RNG.uniform(-1, 1, (n_out, n_in)).astype(dtype)
        tensors[f"{name}.bias"] = RNG.uniform(-0.5, 0.5, n_out).astype(dtype)
    return tensors


def write(folder: Path, tensors: dict, name: str, **network) -> Path:
    """The weights file ``name`` and a network file beside it that names it; returns the network file."""
    weights = folder / name
    if name.endswith(".safetensors"):
        save_file(tensors, str(weights))
    elif name.endswith(".npz"):
        np.savez(weights, **tensors)
    else:
        weights.write_bytes(b"\x80\x04not really a pickle")
    spec = {"parameters": name, "inputs": INPUTS, "class_names": CLASSES, **network}
    path = folder / "network.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def refusal(path: Path) -> str:
    with pytest.raises(NetworkFileError) as caught:
        load_network(path)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("suffix", [".safetensors", ".npz"])
def test_a_sequential_model_loads_in_numeric_order_and_runs_forward_like_the_loops(tmp_path, suffix):
    tensors = sequential(names=("0", "2", "10"), sizes=(4, 6, 5, 3))
    network = load_network(write(tmp_path, tensors, f"mlp{suffix}"))
    assert network.layer_sizes == (4, 6, 5, 3)
    # 10 comes after 2: numbers, not text, give the order.
    for got, name in zip(network.weights, ("0", "2", "10")):
        assert np.array_equal(got, tensors[f"{name}.weight"].astype(float))
    expected = reference_forward(
        [tensors[f"{n}.weight"].tolist() for n in ("0", "2", "10")],
        [tensors[f"{n}.bias"].tolist() for n in ("0", "2", "10")],
        INPUTS,
        ["relu", "relu", "softmax"],
    )
    trace = forward(network)
    for layer, (z, a) in zip(trace.layers, expected):
        assert layer.z == pytest.approx(z, abs=1e-12)
        assert layer.a == pytest.approx(a, abs=1e-12)


def test_named_modules_take_the_order_the_network_file_gives(tmp_path):
    tensors = sequential(names=("out", "fc1"), sizes=(4, 6, 3))  # written in the wrong order on purpose
    renamed = {"fc1.weight": tensors["out.weight"], "fc1.bias": tensors["out.bias"]}
    renamed |= {"out.weight": tensors["fc1.weight"], "out.bias": tensors["fc1.bias"]}
    network = load_network(write(tmp_path, renamed, "mlp.safetensors", layers=["fc1", "out"]))
    assert network.layer_sizes == (4, 6, 3)
    assert np.array_equal(network.weights[0], renamed["fc1.weight"].astype(float))


def test_a_sequential_inside_a_module_is_numbered_by_its_last_part(tmp_path):
    tensors = {f"net.{key}": value for key, value in sequential().items()}
    assert load_network(write(tmp_path, tensors, "mlp.safetensors")).layer_sizes == (4, 6, 3)


def test_the_path_is_taken_relative_to_the_network_file(tmp_path, monkeypatch):
    (tmp_path / "models").mkdir()
    path = write(tmp_path / "models", sequential(), "mlp.npz")
    monkeypatch.chdir(tmp_path.parent)
    assert load_network(path).layer_sizes == (4, 6, 3)


def test_layer_sizes_given_too_must_agree(tmp_path):
    assert load_network(write(tmp_path, sequential(), "mlp.npz", layer_sizes=[4, 6, 3])).layer_sizes == (4, 6, 3)
    message = refusal(write(tmp_path, sequential(), "mlp.npz", layer_sizes=[4, 5, 3]))
    assert "layer_sizes: [4, 5, 3] does not agree with the weights file" in message
    assert "[4, 6, 3]" in message


# ---------------------------------------------------------------- refusals


def test_a_missing_weights_file(tmp_path):
    path = tmp_path / "network.json"
    path.write_text(json.dumps({"parameters": "gone.safetensors", "inputs": INPUTS, "class_names": CLASSES}))
    message = refusal(path)
    assert "parameters:" in message
    assert "gone.safetensors: file not found" in message


@pytest.mark.parametrize("suffix", [".pt", ".pth", ".pkl", ".bin"])
def test_a_pickle_is_refused_unread_with_the_line_that_saves_safetensors(tmp_path, suffix):
    message = refusal(write(tmp_path, {}, f"model{suffix}"))
    assert f"model{suffix}" in message
    assert "can run any code" in message
    assert 'save_file(model.state_dict(), "mlp.safetensors")' in message


def test_bfloat16_names_the_tensor(tmp_path):
    """There is no bfloat16 in numpy: the file is written by hand, as safetensors lays it out."""
    header = {"0.weight": {"dtype": "BF16", "shape": [1, 1], "data_offsets": [0, 2]}}
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    weights = tmp_path / "mlp.safetensors"
    weights.write_bytes(struct.pack("<Q", len(text)) + text + b"\x80\x3f")
    path = tmp_path / "network.json"
    path.write_text(json.dumps({"parameters": weights.name, "inputs": INPUTS, "class_names": CLASSES}))
    message = refusal(path)
    assert "0.weight: dtype BF16 cannot be read with numpy" in message
    assert "float32" in message


def test_shapes_that_do_not_chain_name_the_layer(tmp_path):
    tensors = sequential()
    tensors["2.weight"] = RNG.uniform(-1, 1, (3, 5)).astype(np.float32)
    message = refusal(write(tmp_path, tensors, "mlp.safetensors"))
    assert "2.weight: shape (3, 5) does not chain" in message
    assert "needs 6 inputs" in message


def test_a_missing_key(tmp_path):
    tensors = sequential()
    del tensors["2.bias"]
    assert "missing tensor '2.bias'" in refusal(write(tmp_path, tensors, "mlp.npz"))


def test_an_extra_key(tmp_path):
    tensors = sequential(names=("fc1", "out"))
    tensors["dropout.p"] = np.array([0.5], dtype=np.float32)
    message = refusal(write(tmp_path, tensors, "mlp.safetensors", layers=["fc1", "out"]))
    assert "unexpected tensor 'dropout.p'" in message


def test_names_without_numbers_need_their_order(tmp_path):
    message = refusal(write(tmp_path, sequential(names=("fc1", "out")), "mlp.safetensors"))
    assert "not numbered as nn.Sequential" in message
    assert '"layers"' in message


def test_both_a_weights_file_and_weights(tmp_path):
    path = write(tmp_path, sequential(), "mlp.npz", weights=[[[0.1] * 4] * 6, [[0.1] * 6] * 3])
    assert "a weights file and 'weights' are both given" in refusal(path)


def test_a_weight_beyond_the_bound_names_the_tensor_and_entry(tmp_path):
    tensors = sequential()
    tensors["0.weight"][1, 2] = 50.0
    message = refusal(write(tmp_path, tensors, "mlp.safetensors"))
    assert "0.weight[1][2]: 50 is out of range" in message


def test_an_npz_with_pickled_objects_is_refused(tmp_path):
    weights = tmp_path / "mlp.npz"
    np.savez(weights, **{"0.weight": np.array([{"a": 1}], dtype=object)})
    path = tmp_path / "network.json"
    path.write_text(json.dumps({"parameters": weights.name, "inputs": INPUTS, "class_names": CLASSES}))
    assert "can run any code" in refusal(path)


def test_nothing_in_the_render_path_imports_a_deep_learning_framework():
    import subprocess
    import sys

    code = (
        "import sys; sys.path.insert(0, 'scenes'); import network_model, forward_pass, backward_pass; "
        "print(sorted(name for name in ('torch', 'tensorflow', 'jax') if name in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"
