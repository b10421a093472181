"""Run manim's command line, and interrupt it with a real signal at a chosen moment of the render.

    python tests/interrupt_render.py --at frame:40 --signal INT -- -ql scenes/forward_pass.py ForwardPassScene

The render runs in this process, as ``manim`` would run it. At the moment named
by ``--at``, while the file of that moment is being written, the process sends
the signal to itself (to its whole process group for ``INT``, as Ctrl-C in a
terminal does; start it in a session of its own). Moments:

``formulas``
    while LaTeX typesets the scene's formulas together, before the first frame;
``frame:N``
    once the N-th frame is written, while its partial movie file is being written;
``clip``
    while the first section's clip (``--save_sections``) is being written;
``subtitles``
    once the subtitles are written, before the finished files are in place;
``video``
    while the final video is being written;
``seconds:T``
    T seconds after the start, whatever is happening then.

Nothing of the render is changed: the moment is found by watching manim's own
calls, and the signal is the operating system's. If the moment never comes,
the render ends as usual, and the exit status tells (the test expects a death).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

SIGNALS = {"INT": signal.SIGINT, "TERM": signal.SIGTERM, "KILL": signal.SIGKILL}
ORIGIN = os.getpid()
"""The render's own process: the one a lecturer interrupts (a second process, if any, is its child)."""


def fire(number: int) -> None:
    """Interrupt the render as a lecturer would: Ctrl-C reaches the process group, ``kill`` the process."""
    if number == signal.SIGINT:
        os.killpg(os.getpgid(ORIGIN), number)
    else:
        os.kill(ORIGIN, number)
    time.sleep(2)  # the signal takes the process long before this ends


def watch_formulas(number: int) -> None:
    import tex_prewarm

    real = subprocess

    class Shim:
        def __getattr__(self, name):
            return getattr(real, name)

        @staticmethod
        def run(command, *args, **kwargs):
            if Path(str(command[0])).name in ("latex", "pdflatex", "xelatex", "lualatex"):
                process = real.Popen(command, *args, **{k: v for k, v in kwargs.items() if k != "check"})
                time.sleep(0.3)  # LaTeX is writing its output now
                fire(number)
                return real.CompletedProcess(command, process.wait())
            return real.run(command, *args, **kwargs)

    tex_prewarm.subprocess = Shim()


def watch_frames(number: int, which: int) -> None:
    from manim.scene.scene_file_writer import SceneFileWriter

    frames = [0]
    write_frame = SceneFileWriter.write_frame

    def write(self, *args, **kwargs):
        result = write_frame(self, *args, **kwargs)
        frames[0] += 1
        if frames[0] == which:
            time.sleep(0.2)  # the encoder has written the frames before it to the file
            fire(number)
        return result

    SceneFileWriter.write_frame = write


def watch_output(number: int, wanted, packets: int) -> None:
    """Fire once ``packets`` packets went into an output file for which ``wanted(path)`` holds."""
    from manim.scene import scene_file_writer

    av = scene_file_writer.av

    class Container:
        def __init__(self, container) -> None:
            self._container = container
            self._packets = 0

        def __getattr__(self, name):
            return getattr(self._container, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self._container.__exit__(*exc)

        def mux(self, packet):
            result = self._container.mux(packet)
            self._packets += 1
            if self._packets == packets:
                fire(number)
            return result

    class Av:
        def __getattr__(self, name):
            return getattr(av, name)

        @staticmethod
        def open(file, mode="r", *args, **kwargs):
            container = av.open(file, mode, *args, **kwargs)
            if mode == "w" and isinstance(file, (str, Path)) and wanted(Path(file)):
                return Container(container)
            return container

    scene_file_writer.av = Av()


def is_final_video(path: Path) -> bool:
    return "partial_movie_files" not in path.parts and path.parent.name != "sections"


def watch_subtitles(number: int) -> None:
    """Fire as manim says the subtitles are written (its own code untouched, so that nothing steps aside)."""
    import logging

    from manim import logger

    class Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if str(record.msg).startswith("Subcaption file has been written"):
                fire(number)

    logger.addHandler(Handler())


def watch_clock(number: int, seconds: float) -> None:
    def later() -> None:
        time.sleep(seconds)
        fire(number)

    threading.Thread(target=later, daemon=True).start()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--at", required=True)
    parser.add_argument("--signal", choices=sorted(SIGNALS), required=True)
    parser.add_argument("manim", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    number = SIGNALS[args.signal]
    moment, _, value = args.at.partition(":")
    if moment == "formulas":
        watch_formulas(number)
    elif moment == "frame":
        watch_frames(number, int(value))
    elif moment == "clip":
        watch_output(number, lambda path: path.parent.name == "sections", 5)
    elif moment == "video":
        watch_output(number, is_final_video, 40)
    elif moment == "subtitles":
        watch_subtitles(number)
    elif moment == "seconds":
        watch_clock(number, float(value))
    else:
        parser.error(f"no moment {args.at!r}")
    manim_args = args.manim[1:] if args.manim[:1] == ["--"] else args.manim
    sys.argv = ["manim", *manim_args]
    from manim.__main__ import main as manim_main

    manim_main()


if __name__ == "__main__":
    main()
