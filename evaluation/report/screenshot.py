"""Opens a report in headless Chromium (Debian's, `make browser`) and saves a screenshot.

    python -m evaluation.report.screenshot results/report.html docs/report.png

Also what the tests use to check that the page renders: the console errors it logged and the size
each plot was drawn at.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Dict, List, Tuple

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def open_report(
    page_path: Path, screenshot: Path, width: int = 1200, height: int = 1500
) -> Tuple[List[str], Dict[str, Tuple[int, int]]]:
    """The console errors and failed requests of the page, and each plot's drawn size (id -> width,
    height); saves the first `height` pixels as a PNG."""
    from playwright.sync_api import sync_playwright

    errors: List[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
            page.goto(page_path.resolve().as_uri())
            page.wait_for_load_state("load")
            plots = page.evaluate(
                "Object.fromEntries(Array.from(document.querySelectorAll('img.plot'))"
                ".map(i => [i.id, [i.naturalWidth, i.getBoundingClientRect().height]]))"
            )
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot))
        finally:
            browser.close()
    return errors, {name: (int(size[0]), int(size[1])) for name, size in plots.items()}


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    errors, plots = open_report(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{len(plots)} plots drawn; console errors: {errors or 'none'}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
