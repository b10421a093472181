"""Time and size renders of ForwardPassScene (or BackwardPassScene) against a blank scene of the same length, on two manim releases.

    .venv/bin/python scripts/benchmark.py                  # everything, on .venv and .venv-newest: 15-25 minutes
    .venv/bin/python scripts/benchmark.py --quick          # only the 480p15 (-ql) measurements
    .venv/bin/python scripts/benchmark.py --python .venv/bin/python   # one environment only
    .venv/bin/python scripts/benchmark.py --json bench.json
    .venv/bin/python scripts/benchmark.py --speedups       # what each speed-up of scenes/speedups.py saves, alone off
    .venv/bin/python scripts/benchmark.py --rerender-without skipped_plays_draw_nothing --repeat 2
    .venv/bin/python scripts/benchmark.py --scene backward  # the training step, against a blank scene of its length

Each environment given with ``--python`` (by default ``.venv``, the pinned manim,
and ``.venv-newest``, the newest, whichever exist) is measured in the same run,
one measurement after the other in turn, so that both columns of the table see
the same load. Every measurement is a fresh ``python -m manim ... --silent``
child process of that environment, run from the repository root (so
``manim.cfg`` applies) with its own temporary ``--media_dir``, so no cache
carries over between measurements unless a measurement is about the cache:

* floor: a blank scene, ``self.wait(<sum of PHASES>)``, at -qh and at -ql;
* the first -ql and the first -qh render of a fresh clone, as a new user runs
  the README's command: no LaTeX cache, an empty animation cache. The -ql one
  leaves the caches that the measurements below start from, as a lecturer's
  next render finds them: manim's ``Tex`` and ``texts`` folders, the SVG files
  of the formulas and of the texts (and what was parsed from them), without
  the videos;
* the full scene at -qh and at -ql with ``--disable_caching``, LaTeX warm: wall
  time, ratio to the floor, and the child's peak resident memory;
* with caching on: a cold -qh render, then a re-render into the same media
  directory after one timing edit (``PHASES["Layer 2 forward"]`` 8 s -> 9 s; ``"Layer 2 backward"`` 9 s -> 10 s),
  as a share of the cold render. The edit is made, as a lecturer would make it,
  in the run's own copy of ``scenes/forward_pass.py``; the repository is never touched.

All renders use a copy of ``scenes/`` and ``assets/`` taken when the run starts,
so an edit saved to the working tree halfway through cannot make the renders of
one run disagree (it would, for instance, look like a cache miss).

The machine may be busy with other work, so compare the ratios, which are
measured within one run, rather than seconds across runs; the load average
before and after is printed with the table. The exit code is 0 whatever the
goals say (this is a report), and 1 only if a render fails. This is not part of
the test suite.
"""

from __future__ import annotations

import argparse
import ast
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENE_MODULE = "forward_pass"
SCENE_CLASS = "ForwardPassScene"
STORIES = {
    "forward": ("forward_pass", "ForwardPassScene", "Layer 2 forward", 9.0),
    "backward": ("backward_pass", "BackwardPassScene", "Layer 2 backward", 10.0),
}
"""Each story's module and scene, and the timing edit of its re-render: a phase and its new seconds."""

WARM_CACHES = ("Tex", "texts")
"""The folders of an earlier render's media folder that a "LaTeX warm" render starts from."""
EDITED_PHASE = "Layer 2 forward"
EDITED_SECONDS = 9.0

GOAL_QH_OVER_FLOOR = 1.3
GOAL_FIRST_QH_OVER_FLOOR = 1.3
GOAL_PEAK_MEMORY_BYTES = 1e9  # 1 GB
GOAL_QL_OVER_FLOOR = 2.5
GOAL_FIRST_QL_OVER_FLOOR = 4.0
GOAL_RERENDER_SHARE = 0.3
DEFAULT_PYTHONS = (".venv/bin/python", ".venv-newest/bin/python")


class RenderFailed(RuntimeError):
    pass


@dataclass
class Render:
    """One child render: wall and CPU seconds, peak resident memory, and what it wrote."""

    label: str
    wall_s: float
    cpu_s: float
    max_rss_bytes: int
    media_dir: str
    plays: int = 0
    partial_movies_before: int = 0
    partial_movies_after: int = 0
    new_partial_movies: int = 0


# ---------------------------------------------------------------------- scenes


