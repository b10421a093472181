"""Save the last frame of every phase of a rendered video as a PNG.

    python scripts/phase_frames.py media/videos/forward_pass/480p15/ForwardPassScene.mp4 frames/

The phase boundaries follow the video, not the default timings. They come from
the sections index that ``manim --save_sections`` writes beside the video
(``sections/<video name>.json``); without one, from the ``PHASES`` of the scene
the video is named after, in the file of ``scenes/`` that the video's folder is
named after (``scenes/forward_pass.py`` when there is none), or in the file given with
``--scene my_pacing.py:MyPacing``. When the video's frames do not add up to
those phases, nothing is written and the script stops with one line saying so.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

import av

SCENES_DIR = Path(__file__).resolve().parent.parent / "scenes"
DEFAULT_SCENE_FILE = SCENES_DIR / "forward_pass.py"
sys.path.insert(0, str(SCENES_DIR))

from timeline import phase_frame_spans  # noqa: E402


class PhaseFramesError(RuntimeError):
    """The phases cannot be found, or do not match the video; the message says which."""


def spans_from_sections(index: Path) -> dict[str, tuple[int, int]]:
    """Each phase's first and one-past-last frame, from a sections index written by ``--save_sections``."""
    try:
        sections = json.loads(index.read_text(encoding="utf-8"))
        counts = [(str(section["name"]), int(section["nb_frames"])) for section in sections]
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise PhaseFramesError(f"{index}: not a sections index manim wrote ({error})") from None
    spans, start = {}, 0
    for name, frames in counts:
        spans[name] = (start, start + frames)
        start += frames
    return spans


def spans_from_scene(scene: str, fps: float) -> dict[str, tuple[int, int]]:
    """Each phase's first and one-past-last frame, from ``PHASES`` of ``FILE.py:CLASS``."""
    file_name, _, class_name = scene.rpartition(":")
    path = Path(file_name)
    if not file_name or not class_name or path.suffix != ".py":
        raise PhaseFramesError(f"--scene {scene}: expected FILE.py:CLASS, like scenes/forward_pass.py:ForwardPassScene")
    if not path.is_file():
        raise PhaseFramesError(f"--scene {scene}: no file {path}")
    sys.path.insert(0, str(path.resolve().parent))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # noqa: BLE001 - whatever the file raises, the user gets one line
        raise PhaseFramesError(f"--scene {scene}: cannot import {path}: {type(error).__name__}: {error}") from None
    phases = getattr(getattr(module, class_name, None), "PHASES", None)
    if not isinstance(phases, dict) or not phases:
        raise PhaseFramesError(f"--scene {scene}: {path} has no scene {class_name} with a PHASES table")
    return phase_frame_spans(phases, fps)


def phase_end_frames(video: Path, out_dir: Path, scene: str | None = None) -> list[Path]:
    """Write the last frame of each phase of ``video`` into ``out_dir``; return the paths, in phase order.

    Raises :class:`PhaseFramesError`, before writing anything, when the phases do not match the video.
    """
    if not video.is_file():
        raise PhaseFramesError(f"{video}: no such video")
    index = video.parent / "sections" / f"{video.stem}.json"
    try:
        container = av.open(str(video))
    except (av.FFmpegError, OSError) as error:
        raise PhaseFramesError(f"{video}: cannot be read as a video ({error})") from None
    with container:
        stream = container.streams.video[0]
        fps = float(stream.average_rate)
        if scene is not None:
            spans, source = spans_from_scene(scene, fps), f"PHASES of {scene}"
        elif index.is_file():
            spans, source = spans_from_sections(index), f"the sections index {index}"
        else:
            # manim writes media/videos/<scene file's name>/<quality>/<scene>.mp4
            named = SCENES_DIR / f"{video.parent.parent.name}.py"
            scene_file = named if named.is_file() else DEFAULT_SCENE_FILE
            scene = f"{scene_file}:{video.stem}"
            try:
                spans, source = spans_from_scene(scene, fps), f"PHASES of {video.stem}"
            except PhaseFramesError:
                raise PhaseFramesError(
                    f"{video}: no sections index beside it and no scene {video.stem} in {scene_file.name}; "
                    "render with --save_sections, or name the scene with --scene FILE.py:CLASS"
                ) from None
        wanted = {end - 1: name for name, (start, end) in spans.items() if end > start}
        images = {}
        count = 0
        for frame in container.decode(stream):
            if count in wanted:
                images[wanted[count]] = frame.to_image()
            count += 1
    expected = max((end for _, end in spans.values()), default=0)
    if count != expected or len(images) != len(wanted):
        raise PhaseFramesError(
            f"{video}: {count} frames, but {source} adds up to {expected} at {fps:g} fps; "
            "is it the video those phases were rendered for?"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for number, name in enumerate(spans, 1):
        if name in images:
            path = out_dir / f"{number}-{name.lower().replace(' ', '-')}.png"
            images[name].save(path)
            written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument(
        "--scene", metavar="FILE.py:CLASS", help="take the phases from this scene's PHASES, not from the sections index"
    )
    args = parser.parse_args()
    try:
        paths = phase_end_frames(args.video, args.out_dir, args.scene)
    except PhaseFramesError as error:
        print(f"phase_frames: error: {error}", file=sys.stderr)
        sys.exit(2)
    for path in paths:
        print(path)


if __name__ == "__main__":
    main()
