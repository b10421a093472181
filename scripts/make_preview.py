"""Make the README's posters and animated preview in ``assets/``.

Run from the repository root::

    python scripts/make_preview.py
    python scripts/make_preview.py --video media/videos/forward_pass/480p15/ForwardPassScene.mp4

The first renders the scene at ``-ql`` (854x480, 15 fps) into ``media/``, dark
and in English; the second reuses a video rendered before, at any quality. Then
it writes

``assets/posters/<theme>-<language>.png``
    The last frame of the Outro in each theme and language (dark and light,
    ``en`` and ``zh``): ``manim -qh -s`` runs the scene with every animation
    skipped and renders only its final frame at 1920x1080 (about ten seconds,
    not the minutes a full ``-qh`` render takes), saved at 960x540 in 256
    colours to stay small. The script checks the dark English one against the
    video's last frame.

``assets/preview.gif``
    The whole video at 8 fps and 640 px wide, on one palette shared by every
    frame, holding the final picture for a moment before it loops. It must stay
    under 5 MB. ``--format webp`` writes ``assets/preview.webp`` instead.

``--no-posters`` and ``--no-preview`` make only one of the two. The sizes are printed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SCENE_FILE = ROOT / "scenes" / "forward_pass.py"
SCENE_NAME = "ForwardPassScene"
ASSETS = ROOT / "assets"
POSTERS = ASSETS / "posters"
POSTER_VARIANTS = (("dark", "en"), ("light", "en"), ("dark", "zh"), ("light", "zh"))
"""Theme and language of each poster, in the order of the README's row."""
POSTER_SIZE = (1920, 1080)
"""What ``manim -qh -s`` renders."""
SAVED_POSTER_SIZE = (960, 540)
POSTER_COLOURS = 256
MAX_POSTER_BYTES = 150 * 1024
MAX_PREVIEW_BYTES = 5 * 1024 * 1024
PALETTE_SAMPLES = 24
"""Frames, spread over the video, that the GIF's one palette is built from."""
TRANSPARENT = 255
"""The GIF's transparent colour index: "same as the frame before"."""
POSTER_TOLERANCE = 6.0
"""Mean difference, in 0-255 levels, above which the poster and the video's last frame disagree."""


class PreviewError(RuntimeError):
    """Something that stops the preview; the message says what."""


def run_manim(*args: str, media_dir: Path, theme: str = "dark", language: str = "en") -> None:
    command = [sys.executable, "-m", "manim", *args, "--silent", "-v", "WARNING", "--progress_bar", "none"]
    command += ["--media_dir", str(media_dir)]
    command += [str(SCENE_FILE.relative_to(ROOT)), SCENE_NAME]
    variant = {"FORWARD_PASS_THEME": theme, "FORWARD_PASS_LANGUAGE": language}
    print("$", *(f"{name}={value}" for name, value in variant.items()), " ".join(command), flush=True)
    result = subprocess.run(command, cwd=ROOT, env={**os.environ, **variant})
    if result.returncode != 0:
        raise PreviewError(f"manim exited with code {result.returncode}")


def render_video(media_dir: Path) -> Path:
    """Render the scene at -ql and return the MP4."""
    run_manim("-ql", media_dir=media_dir)
    video = media_dir / "videos" / SCENE_FILE.stem / "480p15" / f"{SCENE_NAME}.mp4"
    if not video.is_file():
        raise PreviewError(f"manim finished but wrote no video at {video}")
    return video


def render_poster(media_dir: Path, theme: str, language: str) -> Image.Image:
    """The scene's final frame at -qh in ``theme`` and ``language``, rendered with every animation skipped."""
    # No -o: manim would then also write the subtitles to ./<name>.srt, in the repository.
    # Without it the image is named ForwardPassScene_ManimCE_v<version>.png, the same for
    # every variant: each renders into a media folder of its own.
    media_dir = media_dir / "posters" / f"{theme}-{language}"
    image_dir = media_dir / "images" / SCENE_FILE.stem
    for stale in image_dir.glob(f"{SCENE_NAME}*.png"):
        stale.unlink()
    run_manim("-qh", "-s", media_dir=media_dir, theme=theme, language=language)
    rendered = sorted(image_dir.glob(f"{SCENE_NAME}*.png"))
    if len(rendered) != 1:
        raise PreviewError(f"manim finished but wrote {len(rendered)} images of {SCENE_NAME} to {image_dir}")
    with Image.open(rendered[0]) as image:
        image = image.convert("RGB")
    if image.size != POSTER_SIZE:
        raise PreviewError(f"the poster is {image.size[0]}x{image.size[1]}, expected {POSTER_SIZE[0]}x{POSTER_SIZE[1]}")
    return image


def video_info(video: Path) -> tuple[Fraction, int]:
    """The frame rate and the number of frames, counted by decoding."""
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        rate = Fraction(stream.average_rate)
        count = sum(1 for _ in container.decode(stream))
    if count == 0:
        raise PreviewError(f"{video}: no frame could be decoded")
    return rate, count


def frames(video: Path, wanted: set[int]) -> Iterator[tuple[int, Image.Image]]:
    """The frames whose index is in ``wanted``, in order."""
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for index, frame in enumerate(container.decode(stream)):
            if index in wanted:
                yield index, frame.to_image()


def last_frame(video: Path) -> Image.Image:
    _, count = video_info(video)
    return next(image for _, image in frames(video, {count - 1}))


def check_poster(poster: Image.Image, video: Path) -> float:
    """How far the poster is from the video's last frame, scaled to the video's size."""
    final = last_frame(video)
    small = poster.resize(final.size, Image.Resampling.LANCZOS)
    return float(np.abs(np.asarray(small, dtype=float) - np.asarray(final, dtype=float)).mean())


