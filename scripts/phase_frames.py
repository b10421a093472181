"""Save the last frame of every phase of a rendered video as a PNG.

    python scripts/phase_frames.py media/videos/forward_pass/480p15/ForwardPassScene.mp4 frames/

The phase boundaries come from ``ForwardPassScene.PHASES``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import av

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scenes"))

from timeline import phase_frame_spans  # noqa: E402


def phase_end_frames(video: Path, out_dir: Path) -> list[Path]:
    from forward_pass import ForwardPassScene

    out_dir.mkdir(parents=True, exist_ok=True)
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        fps = float(stream.average_rate)
        spans = phase_frame_spans(ForwardPassScene.PHASES, fps)
        wanted = {end - 1: name for name, (_, end) in spans.items()}
        written = []
        for index, frame in enumerate(container.decode(stream)):
            if index in wanted:
                number = list(spans).index(wanted[index]) + 1
                path = out_dir / f"{number}-{wanted[index].lower().replace(' ', '-')}.png"
                frame.to_image().save(path)
                written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", type=Path)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args()
    for path in phase_end_frames(args.video, args.out_dir):
        print(path)


if __name__ == "__main__":
    main()