def snapshot(workdir: Path) -> Path:
    """Copy ``scenes/`` and ``assets/`` into ``workdir``; returns the copied scenes folder.

    ``network_model`` finds ``assets/network.json`` beside its own folder, so the
    copy reads the copied network.
    """
    target = workdir / "snapshot"
    shutil.copytree(ROOT / "scenes", target / "scenes", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    if (ROOT / "assets").is_dir():
        shutil.copytree(ROOT / "assets", target / "assets")
    return target / "scenes"


def git_state() -> str:
    """The commit the run measures, and whether scenes/ or assets/ differ from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "scenes", "assets"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return f"{head}{' with uncommitted changes in scenes/ or assets/' if dirty else ''}"


def scene_seconds(scenes: Path) -> float:
    """The length of the video: the sum of ``ForwardPassScene.PHASES``."""
    try:
        tree = ast.parse((scenes / f"{SCENE_MODULE}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name == SCENE_CLASS:
                for statement in node.body:
                    targets = (
                        statement.targets
                        if isinstance(statement, ast.Assign)
                        else [statement.target]
                        if isinstance(statement, ast.AnnAssign)
                        else []
                    )
                    if any(isinstance(t, ast.Name) and t.id == "PHASES" for t in targets):
                        return float(sum(ast.literal_eval(statement.value).values()))
    except (OSError, SyntaxError, ValueError, AttributeError):
        pass
    # PHASES is not a plain literal: ask the scene itself, in a child so this
    # process never imports manim.
    code = f"import {SCENE_MODULE}; print(sum({SCENE_MODULE}.{SCENE_CLASS}.PHASES.values()))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=child_env(scenes), capture_output=True, text=True, check=True
    )
    return float(result.stdout.strip().splitlines()[-1])


def write_blank_scene(path: Path, seconds: float) -> None:
    path.write_text(
        textwrap.dedent(
            f"""\
            from manim import Scene


            class Blank(Scene):
                def construct(self):
                    self.wait({seconds!r})
            """
        ),
        encoding="utf-8",
    )


def edit_phase_seconds(scene_file: Path, phase: str, seconds: float) -> str:
    """Change one entry of ``PHASES`` in the scene file, as a lecturer would; return the old text.

    The edit is made in the run's own copy of ``scenes/``, never in the repository.
    """
    original = scene_file.read_text(encoding="utf-8")
    pattern = re.compile(r"([\"']" + re.escape(phase) + r"[\"']\s*:\s*)([0-9.]+)")
    edited, count = pattern.subn(lambda match: f"{match.group(1)}{seconds!r}", original, count=1)
    if count != 1:
        raise RenderFailed(f"cannot find the PHASES entry of {phase!r} in {scene_file}")
    scene_file.write_text(edited, encoding="utf-8")
    return original


# ---------------------------------------------------------------------- running


def child_env(scenes: Path) -> dict[str, str]:
    env = dict(os.environ)
    path = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(scenes) + (os.pathsep + path if path else "")
    # The timing module is rewritten in place; never let a stale .pyc stand in for it.
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def partial_movies(media_dir: Path, scene: str) -> set[str]:
    """The cached partial movies of ``scene``: one file per distinct play-call hash."""
    return {p.name for p in media_dir.glob(f"videos/*/*/partial_movie_files/{scene}/*.mp4")}


def count_plays(media_dir: Path, scene: str) -> int:
    """The play and wait calls of the last render, from the list manim concatenates."""
    return sum(
        line.startswith("file ")
        for listing in media_dir.glob(f"videos/*/*/partial_movie_files/{scene}/partial_movie_file_list.txt")
        for line in listing.read_text(encoding="utf-8").splitlines()
    )


def render(
    python: str,
    label: str,
    scene_file: Path,
    scene: str,
    quality: str,
    media_dir: Path,
    log_dir: Path,
    scenes: Path,
    *,
    caching: bool,
    launcher: list[str] | None = None,
) -> Render:
    """Render in a child process; wall time from this side, CPU and peak memory from ``wait4``.

    ``wait4`` reports the child together with the processes it waited for (latex,
    dvisvgm); ``ru_maxrss`` is then the largest of them, which is manim itself.
    """
    command = [python, *(launcher or ["-m", "manim"]), quality, "--silent", "--media_dir", str(media_dir)]
    if not caching:
        command.append("--disable_caching")
    command += [str(scene_file), scene]
    existing = partial_movies(media_dir, scene)
    log_path = log_dir / (label.replace(" ", "_").replace("/", "_") + ".log")
    print(f"  {label} ...", end="", flush=True)
    with open(log_path, "wb") as log:
        start = time.perf_counter()
        child = subprocess.Popen(
            command, cwd=ROOT, env=child_env(scenes), stdin=subprocess.DEVNULL, stdout=log, stderr=log
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        print(" failed")
        tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-25:]
        raise RenderFailed(
            f"{label}: manim exited with {child.returncode}\n  command: {' '.join(command)}\n"
            + "\n".join("  | " + line for line in tail)
        )
    after = partial_movies(media_dir, scene)
    result = Render(
        label=label,
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        max_rss_bytes=usage.ru_maxrss * 1024,  # KiB on Linux
        media_dir=str(media_dir),
        plays=count_plays(media_dir, scene),
        partial_movies_before=len(existing),
        partial_movies_after=len(after),
        new_partial_movies=len(after - existing),
    )
    print(f" {wall:6.1f} s wall, {result.cpu_s:6.1f} s CPU, {result.max_rss_bytes / 1e6:6.0f} MB peak")
    return result


def best_of(runs: list[Render]) -> Render:
    """The fastest of repeated measurements (the one least disturbed by other load)."""
    return min(runs, key=lambda r: r.wall_s)


# ---------------------------------------------------------------------- report


def fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


@dataclass
class Row:
    """One line of the table: a measure, its goal, and one cell per environment."""

    measure: str
    goal: str = ""
    cells: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def cell(seconds: float | None = None, ratio: float | None = None, value: str = "", passed: bool | None = None) -> str:
    parts = []
    if seconds is not None:
        parts.append(f"{seconds:.1f} s")
    if ratio is not None:
        parts.append(f"{ratio:.2f}")
    if value:
        parts.append(value)
    if passed is not None:
        parts.append("pass" if passed else "FAIL")
    return "  ".join(parts) or "-"


def print_table(headers: list[str], rows: list[Row]) -> None:
    table = [("measure", "goal", *headers)] + [(r.measure, r.goal, *r.cells) for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    for index, line in enumerate(table):
        print("  ".join(value.ljust(width) for value, width in zip(line, widths)).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))
    notes = [f"  {r.measure}: {note}" for r in rows for note in r.notes]
    if notes:
        print("\nnotes:")
        print("\n".join(notes))


def manim_version(python: str) -> str:
    """The manim release installed for ``python``, asked of that interpreter (importing manim is slow)."""
    code = "from importlib.metadata import version; print(version('manim'))"
    result = subprocess.run([python, "-c", code], capture_output=True, text=True)
    return result.stdout.strip() or "unknown"


# ---------------------------------------------------------------------- the run


@dataclass
class Environment:
    """One manim environment under test, and what was measured on it."""

    python: str
    version: str
    latex_cache: Path
    renders: dict[str, Render] = field(default_factory=dict)


def new_media(path: Path, env: Environment, latex: bool) -> Path:
    """A new media folder at ``path``; with ``latex``, holding the formula and text caches of ``env``'s first render."""
    path.mkdir()
    if latex and env.latex_cache.exists():
        for cache in env.latex_cache.iterdir():
            shutil.copytree(cache, path / cache.name)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark ForwardPassScene against a blank scene, on each manim environment (a report, not a test)."
    )
    parser.add_argument("--quick", action="store_true", help="only the 480p15 (-ql) measurements")
    parser.add_argument(
        "--scene", choices=list(STORIES), default="forward", help="the story to measure: the forward pass (default)"
    )
    parser.add_argument(
        "--python",
        action="append",
        metavar="PATH",
        help="the Python of an environment to measure (repeatable); default: .venv and .venv-newest, where they exist",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the numbers to PATH")
    parser.add_argument(
        "--repeat", type=int, default=1, metavar="N", help="render each measurement N times and keep the fastest"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary media folders and logs")
    parser.add_argument(
        "--speedups",
        action="store_true",
        help="instead: what each speed-up saves, rendering with it alone turned off (see measure_speedups)",
    )
    parser.add_argument(
        "--rerender-without",
        metavar="FLAG",
        help="instead: a -qh re-render after one timing edit, with every speed-up on and with FLAG off (see measure_rerender)",
    )
    args = parser.parse_args(argv)
    global SCENE_MODULE, SCENE_CLASS, EDITED_PHASE, EDITED_SECONDS
    SCENE_MODULE, SCENE_CLASS, EDITED_PHASE, EDITED_SECONDS = STORIES[args.scene]
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    pythons = args.python or [str(ROOT / path) for path in DEFAULT_PYTHONS if (ROOT / path).exists()]
    if not pythons:
        parser.error("no environment to measure: run scripts/setup.sh --newest, or give --python")

    started = datetime.datetime.now().astimezone()
    load_before = os.getloadavg()
    workdir = Path(tempfile.mkdtemp(prefix="forward-pass-bench-"))
    code = git_state()
    scenes = snapshot(workdir)
    scene_file = scenes / f"{SCENE_MODULE}.py"
    seconds = scene_seconds(scenes)
    environments = [
        Environment(python, manim_version(python), workdir / f"latex-cache-{index}")
        for index, python in enumerate(pythons)
    ]
    print(f"{SCENE_CLASS} benchmark: {seconds:g} s of video, {'quick (-ql only)' if args.quick else 'full'}")
    print(f"code: scenes/ and assets/ as at {started:%H:%M:%S}, commit {code}")
    print("manim: " + ", ".join(f"{env.version} ({env.python})" for env in environments))

    logs = workdir / "logs"
    logs.mkdir()
    if args.speedups or args.rerender_without:
        measure_what = measure_speedups if args.speedups else measure_rerender
        try:
            return measure_what(environments, workdir, scenes, scene_file, logs, args)
        finally:
            if not args.keep:
                shutil.rmtree(workdir, ignore_errors=True)
    blank_file = workdir / "blank_scene.py"
    write_blank_scene(blank_file, seconds)
    counter = iter(range(1_000_000))

    def fresh_media(env: Environment, latex: bool) -> Path:
        return new_media(workdir / f"media-{next(counter):02d}", env, latex)

    def one(env: Environment, label: str, file: Path, scene: str, quality: str, *, caching: bool, latex: bool):
        label = f"{env.version}: {label}"
        return render(env.python, label, file, scene, quality, fresh_media(env, latex), logs, scenes, caching=caching)

    def measure(key: str, label: str, file: Path, scene: str, quality: str, caching: bool = False, latex=True):
        """The fastest of ``--repeat`` renders, on every environment in turn."""
        runs = {env.version: [] for env in environments}
        for i in range(args.repeat):
            for env in environments:
                suffix = "" if args.repeat == 1 else f" #{i + 1}"
                runs[env.version].append(one(env, label + suffix, file, scene, quality, caching=caching, latex=latex))
        for env in environments:
            best = best_of(runs[env.version])
            best.max_rss_bytes = max(r.max_rss_bytes for r in runs[env.version])
            env.renders[key] = best

    try:
        # A fresh clone's first renders: no LaTeX cache, an empty animation cache.
        measure("first_ql", "first -ql, fresh clone", scene_file, SCENE_CLASS, "-ql", caching=True, latex=False)
        for env in environments:
            for cache in WARM_CACHES:
                left = Path(env.renders["first_ql"].media_dir) / cache
                if left.is_dir():
                    shutil.copytree(left, env.latex_cache / cache)
        if not args.quick:
            measure("floor_qh", "floor -qh (blank)", blank_file, "Blank", "-qh")
            measure("first_qh", "first -qh, fresh clone", scene_file, SCENE_CLASS, "-qh", caching=True, latex=False)
            measure("full_qh", "full -qh, LaTeX warm, no cache", scene_file, SCENE_CLASS, "-qh")
        measure("floor_ql", "floor -ql (blank)", blank_file, "Blank", "-ql")
        measure("full_ql", "full -ql, LaTeX warm, no cache", scene_file, SCENE_CLASS, "-ql")
        if not args.quick:
            pairs = {env.version: [] for env in environments}
            for i in range(args.repeat):
                suffix = "" if args.repeat == 1 else f" #{i + 1}"
                media = {}
                for env in environments:
                    media[env.version] = fresh_media(env, latex=True)
                    cold = render(
                        env.python,
                        f"{env.version}: cached -qh, cold{suffix}",
                        scene_file,
                        SCENE_CLASS,
                        "-qh",
                        media[env.version],
                        logs,
                        scenes,
                        caching=True,
                    )
                    pairs[env.version].append([cold])
                original = edit_phase_seconds(scene_file, EDITED_PHASE, EDITED_SECONDS)
                try:
                    for env in environments:
                        edit = render(
                            env.python,
                            f"{env.version}: cached -qh, after timing edit{suffix}",
                            scene_file,
                            SCENE_CLASS,
                            "-qh",
                            media[env.version],
                            logs,
                            scenes,
                            caching=True,
                        )
                        pairs[env.version][-1].append(edit)
                finally:
                    scene_file.write_text(original, encoding="utf-8")
            for env in environments:
                # Keep the least disturbed pair, the fastest in total, so both halves come from one try.
                cold, edit = min(pairs[env.version], key=lambda pair: pair[0].wall_s + pair[1].wall_s)
                env.renders["cold_qh"], env.renders["edit_qh"] = cold, edit
    except RenderFailed as error:
        print(f"\nbenchmark: render failed: {error}", file=sys.stderr)
        print(f"benchmark: logs kept in {logs}", file=sys.stderr)
        return 1

    rows = table_rows(environments, args.quick)
    load_after = os.getloadavg()
    print()
    print(
        f"date {started.isoformat(timespec='seconds')}   python {platform.python_version()}   "
        f"os.cpu_count() {os.cpu_count()}   "
        f"load avg (1 min) {load_before[0]:.2f} before, {load_after[0]:.2f} after"
    )
    print()
    print_table([f"manim {env.version}" for env in environments], rows)

    if args.json:
        report = {
            "date": started.isoformat(timespec="seconds"),
            "code": code,
            "python": platform.python_version(),
            "cpu_count": os.cpu_count(),
            "load_average_before": load_before,
            "load_average_after": load_after,
            "video_seconds": seconds,
            "quick": args.quick,
            "repeat": args.repeat,
            "goals": {
                "first_qh_over_floor_max": GOAL_FIRST_QH_OVER_FLOOR,
                "qh_over_floor_max": GOAL_QH_OVER_FLOOR,
                "peak_memory_bytes_max": GOAL_PEAK_MEMORY_BYTES,
                "ql_over_floor_max": GOAL_QL_OVER_FLOOR,
                "first_ql_over_floor_max": GOAL_FIRST_QL_OVER_FLOOR,
                "rerender_share_max": GOAL_RERENDER_SHARE,
            },
            "environments": [
                {
                    "python": env.python,
                    "manim_version": env.version,
                    "renders": {key: asdict(r) for key, r in env.renders.items()},
                }
                for env in environments
            ],
            "rows": [asdict(r) for r in rows],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json}")

    if args.keep:
        print(f"kept {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


SPEEDUP_LAUNCHER = """\
import sys

flag = sys.argv.pop(1)
import manim_adapters  # noqa: E402 - before manim's command line, in every render alike

if flag != "-":
    setattr(manim_adapters.FastScene, flag, False)
from manim.__main__ import main  # noqa: E402

sys.argv[0] = "manim"
main()
"""


def registry(python: str, scenes: Path) -> list[dict]:
    """The speed-ups of ``scenes/speedups.py``, asked of a child (this process never imports the scene)."""
    code = "import json, dataclasses, speedups; print(json.dumps([dataclasses.asdict(s) for s in speedups.REGISTRY]))"
    result = subprocess.run([python, "-c", code], cwd=ROOT, env=child_env(scenes), capture_output=True, text=True)
    if result.returncode != 0:
        raise RenderFailed(f"cannot read the registry of speed-ups: {result.stderr.strip()}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure_speedups(environments, workdir: Path, scenes: Path, scene_file: Path, logs: Path, args) -> int:
    """What each speed-up saves: the scene rendered with every speed-up on, then with each alone off.

    Two renders per setting and environment, each into its own media folder
    with caching on, as the README's command renders:

    * warm -ql: from the formula and text caches (and kept parses) of a first
      -ql render, an empty animation cache;
    * -qh: a fresh clone's first render, no cache at all.

    All on is measured first and last, and its mean is the reference. A
    speed-up that can only hasten frames of one size is rendered only at that
    size (the other saves nothing, by construction). The table gives the seconds
    saved and their share of the all-on render, in wall time.
    """
    entries = registry(environments[0].python, scenes)
    launcher = workdir / "without_one.py"
    launcher.write_text(SPEEDUP_LAUNCHER, encoding="utf-8")
    counter = iter(range(1_000_000))

    def media(env: Environment, latex: bool) -> Path:
        return new_media(workdir / f"media-{next(counter):02d}", env, latex)

    def run(env: Environment, flag: str, quality: str) -> Render:
        latex = quality == "-ql"
        label = f"{env.version}: {'warm -ql' if latex else 'first -qh'}, {'all on' if flag == '-' else flag + ' off'}"
        return render(
            env.python,
            label,
            scene_file,
            SCENE_CLASS,
            quality,
            media(env, latex),
            logs,
            scenes,
            caching=True,
            launcher=[str(launcher), flag],
        )

    try:
        for env in environments:  # the caches a warm render starts from
            first = run(env, "-", "-ql")
            for cache in WARM_CACHES:
                left = Path(first.media_dir) / cache
                if left.is_dir():
                    shutil.copytree(left, env.latex_cache / cache)
        results: dict[tuple[str, str, str], list[Render]] = {}
        settings = ["-", *(entry["flag"] for entry in entries), "-"]
        sizes = {entry["flag"]: entry["frames"] for entry in entries}
        for flag in settings:
            for quality in ("-ql", "-qh"):
                size = sizes.get(flag, "all")
                if (size == "preview" and quality == "-qh") or (size == "large" and quality == "-ql"):
                    continue
                for env in environments:
                    results.setdefault((env.version, flag, quality), []).append(run(env, flag, quality))
    except RenderFailed as error:
        print(f"\nbenchmark: render failed: {error}", file=sys.stderr)
        return 1

    def saved(version: str, flag: str, quality: str) -> str:
        if (version, flag, quality) not in results:
            return "0 (n/a)"
        base = sum(r.wall_s for r in results[(version, "-", quality)]) / len(results[(version, "-", quality)])
        off = results[(version, flag, quality)][0].wall_s
        return f"{off - base:+.1f} s, {100 * (off - base) / base:+.0f} %"

    versions = [env.version for env in environments]
    print("\nseconds saved with every other speed-up on (this one off minus all on; all on is the mean of two)")
    header = ["speed-up", *(f"warm -ql {v}" for v in versions), *(f"first -qh {v}" for v in versions)]
    lines = [header]
    for version in versions:
        for quality in ("-ql", "-qh"):
            runs = results[(version, "-", quality)]
            print(f"  all on, {version} {quality}: " + ", ".join(f"{r.wall_s:.1f} s" for r in runs))
    for entry in entries:
        flag = entry["flag"]
        lines.append(
            [
                entry["name"],
                *(saved(v, flag, "-ql") for v in versions),
                *(saved(v, flag, "-qh") for v in versions),
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        print("| " + " | ".join(value.ljust(width) for value, width in zip(line, widths)) + " |")
    if args.json:
        data = {f"{v} {f} {q}": [asdict(r) for r in rs] for (v, f, q), rs in results.items()}
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    return 0


def measure_rerender(environments, workdir: Path, scenes: Path, scene_file: Path, logs: Path, args) -> int:
    """What one speed-up saves on a -qh re-render after one timing edit, where most plays come from the cache.

    On each environment, one cold -qh render fills a cache; then, after the
    edit, each of ``--repeat`` rounds re-renders from a copy of that cache once
    with every speed-up on and once with ``--rerender-without`` off, in turn.
    The cache keys follow from the code and the inputs alone, so both settings
    find the same plays in it.
    """
    flag = args.rerender_without
    launcher = workdir / "without_one.py"
    launcher.write_text(SPEEDUP_LAUNCHER, encoding="utf-8")
    colds = {}
    try:
        for env in environments:
            media = workdir / f"cold-{env.version}"
            media.mkdir()
            colds[env.version] = media
            render(
                env.python, f"{env.version}: cold -qh", scene_file, SCENE_CLASS, "-qh", media, logs, scenes,
                caching=True, launcher=[str(launcher), "-"],
            )  # fmt: skip
        original = edit_phase_seconds(scene_file, EDITED_PHASE, EDITED_SECONDS)
        times: dict[tuple[str, str], list[float]] = {}
        try:
            for round_ in range(args.repeat):
                for env in environments:
                    for setting in ("-", flag):
                        media = workdir / f"edit-{env.version}-{setting}-{round_}"
                        shutil.copytree(colds[env.version], media)
                        label = (
                            f"{env.version}: re-render after the edit, {'all on' if setting == '-' else flag + ' off'}"
                        )
                        result = render(
                            env.python, label, scene_file, SCENE_CLASS, "-qh", media, logs, scenes,
                            caching=True, launcher=[str(launcher), setting],
                        )  # fmt: skip
                        times.setdefault((env.version, setting), []).append(result.wall_s)
        finally:
            scene_file.write_text(original, encoding="utf-8")
    except RenderFailed as error:
        print(f"\nbenchmark: render failed: {error}", file=sys.stderr)
        return 1
    print(f"\n-qh re-render after one timing edit, seconds (each round), {flag} off against all on")
    for env in environments:
        on, off = times[(env.version, "-")], times[(env.version, flag)]
        mean_on, mean_off = sum(on) / len(on), sum(off) / len(off)
        print(
            f"  {env.version}: all on {', '.join(f'{t:.1f}' for t in on)}; {flag} off {', '.join(f'{t:.1f}' for t in off)}; "
            f"saved {mean_off - mean_on:+.1f} s, {100 * (mean_off - mean_on) / mean_on:+.0f} %"
        )
    return 0


def table_rows(environments: list[Environment], quick: bool) -> list[Row]:
    """The table: one row per measure, one cell per environment, each ratio within its own environment."""
    rows: list[Row] = []

    def row(measure: str, goal: str, make) -> None:
        line = Row(measure, goal)
        for env in environments:
            text, note = make(env.renders)
            line.cells.append(text)
            if note:
                line.notes.append(f"{env.version}: {note}")
        rows.append(line)

    def over(key: str, floor: str, goal: float | None):
        def make(r: dict[str, Render]):
            ratio = r[key].wall_s / r[floor].wall_s
            passed = None if goal is None else ratio <= goal
            note = f"CPU-time ratio {r[key].cpu_s / r[floor].cpu_s:.2f}"
            return cell(r[key].wall_s, ratio, passed=passed), note

        return make

    if not quick:
        row("floor: blank -qh", "", lambda r: (cell(r["floor_qh"].wall_s), ""))
        row(
            "first -qh, fresh clone / floor",
            f"<= {GOAL_FIRST_QH_OVER_FLOOR}",
            over("first_qh", "floor_qh", GOAL_FIRST_QH_OVER_FLOOR),
        )
        row("full -qh, LaTeX warm / floor", f"<= {GOAL_QH_OVER_FLOOR}", over("full_qh", "floor_qh", GOAL_QH_OVER_FLOOR))

        def memory(r: dict[str, Render]):
            peak = max(r[key].max_rss_bytes for key in ("first_qh", "full_qh", "cold_qh", "edit_qh"))
            return cell(value=f"{peak / 1e6:.0f} MB", passed=peak <= GOAL_PEAK_MEMORY_BYTES), ""

        row("peak memory, -qh", f"<= {GOAL_PEAK_MEMORY_BYTES / 1e9:g} GB", memory)
    row("floor: blank -ql", "", lambda r: (cell(r["floor_ql"].wall_s), ""))
    row("full -ql, LaTeX warm / floor", f"<= {GOAL_QL_OVER_FLOOR}", over("full_ql", "floor_ql", GOAL_QL_OVER_FLOOR))
    row(
        "first -ql, fresh clone / floor",
        f"<= {GOAL_FIRST_QL_OVER_FLOOR:g}",
        over("first_ql", "floor_ql", GOAL_FIRST_QL_OVER_FLOOR),
    )
    if not quick:
        row("cached -qh, cold", "", lambda r: (cell(r["cold_qh"].wall_s, value=f"{r['cold_qh'].plays} plays"), ""))

        def rerender(r: dict[str, Render]):
            cold, edit = r["cold_qh"], r["edit_qh"]
            share = edit.wall_s / cold.wall_s
            note = (
                f"{EDITED_PHASE!r} {EDITED_SECONDS:g} s: {edit.new_partial_movies} of the {edit.plays} plays "
                f"rendered again, the rest from the cache; CPU-time share {edit.cpu_s / cold.cpu_s:.2f}"
            )
            value = f"{edit.new_partial_movies}/{edit.plays} again"
            return cell(edit.wall_s, share, value=value, passed=share <= GOAL_RERENDER_SHARE), note

        row("re-render after a timing edit / cold", f"<= {GOAL_RERENDER_SHARE}", rerender)
    return rows


if __name__ == "__main__":
    sys.exit(main())
