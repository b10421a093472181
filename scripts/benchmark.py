"""Time and size a render of ForwardPassScene against a blank scene of the same length.

    .venv/bin/python scripts/benchmark.py                  # everything, about 5-8 minutes
    .venv/bin/python scripts/benchmark.py --quick          # only the 480p15 preview pair
    .venv/bin/python scripts/benchmark.py --json bench.json

Every measurement is a fresh ``python -m manim ... --silent`` child process, run
from the repository root (so ``manim.cfg`` applies) with its own temporary
``--media_dir``, so no cache carries over between measurements unless a
measurement is about the cache:

* floor: a blank scene, ``self.wait(<sum of PHASES>)``, at -qh;
* the full scene at -qh with ``--disable_caching``: wall time, ratio to the floor,
  and the child's peak resident memory;
* the full scene at -ql over a blank -ql scene: the preview loop;
* with caching on: a cold -qh render, then a re-render into the same media
  directory after one timing edit (``PHASES["Layer 2 forward"]`` 8 s -> 9 s),
  as a share of the cold render. The edit is made, as a lecturer would make it,
  in the run's own copy of ``scenes/forward_pass.py``; the repository is never touched.

LaTeX: manim keeps every compiled formula in ``<media_dir>/Tex`` and compiles
only what it has not seen, so only a project's very first render pays for LaTeX
(about 12 s here). The measurements above start from a LaTeX cache made by a
first -ql render, which is itself reported as "full -ql, LaTeX cold", as a
lecturer's every render after the first would; caching of the animations
themselves stays off unless a measurement is about it.

All renders use a copy of ``scenes/`` and ``assets/`` taken when the run starts,
so an edit saved to the working tree halfway through cannot make the renders of
one run disagree (it would, for instance, look like a cache miss).

The machine may be busy with other work, so compare the ratios, which are
measured within one run, rather than seconds across runs. The exit code is 0
whatever the goals say (this is a report), and 1 only if a render fails.
This is not part of the test suite.
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

EDITED_PHASE = "Layer 2 forward"
EDITED_SECONDS = 9.0

GOAL_QH_OVER_FLOOR = 1.3
GOAL_PEAK_MEMORY_BYTES = 1.5e9  # 1.5 GB
GOAL_RERENDER_SHARE = 0.35


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


@dataclass
class Row:
    measure: str
    seconds: float | None = None
    cpu_seconds: float | None = None
    ratio: float | None = None
    value: str = ""
    goal: str = ""
    passed: bool | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)


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
    label: str,
    scene_file: Path,
    scene: str,
    quality: str,
    media_dir: Path,
    log_dir: Path,
    scenes: Path,
    *,
    caching: bool,
) -> Render:
    """Render in a child process; wall time from this side, CPU and peak memory from ``wait4``.

    ``wait4`` reports the child together with the processes it waited for (latex,
    dvisvgm); ``ru_maxrss`` is then the largest of them, which is manim itself.
    """
    command = [sys.executable, "-m", "manim", quality, "--silent", "--media_dir", str(media_dir)]
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


def print_table(rows: list[Row]) -> None:
    headers = ("measure", "wall s", "CPU s", "ratio", "value", "goal", "result")
    cells = [
        (
            r.measure,
            fmt(r.seconds, ".1f"),
            fmt(r.cpu_seconds, ".1f"),
            fmt(r.ratio, ".2f"),
            r.value,
            r.goal,
            "-" if r.passed is None else ("pass" if r.passed else "FAIL"),
        )
        for r in rows
    ]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    print(line)
    print("  ".join("-" * w for w in widths))
    for c in cells:
        print("  ".join(v.ljust(w) for v, w in zip(c, widths)))
    notes = [f"  {r.measure}: {r.note}" for r in rows if r.note]
    if notes:
        print("\nnotes:")
        print("\n".join(notes))


def manim_version() -> str:
    try:
        from importlib.metadata import version

        return version("manim")
    except Exception:  # noqa: BLE001 - a missing version is not worth failing a report for
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark the ForwardPassScene render against a blank scene (a report, not a test)."
    )
    parser.add_argument("--quick", action="store_true", help="only the 480p15 (-ql) preview measurements")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the numbers to PATH")
    parser.add_argument(
        "--repeat", type=int, default=1, metavar="N", help="render each measurement N times and keep the fastest"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary media folders and logs")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    started = datetime.datetime.now().astimezone()
    load_before = os.getloadavg()
    workdir = Path(tempfile.mkdtemp(prefix="forward-pass-bench-"))
    code = git_state()
    scenes = snapshot(workdir)
    scene_file = scenes / f"{SCENE_MODULE}.py"
    seconds = scene_seconds(scenes)
    print(f"{SCENE_CLASS} benchmark: {seconds:g} s of video, {'quick (-ql only)' if args.quick else 'full'}")
    print(f"code: scenes/ and assets/ as at {started:%H:%M:%S}, commit {code}")

    logs = workdir / "logs"
    logs.mkdir()
    blank_file = workdir / "blank_scene.py"
    write_blank_scene(blank_file, seconds)
    counter = iter(range(1_000_000))

    latex_cache = workdir / "latex-cache"

    def fresh_media() -> Path:
        path = workdir / f"media-{next(counter):02d}"
        path.mkdir()
        if latex_cache.exists():
            shutil.copytree(latex_cache, path / "Tex")
        return path

    def measure(label: str, scene_file: Path, scene: str, quality: str, caching: bool = False) -> Render:
        runs = [
            render(
                label if args.repeat == 1 else f"{label} #{i + 1}",
                scene_file,
                scene,
                quality,
                fresh_media(),
                logs,
                scenes,
                caching=caching,
            )
            for i in range(args.repeat)
        ]
        best = best_of(runs)
        best.max_rss_bytes = max(r.max_rss_bytes for r in runs)
        return best

    rows: list[Row] = []
    renders: dict[str, Render] = {}
    try:
        cold = render(
            "full -ql, LaTeX cold", scene_file, SCENE_CLASS, "-ql", fresh_media(), logs, scenes, caching=False
        )
        renders["cold_latex_ql"] = cold
        shutil.copytree(Path(cold.media_dir) / "Tex", latex_cache)
        if not args.quick:
            renders["floor_qh"] = measure("floor -qh (blank)", blank_file, "Blank", "-qh")
            renders["full_qh"] = measure("full -qh, no cache", scene_file, SCENE_CLASS, "-qh")
        renders["floor_ql"] = measure("floor -ql (blank)", blank_file, "Blank", "-ql")
        renders["full_ql"] = measure("full -ql, no cache", scene_file, SCENE_CLASS, "-ql")
        if not args.quick:
            cold_runs, edit_runs = [], []
            for i in range(args.repeat):
                suffix = "" if args.repeat == 1 else f" #{i + 1}"
                media = fresh_media()
                cold_runs.append(
                    render(
                        f"cached -qh, cold{suffix}", scene_file, SCENE_CLASS, "-qh", media, logs, scenes, caching=True
                    )
                )
                original = edit_phase_seconds(scene_file, EDITED_PHASE, EDITED_SECONDS)
                try:
                    edit_runs.append(
                        render(
                            f"cached -qh, after timing edit{suffix}",
                            scene_file,
                            SCENE_CLASS,
                            "-qh",
                            media,
                            logs,
                            scenes,
                            caching=True,
                        )
                    )
                finally:
                    scene_file.write_text(original, encoding="utf-8")
            # Keep the least disturbed pair, the fastest in total, so both halves come from one try.
            index = min(range(args.repeat), key=lambda i: cold_runs[i].wall_s + edit_runs[i].wall_s)
            renders["cold_qh"], renders["edit_qh"] = cold_runs[index], edit_runs[index]
    except RenderFailed as error:
        print(f"\nbenchmark: render failed: {error}", file=sys.stderr)
        print(f"benchmark: logs kept in {logs}", file=sys.stderr)
        return 1

    if not args.quick:
        floor, full = renders["floor_qh"], renders["full_qh"]
        ratio = full.wall_s / floor.wall_s
        rows.append(
            Row("floor: blank -qh", floor.wall_s, floor.cpu_s, 1.0, value=f"{floor.max_rss_bytes / 1e6:.0f} MB")
        )
        rows.append(
            Row(
                "full -qh / floor",
                full.wall_s,
                full.cpu_s,
                ratio,
                goal=f"<= {GOAL_QH_OVER_FLOOR}",
                passed=ratio <= GOAL_QH_OVER_FLOOR,
                note=f"CPU-time ratio {full.cpu_s / floor.cpu_s:.2f} (less sensitive to other load)",
            )
        )
        rows.append(
            Row(
                "peak memory -qh",
                value=f"{full.max_rss_bytes / 1e6:.0f} MB",
                goal=f"<= {GOAL_PEAK_MEMORY_BYTES / 1e9:g} GB",
                passed=full.max_rss_bytes <= GOAL_PEAK_MEMORY_BYTES,
            )
        )
    floor_ql, full_ql = renders["floor_ql"], renders["full_ql"]
    rows.append(Row("floor: blank -ql", floor_ql.wall_s, floor_ql.cpu_s, 1.0))
    rows.append(
        Row(
            "full -ql / blank -ql",
            full_ql.wall_s,
            full_ql.cpu_s,
            full_ql.wall_s / floor_ql.wall_s,
            value=f"{full_ql.max_rss_bytes / 1e6:.0f} MB",
            note=f"the preview loop; CPU-time ratio {full_ql.cpu_s / floor_ql.cpu_s:.2f}",
        )
    )
    cold_latex = renders["cold_latex_ql"]
    rows.append(
        Row(
            "first render: LaTeX cold, -ql",
            cold_latex.wall_s,
            cold_latex.cpu_s,
            cold_latex.wall_s / floor_ql.wall_s,
            note=f"compiling every formula adds {cold_latex.wall_s - full_ql.wall_s:.1f} s, once per media folder",
        )
    )
    if not args.quick:
        cold, edit = renders["cold_qh"], renders["edit_qh"]
        share = edit.wall_s / cold.wall_s
        rows.append(Row("cached -qh, cold", cold.wall_s, cold.cpu_s, 1.0, value=f"{cold.plays} animations"))
        rows.append(
            Row(
                "re-render after edit / cold",
                edit.wall_s,
                edit.cpu_s,
                share,
                value=f"{edit.new_partial_movies}/{edit.plays} rendered",
                goal=f"<= {GOAL_RERENDER_SHARE}",
                passed=share <= GOAL_RERENDER_SHARE,
                note=(
                    f"{EDITED_PHASE!r} {EDITED_SECONDS:g} s: {edit.new_partial_movies} of the "
                    f"{edit.plays} animations were rendered again, the rest came from the cache; "
                    f"CPU-time share {edit.cpu_s / cold.cpu_s:.2f}"
                ),
            )
        )

    load_after = os.getloadavg()
    print()
    print(
        f"date {started.isoformat(timespec='seconds')}   manim {manim_version()}   "
        f"python {platform.python_version()}   os.cpu_count() {os.cpu_count()}   "
        f"load avg (1 min) {load_before[0]:.2f} before, {load_after[0]:.2f} after"
    )
    print()
    print_table(rows)

    if args.json:
        report = {
            "date": started.isoformat(timespec="seconds"),
            "code": code,
            "manim_version": manim_version(),
            "python": platform.python_version(),
            "cpu_count": os.cpu_count(),
            "load_average_before": load_before,
            "load_average_after": load_after,
            "video_seconds": seconds,
            "quick": args.quick,
            "repeat": args.repeat,
            "goals": {
                "qh_over_floor_max": GOAL_QH_OVER_FLOOR,
                "peak_memory_bytes_max": GOAL_PEAK_MEMORY_BYTES,
                "rerender_share_max": GOAL_RERENDER_SHARE,
            },
            "renders": {key: asdict(r) for key, r in renders.items()},
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


if __name__ == "__main__":
    sys.exit(main())
