"""简体中文: Simplified Chinese. It needs a font with CJK glyphs, such as Noto Sans CJK SC."""

from languages import FunctionWords, Language

LANGUAGE = Language(
    code="zh",
    name="Chinese",
    fonts=(
        "Noto Sans CJK SC",
        "Source Han Sans SC",
        "Source Han Sans CN",
        "PingFang SC",
        "Microsoft YaHei",
        "WenQuanYi Zen Hei",
        "WenQuanYi Micro Hei",
        "sans-serif",
    ),
    font_hint="install a CJK font with: apt-get install -y fonts-noto-cjk (or: bash scripts/setup.sh --cjk)",
    functions={
        "relu": FunctionWords(
            name="ReLU",
            described="ReLU",
            positive="ReLU 保留它",
            otherwise="ReLU 把它截为 0",
        ),
        "sigmoid": FunctionWords(
            name="sigmoid",
            described="sigmoid 函数 σ",
            positive="sigmoid 把它压到 0 和 1 之间",
            otherwise="sigmoid 把它压到 0 和 1 之间",
        ),
        "tanh": FunctionWords(
            name="tanh",
            described="tanh",
            positive="tanh 把它压到 -1 和 1 之间，符号不变",
            otherwise="tanh 把它压到 -1 和 1 之间，符号不变",
        ),
        "leaky_relu": FunctionWords(
            name="leaky ReLU",
            described="leaky ReLU（负半轴斜率 {slope}）",
            positive="leaky ReLU 保留它",
            otherwise="leaky ReLU 只让它的 {slope} 倍通过",
        ),
    },
    # on screen
    title="神经网络的前向传播",
    architecture="结构 [{sizes}]  ·  {hidden}  ·  输出层 softmax",
    hidden_same="{layers} {name}",
    hidden_each="{layers}：{names}",
    hidden_layers=("隐藏层", "隐藏层"),
    input_layer="输入层",
    hidden_layer="隐藏层 {index}",
    output_layer="输出层",
    layer_caption="加权和",
    activation_caption="激活函数",
    input_caption="输入",
    prediction="预测：{name}，概率 {probability}",
    tie="平局：{names}，概率都是 {probability}",
    summary="x = {inputs}  →  {name}，p = {probability}",
    summary_tie="x = {inputs}  →  平局：{names}，p 都是 {probability}",
    list_separator="、",
    list_last="{rest} 和 {last}",
    many_classes="{count} 个类别",
    # subtitles, fullest first
    intro_same="{layers}用 {described}",
    intro_each="隐藏层 {index} 用 {described}",
    say_intro=(
        "全连接网络，各层有 {sizes} 个神经元：{functions}，输出层用 softmax。",
        "一个全连接的 [{sizes}] 网络：{functions}，输出层用 softmax。",
        "[{sizes}] 网络：先 {names}，再 softmax。",
        "[{sizes}]：{names}，softmax",
    ),
    say_inputs=(
        "输入 x = {vector} 进入输入层的神经元。",
        "输入 x = {vector}",
        "x = {vector}",
    ),
    say_layer=(
        "隐藏层 {layer}：z = Wx + b",
        "进入隐藏层 {layer}",
        "第 {layer} 层",
    ),
    say_worked_sum=(
        "第 {layer} 层的神经元 {neuron}：z = {sum} = {z}",
        "神经元 {neuron}：z = {sum} = {z}",
        "神经元 {neuron}：z = {sum_short} = {z}",
        "神经元 {neuron}：z = {z}",
    ),
    say_activation=(
        "{verdict}：a = {a}。隐藏层 {layer}：a = {values}。",
        "{verdict}：a = {a}。第 {layer} 层：a = {values}",
        "{verdict}。第 {layer} 层：a = {values}",
        "第 {layer} 层：a = {values}",
        "a = {values}",
    ),
    say_logits=(
        "输出层为每个类别算出一个 logit：z = {logits}。",
        "输出层：z = {logits}",
        "输出层",
    ),
    say_softmax=(
        "softmax 把 logit 变成概率：p = {probabilities}。",
        "softmax：p = {probabilities}",
        "p = {probabilities}",
    ),
    say_prediction=(
        "预测结果是 {name}，概率为 {probability}。",
        "预测：{name}，p = {probability}",
        "{name}，p = {probability}",
    ),
    say_tie=(
        "平局：{names} 的概率都是 {probability}，网络不预测单一类别。",
        "平局：{names}，概率都是 {probability}。",
        "平局：{names}，p = {probability}",
    ),
    say_matrix=(
        "把第 {layer} 层写成矩阵乘法：W 的每一行是进入一个神经元的权重。",
        "第 {layer} 层的矩阵形式：W 的每一行对应一个神经元。",
        "第 {layer} 层的矩阵形式",
    ),
    say_outro=(
        "完整的前向传播：x = {inputs}，得到 {name}，概率为 {probability}。",
        "x = {inputs} → {name}，p = {probability}",
        "{name}，概率为 {probability}",
    ),
    say_outro_tie=(
        "完整的前向传播：x = {inputs}，结果是平局：{names}，概率都是 {probability}。",
        "x = {inputs} → 平局：{names}，p = {probability}",
        "平局：{names}，p = {probability}",
    ),
)
