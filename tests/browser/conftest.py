"""Browser tests: Debian's chromium driven by Playwright against the real app on 127.0.0.1 (the `live_server`
fixture of tests/conftest.py), with a PNG of every screen under artifacts/screenshots/.

No browser is downloaded: `playwright install` is never run; the system chromium is launched by path."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, ViewportSize, expect, sync_playwright

from staff_support import PASSWORD

CHROMIUM = os.environ.get("OTKLIK_CHROMIUM", "/usr/bin/chromium")
# Quiet, reproducible runs: no GPU, no first-run pages, nothing that calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
# A wait long enough for a loaded CI machine, short enough that a missing element fails fast.
TIMEOUT_MS = 10_000


# Package scope, not session: sync Playwright keeps an event loop running in this thread while it is open, and
# the channel tests that follow call asyncio.run — the driver must be stopped when the browser tests end.
@pytest.fixture(scope="package")
def playwright_driver() -> Iterator[Playwright]:
    # Fail, never skip: `make test` installs Debian's chromium (scripts/ensure-services.sh).
    assert Path(CHROMIUM).exists(), f"no chromium at {CHROMIUM}: run `make services` or set OTKLIK_CHROMIUM"
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def chromium(playwright_driver: Playwright) -> Iterator[Browser]:
    """One browser process for the run; each test gets its own context (a fresh profile: no cookies)."""
    launched = playwright_driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


class Profiles:
    """Fresh browser profiles against the live server, one per person of a story (cookies never shared), all
    closed when the test ends."""

    def __init__(self, chromium: Browser, base_url: str) -> None:
        self._chromium, self._base_url = chromium, base_url
        self._opened: list[BrowserContext] = []

    def new(self, viewport: ViewportSize = DESKTOP) -> BrowserContext:
        # A Russian locale, as the people using it have.
        context = self._chromium.new_context(base_url=self._base_url, viewport=viewport, locale="ru-RU")
        context.set_default_timeout(TIMEOUT_MS)
        self._opened.append(context)
        return context

    def close(self) -> None:
        for context in self._opened:
            context.close()


@pytest.fixture
def profiles(chromium: Browser, live_server: str) -> Iterator[Profiles]:
    expect.set_options(timeout=TIMEOUT_MS)
    opened = Profiles(chromium, live_server)
    yield opened
    opened.close()


@pytest.fixture
def browser(profiles: Profiles) -> BrowserContext:
    """One fresh profile (no cookies) pointed at the live server."""
    return profiles.new()


def shot(page: Page, name: str) -> Path:
    """Saves the whole page as artifacts/screenshots/<name>.png (numbered names keep the story's order)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # Written aside and renamed: `make test` runs the SQLite and PostgreSQL passes side by side, both taking it.
    partial = path.with_name(f".{name}.{os.getpid()}.png")
    partial.write_bytes(page.screenshot(full_page=True))
    partial.replace(path)
    return path


def sign_in(context: BrowserContext, login: str, password: str = PASSWORD) -> Page:
    """A new tab signed in to the workplace through the sign-in form, as a person does it."""
    page = context.new_page()
    page.goto("/ui/login")
    page.get_by_label("Логин").fill(login)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    expect(page).not_to_have_url(re.compile(r"/ui/login"))
    return page
