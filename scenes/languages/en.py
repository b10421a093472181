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
    architecture="architecture [{sizes}]  ·  {hidden}  ·  softmax output",
    hidden_same="{name} {layers}",
    hidden_each="{layers}: {names}",
    hidden_layers=("hidden layer", "hidden layers"),
    input_layer="Input",
    hidden_layer="Hidden {index}",
    output_layer="Output",
    layer_caption="layer",
    activation_caption="activation",
    input_caption="input",
    prediction="prediction: {name}, with probability {probability}",
    tie="tie: {names}, each with probability {probability}",
    summary="x = {inputs}  →  {name}, p = {probability}",
    summary_tie="x = {inputs}  →  tie: {names}, p = {probability} each",
    list_separator=", ",
    list_last="{rest} and {last}",
    many_classes="{count} classes",
    # subtitles, fullest first
    intro_same="{described} in the {layers}",
    intro_each="{described} in hidden layer {index}",
    say_intro=(
        "A fully connected network with layers of {sizes} neurons: {functions}, softmax at the output.",
        "A fully connected [{sizes}] network: {functions}, softmax at the output.",
        "A fully connected [{sizes}] network: {names}, then softmax.",
        "A [{sizes}] network: {names}, then softmax.",
        "[{sizes}]: {names}, softmax",
    ),
    say_inputs=(
        "The input x = {vector} enters the input neurons.",
        "Input: x = {vector}",
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
        "A tie: {names} each have probability {probability}, so the network predicts no single class.",
        "A tie: {names}, each with probability {probability}.",
        "A tie: {names}, p = {probability}",
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
        "The whole forward pass: x = {inputs} gives a tie: {names}, each with probability {probability}.",
        "x = {inputs} gives a tie: {names}, p = {probability}",
        "A tie: {names}, p = {probability}",
    ),
)
