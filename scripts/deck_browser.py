"""Open an HTML deck in headless Chromium with the network cut off, as the tests do; take a picture of a slide.

Run from the repository root::

    python scripts/deck_browser.py media/decks/ForwardPassSlides.html --slide 3 --screenshot assets/deck.png

It opens the deck from a copy in an empty folder, steps to the slide with the
arrow key as a lecturer would, lets the slide's clip play to its end, and saves
the browser's view at 1280x720. It needs Debian's ``chromium`` and
``chromium-driver``, which ``scripts/setup.sh --browser`` installs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
except ImportError as missing:
    sys.exit(
        f"deck_browser: error: {missing.name} is not installed here; use the environment "
        "that bash scripts/setup.sh installs in .venv"
    )

VIEWPORT = (1280, 720)
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # No name resolves, so nothing outside this machine can be reached.
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
INSTALL_HINT = "apt-get install chromium chromium-driver (bash scripts/setup.sh --browser installs them)"
LOCAL_SCHEMES = ("file:", "data:", "blob:", "chrome:")
"""Addresses that never reach the network: the deck's own kinds, and the browser's own pages
(its new-tab page, still loading its parts when the deck is opened)."""

CURRENT_VIDEO = """
const slide = Reveal.getCurrentSlide();
const content = slide && slide.slideBackgroundContentElement;
const video = content && content.querySelector('video');
if (!video) return null;
return {time: video.currentTime, duration: video.duration, ended: video.ended, paused: video.paused,
        error: video.error && video.error.code, ready: video.readyState};
"""


class BrowserError(RuntimeError):
    """The browser cannot be started or the deck does not behave; the message says why."""


@contextmanager
def chromium() -> Iterator[webdriver.Chrome]:
    """Headless Chromium with a fresh profile, no network, and its console and network logs recorded."""
    binary = shutil.which("chromium")
    driver_binary = shutil.which("chromedriver")
    if binary is None or driver_binary is None:
        missing = " and ".join(
            name for name, path in (("chromium", binary), ("chromedriver", driver_binary)) if not path
        )
        raise BrowserError(f"the deck is tested in Chromium, but {missing} cannot be found; {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="deck-profile-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = binary
        for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        # reveal.js writes its speaker view into a new window that never finishes loading, and a
        # driver that waited for page loads would wait there for ever; open_deck waits for reveal.js.
        options.page_load_strategy = "none"
        try:
            # The driver is named, so that selenium never looks for one on the network.
            driver = webdriver.Chrome(service=Service(executable_path=driver_binary), options=options)
        except WebDriverException as error:
            raise BrowserError(f"Chromium did not start: {error.msg or error}") from None
        try:
            driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": VIEWPORT[0], "height": VIEWPORT[1], "deviceScaleFactor": 1, "mobile": False},
            )
            yield driver
        finally:
            driver.quit()


def open_deck(driver: webdriver.Chrome, html: Path, timeout: float = 30.0) -> int:
    """Load the deck and wait until reveal.js is ready; return its number of slides."""
    driver.get_log("performance")  # forget what the browser loaded before the deck
    driver.get(html.resolve().as_uri())
    wait_for(driver, "return typeof Reveal !== 'undefined' && Reveal.isReady()", timeout, "reveal.js to be ready")
    return driver.execute_script("return Reveal.getTotalSlides()")


def wait_for(driver: webdriver.Chrome, script: str, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        value = driver.execute_script(script)
        if value:
            return value
        if time.monotonic() > deadline:
            raise BrowserError(f"waited {timeout:g} s for {what}")
        time.sleep(0.05)


def next_slide(driver: webdriver.Chrome) -> int:
    """Press the right arrow, as a lecturer would, and return the new slide's index."""
    before = current_slide(driver)
    ActionChains(driver).send_keys(Keys.ARROW_RIGHT).perform()
    wait_for(driver, f"return Reveal.getIndices().h !== {before}", 10, f"the slide after slide {before + 1}")
    return current_slide(driver)