def sample_indices(rate: Fraction, count: int, fps: float) -> list[int]:
    """Source frames for an animation at ``fps``: the nearest frame to every output time."""
    steps = int(count / rate * Fraction(fps).limit_denominator(1000))
    indices = sorted({min(count - 1, round(k / fps * rate)) for k in range(steps)} | {count - 1})
    return indices


def write_gif(images: list[Image.Image], durations: list[int], path: Path) -> None:
    """An animated GIF that stores, for every frame, only the pixels that changed.

    Every frame is mapped without dithering onto one palette of 255 colours built
    from frames spread over the whole video, so a pixel that does not change keeps
    its colour index. From the second frame on, those pixels become the 256th,
    transparent, index and the frame before shows through (disposal 1): long runs
    of one index are what LZW compresses best, and the picture is exactly the
    palette image of every frame.
    """
    width, height = images[0].size
    picks = np.linspace(0, len(images) - 1, PALETTE_SAMPLES).round().astype(int)
    strip = Image.new("RGB", (width, height * len(picks)))
    for row, pick in enumerate(picks):
        strip.paste(images[pick], (0, row * height))
    palette = strip.quantize(colors=TRANSPARENT, method=Image.Quantize.FASTOCTREE)
    colours = palette.getpalette()[: 3 * TRANSPARENT]
    colours += [0] * (3 * 256 - len(colours))

    frames = []
    previous = None
    for image in images:
        indices = np.asarray(image.quantize(palette=palette, dither=Image.Dither.NONE))
        if indices.max() >= TRANSPARENT:
            raise PreviewError("the GIF palette took the transparent index")
        stored = indices.copy()
        if previous is not None:
            stored[indices == previous] = TRANSPARENT
        previous = indices
        frame = Image.frombytes("P", (width, height), stored.tobytes())
        frame.putpalette(colours)
        frames.append(frame)
    frames[0].save(
        path,
        save_all=True,
        append_images=frames[1:],
        duration=durations,
        loop=0,
        optimize=False,
        disposal=1,
        transparency=TRANSPARENT,
    )


def write_preview(video: Path, path: Path, *, width: int, fps: float, hold: float) -> None:
    rate, count = video_info(video)
    indices = sample_indices(rate, count, fps)
    images = []
    for _, image in frames(video, set(indices)):
        height = round(image.height * width / image.width / 2) * 2
        images.append(image.resize((width, height), Image.Resampling.LANCZOS))
    step_ms = round(1000 / fps)
    durations = [step_ms] * len(images)
    durations[-1] = round(hold * 1000)

    if path.suffix == ".gif":
        write_gif(images, durations, path)
    elif path.suffix == ".webp":
        images[0].save(path, save_all=True, append_images=images[1:], duration=durations, loop=0, quality=80, method=4)
    else:
        raise PreviewError(f"unknown preview format {path.suffix!r}")


def size_text(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1024 / 1024:.2f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video", type=Path, help="reuse this rendered MP4 instead of rendering at -ql")
    parser.add_argument("--media-dir", type=Path, default=ROOT / "media", help="where manim renders (default: media/)")
    parser.add_argument("--format", choices=("gif", "webp"), default="gif", help="the preview's format (default: gif)")
    parser.add_argument("--width", type=int, default=640, help="the preview's width in pixels (default: 640)")
    parser.add_argument("--fps", type=float, default=8.0, help="the preview's frame rate (default: 8)")
    parser.add_argument(
        "--hold", type=float, default=2.5, help="seconds the final frame stays before the loop (default: 2.5)"
    )
    parser.add_argument("--no-posters", action="store_true", help="leave assets/posters/ alone")
    parser.add_argument("--no-preview", action="store_true", help="leave the animated preview alone")
    args = parser.parse_args(argv)

    try:
        if args.video is not None:
            video = args.video.resolve()
            if not video.is_file():
                raise PreviewError(f"no video at {args.video}")
        else:
            video = render_video(args.media_dir.resolve())
        ASSETS.mkdir(exist_ok=True)

        if not args.no_posters:
            POSTERS.mkdir(exist_ok=True)
            for theme, language in POSTER_VARIANTS:
                poster = render_poster(args.media_dir.resolve(), theme, language)
                if (theme, language) == POSTER_VARIANTS[0]:
                    difference = check_poster(poster, video)
                    if difference > POSTER_TOLERANCE:
                        raise PreviewError(
                            f"the poster does not look like the last frame of {video} "
                            f"(mean difference {difference:.1f}); was the video rendered from the current scene?"
                        )
                    print(f"  mean difference from the video's last frame: {difference:.2f} of 255")
                path = POSTERS / f"{theme}-{language}.png"
                small = poster.resize(SAVED_POSTER_SIZE, Image.Resampling.LANCZOS)
                palette = small.quantize(POSTER_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
                palette.save(path, optimize=True)
                print(f"{path.relative_to(ROOT)}: {SAVED_POSTER_SIZE[0]}x{SAVED_POSTER_SIZE[1]}, {size_text(path)}")
                if path.stat().st_size > MAX_POSTER_BYTES:
                    raise PreviewError(f"{path.name} is over {MAX_POSTER_BYTES // 1024} KB")

        if not args.no_preview:
            preview = ASSETS / f"preview.{args.format}"
            write_preview(video, preview, width=args.width, fps=args.fps, hold=args.hold)
            with Image.open(preview) as image:
                print(
                    f"{preview.relative_to(ROOT)}: {image.width}x{image.height}, {image.n_frames} frames, {size_text(preview)}"
                )
            if preview.stat().st_size > MAX_PREVIEW_BYTES:
                raise PreviewError(f"{preview.name} is over 5 MB; lower --width or --fps")
    except PreviewError as error:
        print(f"make_preview: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
