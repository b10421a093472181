"""The Iris example's trainer: numpy only, the model's own gradients, the same files on every run."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

from network_model import forward, load_network

ROOT = Path(__file__).resolve().parent.parent
TRAINER = ROOT / "scripts" / "train_example.py"
EXAMPLES = ROOT / "assets" / "examples"


def train(out: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(TRAINER), "--out", str(out), *args], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return result.stdout


def digests(folder: Path) -> dict[str, str]:
    return {
        name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in ("iris.json", "iris.safetensors")
    }


def test_a_small_run_writes_a_network_that_loads_and_the_same_files_twice(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    train(first, "--epochs", "2", "--hidden", "3", "3")
    train(second, "--epochs", "2", "--hidden", "3", "3")
    assert digests(first) == digests(second)
    network = load_network(first / "iris.json")
    assert network.layer_sizes == (4, 3, 3, 3)
    assert network.input_names == ("sepal length", "sepal width", "petal length", "petal width")
    assert network.raw_inputs is not None


def test_the_shipped_example_is_what_the_trainer_writes_and_names_nine_flowers_in_ten(tmp_path):
    printed = train(tmp_path)
    assert digests(tmp_path) == digests(EXAMPLES)
    accuracy = float(re.search(r"accuracy on the 30 flowers kept apart: ([0-9.]+)%", printed)[1])
    assert accuracy >= 90.0, printed
    # The example's flower is a real one of the 30, which the network names right.
    network = load_network(EXAMPLES / "iris.json")
    rows = [line.split(",") for line in (ROOT / "assets" / "data" / "iris.csv").read_text().splitlines()[1:]]
    assert [float(v) for v in network.raw_inputs] in [[float(v) for v in row[:4]] for row in rows]
    assert forward(network).predicted_class == network.class_names[network.target_class]
