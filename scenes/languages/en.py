"""English: the default language."""

from languages import FunctionWords, Language

LANGUAGE = Language(
    code="en",
    name="English",
    fonts=("sans-serif",),
    font_hint=(
        "install a font that has them (for Chinese, Japanese or Korean: apt-get install -y fonts-noto-cjk, "
        "or bash scripts/setup.sh --cjk)"
    ),
    functions={
        "relu": FunctionWords(
            name="ReLU",
            described="ReLU",
            positive="ReLU keeps it",
            otherwise="ReLU clips it to 0",
        ),
        "sigmoid": FunctionWords(
            name="sigmoid",
            described="the sigmoid σ",
            positive="the sigmoid squeezes it between 0 and 1",
            otherwise="the sigmoid squeezes it between 0 and 1",
        ),
        "tanh": FunctionWords(
            name="tanh",
            described="tanh",
            positive="tanh squeezes it between -1 and 1, keeping its sign",
            otherwise="tanh squeezes it between -1 and 1, keeping its sign",
        ),
        "leaky_relu": FunctionWords(
            name="leaky ReLU",
            described="leaky ReLU (slope {slope} below zero)",
            positive="leaky ReLU keeps it",
            otherwise="leaky ReLU lets {slope} of it through",
        ),
    },
    # on screen
    title="Neural Network Forward Pass",
    architecture="architecture [{sizes}]  ·  {hidden}  ·  {output} output",
    hidden_same="{name} {layers}",
    hidden_each="{layers}: {names}",
    hidden_layers=("hidden layer", "hidden layers"),
    input_layer="Input",
    hidden_layer="Hidden {index}",
    output_layer="Output",
    layer_caption="layer",
    activation_caption="activation",
    scaled_caption="scaled",
    input_caption="input",
    prediction="prediction: {name}, with probability {probability}",
    tie="tie: {names}, each with {quantity} {probability}",
    summary="x = {inputs}  →  {name}, p = {probability}",
    summary_tie="x = {inputs}  →  tie: {names}, {symbol} = {probability} each",
    prediction_output="prediction: {name}, the largest output, {probability}",
    summary_output="x = {inputs}  →  {name}, o = {probability}",
    list_separator=", ",
    list_last="{rest} and {last}",
    many_classes="{count} classes",
    quantities=("probability", "output"),
    # subtitles, fullest first
    intro_same="{described} in the {layers}",
    intro_each="{described} in hidden layer {index}",
    say_intro=(
        "A fully connected network with layers of {sizes} neurons: {functions}, {output} at the output.",
        "A fully connected [{sizes}] network: {functions}, {output} at the output.",
        "A fully connected [{sizes}] network: {names}, then {output}.",
        "A [{sizes}] network: {names}, then {output}.",
        "[{sizes}]: {names}, {output}",
    ),
    say_inputs=(
        "The input x = {vector} enters the input neurons.",
        "Input: x = {vector}",
        "x = {vector}",
    ),
    say_inputs_named=(
        "The inputs enter the input neurons: {named}.",
        "Inputs: {named}",
        "x = {vector}",
    ),
    say_layer=(
        "Hidden layer {layer}: every neuron adds up its weighted inputs and a bias, z = Wx + b.",
        "Hidden layer {layer}: z = Wx + b",
        "Into hidden layer {layer}",
        "Layer {layer}",
    ),
    say_worked_sum=(
        "Neuron {neuron} of layer {layer}: z = {sum} = {z}",
        "Neuron {neuron}: z = {sum} = {z}",
        "Neuron {neuron}: z = {sum_short} = {z}",
        "Neuron {neuron}: z = {z}",
    ),
    say_activation=(
        "{verdict}: a = {a}. Hidden layer {layer}: a = {values}.",
        "{verdict}: a = {a}. Layer {layer}: a = {values}",
        "{verdict}. Layer {layer}: a = {values}",
        "Layer {layer}: a = {values}",
        "a = {values}",
    ),
    say_logits=(
        "The output layer computes one logit per class: z = {logits}.",
        "Output layer: z = {logits}",
        "Logits z = {logits}",
        "Output layer",
    ),
    say_softmax=(
        "Softmax turns the logits into probabilities: p = {probabilities}.",
        "Softmax: p = {probabilities}",
        "p = {probabilities}",
    ),
    say_prediction=(
        "The prediction is {name}, with probability {probability}.",
        "Prediction: {name}, p = {probability}",
        "{name}, p = {probability}",
    ),
    say_tie=(
        "A tie: {names} each have {quantity} {probability}, so the network predicts no single class.",
        "A tie: {names}, each with {quantity} {probability}.",
        "A tie: {names}, {symbol} = {probability}",
    ),
    say_matrix=(
        "Layer {layer} as one matrix product: each row of W holds the weights into one neuron.",
        "Layer {layer} as a matrix product: each row of W feeds one neuron.",
        "Layer {layer} as a matrix product",
        "z = Wx + b",
    ),
    say_outro=(
        "The whole forward pass: x = {inputs} gives {name}, with probability {probability}.",
        "The whole pass: x = {inputs} gives {name}, p = {probability}",
        "{name}, with probability {probability}",
        "{name}, p = {probability}",
    ),
    say_outro_tie=(
        "The whole forward pass: x = {inputs} gives a tie: {names}, each with {quantity} {probability}.",
        "x = {inputs} gives a tie: {names}, {symbol} = {probability}",
        "A tie: {names}, {symbol} = {probability}",
    ),
    say_sigmoid_output=(
        "The sigmoid squeezes each logit between 0 and 1: o = {probabilities}.",
        "Sigmoid: o = {probabilities}",
        "o = {probabilities}",
    ),
    say_prediction_output=(
        "The prediction is {name}, the largest output: {probability}.",
        "Prediction: {name}, o = {probability}",
        "{name}, o = {probability}",
    ),
    say_outro_output=(
        "The whole forward pass: x = {inputs} gives {name}, with output {probability}.",
        "The whole pass: x = {inputs} gives {name}, o = {probability}",
        "{name}, o = {probability}",
    ),
    # the backward pass, on screen
    backward_title="Neural Network Backward Pass",
    loss_caption="loss",
    error_caption="output error",
    backward_caption="backward",
    slope_caption="derivative",
    gradient_caption="gradient",
    update_caption="update",
    rate_caption="step size",
    summary_step_class="one step, η = {rate}:   p({name}) {before} → {after},   loss {loss} → {loss_after}",
    summary_step_outputs="one step, η = {rate}:   outputs {before} → {after},   loss {loss} → {loss_after}",
    # the backward pass, subtitles
    say_recap=(
        "Where the forward pass ended: x = {inputs} gives {name}, with p = {probability}.",
        "The forward pass: x = {inputs} gives {name}, p = {probability}",
        "{name}, p = {probability}",
    ),
    say_recap_output=(
        "Where the forward pass ended: x = {inputs} gives {name}, with output o = {probability}.",
        "The forward pass: x = {inputs} gives {name}, o = {probability}",
        "{name}, o = {probability}",
    ),
    say_loss_class=(
        "The right answer is {name}. The loss is L = −log p{index} = −log {probability} = {loss}.",
        "Target {name}: L = −log {probability} = {loss}",
        "L = {loss}",
    ),
    say_loss_outputs=(
        "The targets are t = {targets}. The loss is E = ½ Σ (t − o)² = {loss}.",
        "Targets t = {targets}: E = {loss}",
        "E = {loss}",
    ),
    say_output_error=(
        "Each output neuron's error is δ = ∂L/∂z = p − y: δ = {deltas}.",
        "Output error δ = p − y = {deltas}",
        "δ = {deltas}",
    ),
    say_output_error_sigmoid=(
        "Each output neuron's error is δ = ∂E/∂z = (o − t) · o(1 − o): δ = {deltas}.",
        "Output error δ = (o − t) · o(1 − o) = {deltas}",
        "δ = {deltas}",
    ),
    say_backward=(
        "The errors flow back into hidden layer {layer}, along the same weights.",
        "Back into hidden layer {layer}",
        "Layer {layer}",
    ),
    say_backward_neuron=(
        "Neuron {neuron} of layer {layer}: Wᵀδ = {back}, times f′(z) = {slope}, gives δ = {delta}.",
        "Neuron {neuron}: δ = {back} · {slope} = {delta}",
        "δ = {delta}",
    ),
    say_backward_clipped=(
        "ReLU clipped neuron {neuron} of layer {layer} (z = {z}), so f′(z) = 0: the {back} that reaches it goes no further.",
        "ReLU clipped neuron {neuron} (z = {z}): f′(z) = 0, so δ = 0",
        "f′(z) = 0, so δ = 0",
    ),
    say_backward_layer=(
        "Every neuron of hidden layer {layer} takes its δ: {deltas}.",
        "Layer {layer}: δ = {deltas}",
        "δ = {deltas}",
    ),
    say_weight_gradients=(
        "The gradient of layer {layer}'s weights is δ aᵀ: one row per neuron, one column per input.",
        "Layer {layer}: ∂{symbol}/∂W = δ aᵀ",
        "∂{symbol}/∂W = δ aᵀ",
    ),
    say_gradient_entry=(
        "Each entry is its row's δ times its column's a: {delta} · {a} = {gradient}. The edges glow by its size.",
        "Each entry is δ times a: {delta} · {a} = {gradient}",
        "{delta} · {a} = {gradient}",
    ),
    say_update=(
        "One step of gradient descent: every weight and bias moves against its gradient, W ← W − {rate} · ∂{symbol}/∂W.",
        "Gradient descent: W ← W − {rate} · ∂{symbol}/∂W",
        "W ← W − {rate} · ∂{symbol}/∂W",
    ),
    say_forward_again=(
        "The same input, forward again: the outputs go from {before} to {after}, the loss from {loss} to {loss_after}.",
        "Forward again: {before} → {after}, loss {loss} → {loss_after}",
        "Loss {loss} → {loss_after}",
    ),
    say_outro_class=(
        "One step with η = {rate}: p of {name} went from {before} to {after}, and the loss from {loss} to {loss_after}.",
        "One step: p({name}) {before} → {after}, loss {loss} → {loss_after}",
        "Loss {loss} → {loss_after}",
    ),
    say_outro_outputs=(
        "One step with η = {rate}: the loss went from {loss} to {loss_after}.",
        "One step: loss {loss} → {loss_after}",
        "Loss {loss} → {loss_after}",
    ),
)
