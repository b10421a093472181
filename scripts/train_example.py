"""Train the Iris example: a small network on Fisher's measurements, with numpy and the model's own gradients.

Run from the repository root::

    python scripts/train_example.py

It reads ``assets/data/iris.csv``, keeps 30 flowers apart (10 of each species,
drawn with a fixed seed), scales the four measurements by the mean and standard
deviation of the other 120, and trains a [4, 6, 6, 3] ReLU network with softmax
and cross-entropy by plain stochastic gradient descent, each step computed by
:func:`network_model.backpropagate`, the code the backward pass animates. Then it
writes

``assets/examples/iris.safetensors``
    The weights and biases, named as PyTorch's ``nn.Sequential`` names them
    (``0.weight``, ``0.bias``, ``2.weight``, ...), in float32.
``assets/examples/iris.json``
    The network file: the measurements' names and scaling, the species, and as
    its input a real flower from the 30 kept apart (of those it names right, the
    one it is least sure of), with its species as the target.

and prints the accuracy on the 30 flowers kept apart. Everything is seeded, so a
second run writes the same two files, byte for byte.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scenes"))

from network_model import Network, backpropagate, forward, load_network  # noqa: E402

DATA = ROOT / "assets" / "data" / "iris.csv"
OUT = ROOT / "assets" / "examples"
INPUT_NAMES = ["sepal length", "sepal width", "petal length", "petal width"]
SPECIES = ["Iris setosa", "Iris versicolor", "Iris virginica"]
SEED = 1936
HELD_OUT_PER_SPECIES = 10
HIDDEN = (6, 6)
EPOCHS = 150
LEARNING_RATE = 0.02
SHOWN_LEARNING_RATE = 0.01
"""The η of the training step that the backward pass shows on the example flower."""


def read_iris(path: Path = DATA) -> tuple[np.ndarray, np.ndarray]:
    """The measurements, one row per flower, and each flower's species index."""
    rows = path.read_text(encoding="utf-8").strip().splitlines()[1:]
    values = np.array([[float(v) for v in row.split(",")] for row in rows])
    return values[:, :4], values[:, 4].astype(int)


def split(species: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the flowers to train on and of the ones kept apart: the same count of each species."""
    held = np.concatenate(
        [rng.permutation(np.flatnonzero(species == kind))[:HELD_OUT_PER_SPECIES] for kind in range(len(SPECIES))]
    )
    train = np.setdiff1d(np.arange(len(species)), held)
    return train, np.sort(held)


def train(
    x: np.ndarray, y: np.ndarray, rng: np.random.Generator, hidden=HIDDEN, epochs=EPOCHS, rate=LEARNING_RATE
) -> Network:
    """A network trained on scaled ``x`` and species ``y`` by stochastic gradient descent, one flower a step."""
    sizes = (x.shape[1], *hidden, len(SPECIES))
    weights = [rng.normal(0.0, np.sqrt(2.0 / n_in), (n_out, n_in)) for n_in, n_out in zip(sizes, sizes[1:])]
    biases = [np.zeros(n_out) for n_out in sizes[1:]]
    network = Network(sizes, x[0], tuple(weights), tuple(biases), tuple(SPECIES), "<training>")
    targets = np.eye(len(SPECIES))
    for _ in range(epochs):
        for index in rng.permutation(len(x)):
            step = replace(network, inputs=x[index], target=targets[y[index]])
            gradients = backpropagate(forward(step), step.target, step.loss)
            network = replace(
                network,
                weights=tuple(w - rate * g.weights for w, g in zip(network.weights, gradients)),
                biases=tuple(b - rate * g.bias for b, g in zip(network.biases, gradients)),
            )
    return network


def accuracy(network: Network, x: np.ndarray, y: np.ndarray) -> float:
    hits = sum(forward(replace(network, inputs=row)).prediction == kind for row, kind in zip(x, y))
    return hits / len(y)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where to write iris.safetensors and iris.json")
    parser.add_argument("--epochs", type=int, default=EPOCHS, help=f"passes over the training flowers ({EPOCHS})")
    parser.add_argument("--hidden", type=int, nargs="+", default=list(HIDDEN), help="hidden layer sizes (6 6)")
    args = parser.parse_args(argv)
    from safetensors.numpy import save_file

    rng = np.random.default_rng(SEED)
    measurements, species = read_iris()
    train_rows, held_rows = split(species, rng)
    mean = measurements[train_rows].mean(axis=0).round(2)
    std = measurements[train_rows].std(axis=0).round(2)
    scaled = (measurements - mean) / std
    network = train(scaled[train_rows], species[train_rows], rng, tuple(args.hidden), args.epochs)

    args.out.mkdir(parents=True, exist_ok=True)
    tensors = {}
    for layer, (w, b) in enumerate(zip(network.weights, network.biases)):
        # nn.Sequential(Linear, ReLU, Linear, ReLU, Linear) numbers its Linear layers 0, 2, 4.
        tensors[f"{2 * layer}.weight"] = np.ascontiguousarray(w, dtype=np.float32)
        tensors[f"{2 * layer}.bias"] = np.ascontiguousarray(b, dtype=np.float32)
    weights_file = args.out / "iris.safetensors"
    # One metadata entry: the header is written from a hash map, and several would come out in any order.
    source = f"scripts/train_example.py, seed {SEED}, on Fisher's Iris (assets/data/iris.csv)"
    save_file(tensors, str(weights_file), metadata={"source": source})

    # The example's flower: of the kept-apart flowers the network names right, the one it is least sure of,
    # so that the training step on it has something to learn. Its measurements as written in the data.
    def sureness(row: int) -> float:
        return float(forward(replace(network, inputs=scaled[row])).probabilities[species[row]])

    named_right = [int(i) for i in held_rows if forward(replace(network, inputs=scaled[i])).prediction == species[i]]
    flower = min(named_right, key=sureness)
    spec = {
        "parameters": weights_file.name,
        "hidden_activation": "relu",
        "inputs": measurements[flower].tolist(),
        "input_names": INPUT_NAMES,
        "input_scaling": {"mean": mean.tolist(), "std": std.tolist()},
        "class_names": SPECIES,
        "target": SPECIES[species[flower]],
        "learning_rate": SHOWN_LEARNING_RATE,
    }
    network_file = args.out / "iris.json"
    network_file.write_text(json.dumps(spec, indent=2) + "\n", encoding="utf-8")

    # Measured on the weights as written: float32, read back as the render reads them.
    written = load_network(network_file)
    held = accuracy(written, scaled[held_rows], species[held_rows])
    trained = accuracy(written, scaled[train_rows], species[train_rows])
    result = forward(written)
    print(f"train_example: wrote {weights_file} and {network_file}")
    print(
        f"train_example: accuracy on the {len(held_rows)} flowers kept apart: {held:.1%} (training flowers: {trained:.1%})"
    )
    print(
        f"train_example: the example flower {measurements[flower].tolist()} is {SPECIES[species[flower]]}; "
        f"the network says {result.predicted_class}, p = {result.probabilities[result.prediction]:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
