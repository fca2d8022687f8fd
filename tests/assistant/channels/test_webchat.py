"""The web chat page in headless Chromium (Debian's), over socket.io to the real server."""

from __future__ import annotations

import shutil

import pytest

pytestmark = pytest.mark.server
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    if not shutil.which("chromium"):
        pytest.fail("Chromium is missing: install Debian's package `chromium` (make browser does).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, servers):
    context = browser.new_context()
    opened = context.new_page()
    opened.goto(f"{servers.url}/webhooks/socketio/chat/")
    opened.wait_for_function("document.getElementById('status').textContent === 'connected'", timeout=30_000)
    yield opened
    context.close()


def ask(page, text: str) -> None:
    page.fill("#text", text)
    page.press("#text", "Enter")


def test_a_question_typed_in_the_page_gets_its_answer(page):
    ask(page, "what is mlflow?")
    page.wait_for_selector(".bot:has-text('MLflow')", timeout=30_000)
    assert page.locator(".user").first.inner_text() == "what is mlflow?"


def test_buttons_are_clickable_and_answer(page):
    ask(page, "feature store options")
    first = page.locator(".bot .buttons button").first
    first.wait_for(timeout=30_000)
    name = first.inner_text()
    first.click()
    page.wait_for_selector(f".bot:has-text('{name} (')", timeout=30_000)


def test_markup_in_a_message_is_shown_as_text_not_run(page):
    ask(page, "<img src=x onerror=\"document.title='owned'\">")
    page.wait_for_selector(".bot >> nth=0", timeout=30_000)
    assert page.title() == "MLOps assistant"
    assert page.locator(".user img, .bot img").count() == 0


def test_a_reloaded_page_keeps_the_session_the_server_issued_and_its_conversation(page, servers):
    ask(page, "what is mlflow?")
    page.wait_for_selector(".bot:has-text('MLflow')", timeout=30_000)
    session = page.evaluate("localStorage.getItem('mlops-assistant-session')")
    nonce, mac = session.split(".")  # issued by the server: a random part and its HMAC
    assert len(nonce) == 32 and len(mac) == 32
    page.reload()
    page.wait_for_function("document.getElementById('status').textContent === 'connected'", timeout=30_000)
    assert page.evaluate("localStorage.getItem('mlops-assistant-session')") == session
    ask(page, "is it open source?")
    page.wait_for_selector(".bot >> nth=0", timeout=30_000)
    texts = []
    for _ in range(60):
        texts = servers.user_texts(f"webchat:{nonce}")
        if len(texts) == 2:
            break
        page.wait_for_timeout(500)
    assert texts == ["what is mlflow?", "is it open source?"]