def current_video(driver: webdriver.Chrome) -> dict | None:
    """The state of the current slide's clip, or ``None`` when the slide has none."""
    return driver.execute_script(CURRENT_VIDEO)


def play_to(driver: webdriver.Chrome, seconds: float, timeout: float = 20.0) -> dict:
    """Wait until the current clip has played ``seconds``, or to its end if it is shorter; return its state."""
    deadline = time.monotonic() + timeout
    while True:
        state = current_video(driver)
        if state is not None:
            if state["error"]:
                raise BrowserError(
                    f"slide {current_slide(driver) + 1}: its video failed with media error {state['error']}"
                )
            if state["ended"] or state["time"] >= min(seconds, state["duration"] - 0.01):
                return state
        if time.monotonic() > deadline:
            raise BrowserError(
                f"slide {current_slide(driver) + 1}: its video did not play {seconds:g} s in {timeout:g} s: {state}"
            )
        time.sleep(0.05)


def current_slide(driver: webdriver.Chrome) -> int:
    """The index of the slide on screen, from 0."""
    return driver.execute_script("return Reveal.getIndices().h")


def speaker_notes(driver: webdriver.Chrome, timeout: float = 30.0) -> str:
    """Press S for reveal.js's speaker view, as a lecturer would, and return the notes it shows."""
    deck = driver.current_window_handle
    before = set(driver.window_handles)
    ActionChains(driver).send_keys("s").perform()
    deadline = time.monotonic() + timeout
    while not set(driver.window_handles) - before:
        if time.monotonic() > deadline:
            raise BrowserError(f"no speaker view opened in {timeout:g} s")
        time.sleep(0.05)
    driver.switch_to.window((set(driver.window_handles) - before).pop())
    try:
        script = (
            "const notes = document.querySelector('.speaker-controls-notes .value'); return notes && notes.innerText"
        )
        return wait_for(driver, script, max(deadline - time.monotonic(), 1), "the speaker view's notes")
    finally:
        driver.close()
        driver.switch_to.window(deck)


def browser_errors(driver: webdriver.Chrome) -> list[str]:
    """The console's errors since the last call."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def remote_requests(driver: webdriver.Chrome) -> list[str]:
    """Every address the page asked for, since the last call, that is not on this machine or in the page."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if not url.startswith(LOCAL_SCHEMES):
                urls.append(url)
    return urls


def screenshot(html: Path, slide: int, dest: Path) -> None:
    """Open ``html`` from an empty folder, go to ``slide`` (from 1), play its clip through, and save the view."""
    with tempfile.TemporaryDirectory(prefix="deck-alone-") as folder:
        alone = Path(folder) / html.name
        shutil.copyfile(html, alone)
        with chromium() as driver:
            total = open_deck(driver, alone)
            if not 1 <= slide <= total:
                raise BrowserError(f"the deck has slides 1 to {total}, not {slide}")
            while current_slide(driver) + 1 < slide:
                next_slide(driver)
            play_to(driver, float("inf"), timeout=60)
            time.sleep(0.5)  # let the last frame and reveal.js's transition settle
            dest.parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(dest))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("deck", type=Path, help="the HTML deck")
    parser.add_argument("--slide", type=int, default=1, help="the slide to show, from 1 (default: 1)")
    parser.add_argument("--screenshot", type=Path, required=True, help="where to save the PNG")
    args = parser.parse_args(argv)
    if not args.deck.is_file():
        sys.stderr.write(f"deck_browser: error: no deck at {args.deck}\n")
        return 2
    try:
        screenshot(args.deck, args.slide, args.screenshot)
    except BrowserError as error:
        sys.stderr.write(f"deck_browser: error: {error}\n")
        return 2
    print(f"deck_browser: saved slide {args.slide} of {args.deck} to {args.screenshot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
