"""End to end in a real browser: `streamlit run app.py` as a subprocess, Debian's Chromium driven by Playwright.

The path a managing director takes: import the filled questionnaire, see the use cases, download the PDF brief
(its text is checked with pypdf), ask a follow-up question, look at funding and the knowledge base.
Screenshots go to a temp dir; set SCREENSHOT_DIR=docs/screenshots to refresh the ones in the repository.
Never run `playwright install`: the system Chromium (`make browser` installs it) is used.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import urllib.parse
from pathlib import Path

import pytest
from streamlit_server import streamlit_app

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
EXAMPLE = ROOT / "evals" / "personas" / "example_handwerk.json"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SLOW = 180_000  # ms: the first consultation loads the embedding model

pytestmark = [pytest.mark.browser, pytest.mark.slow]

if not CHROMIUM.exists():
    pytest.skip("Chromium fehlt unter /usr/bin/chromium (Debian-Paket 'chromium', `make browser` installiert es); "
                "Browser-Tests übersprungen.", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright für Python ist nicht installiert.")


@pytest.fixture(scope="module")
def app_server(real_engine, tmp_path_factory):
    """The app on a free loopback port over a private copy of the ingested index."""
    data = tmp_path_factory.mktemp("browser") / "data"
    shutil.copytree(real_engine.settings.data_dir, data, ignore=shutil.ignore_patterns("consultations.sqlite*"))
    with (data.parent / "streamlit.log").open("w") as log, streamlit_app(data, output=log) as url:
        yield url


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    target = os.environ.get("SCREENSHOT_DIR")
    path = (ROOT / target) if target and not Path(target).is_absolute() else Path(target or tmp_path_factory.mktemp("shots"))
    path.mkdir(parents=True, exist_ok=True)
    return path


REQUESTS: list[str] = []
"""Every URL any page of the browser context requested, in order (checked by the last test)."""
LOCAL_HOSTS = {"127.0.0.1"}


def is_local(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in {"data", "blob", "about"} or parts.hostname in LOCAL_HOSTS


def _guard(route) -> None:
    """Outside requests are recorded (above) and refused here, so a failing test leaks nothing either."""
    if is_local(route.request.url):
        route.continue_()
    else:
        route.abort()


@pytest.fixture(scope="module")
def page(app_server, tmp_path_factory):
    with playwright_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
            viewport={"width": 1440, "height": 1600}, accept_downloads=True, locale="de-DE")
        context.on("request", lambda request: REQUESTS.append(request.url))
        context.route("**/*", _guard)
        pg = context.new_page()
        pg.set_default_timeout(SLOW)
        pg.goto(app_server)
        yield pg
        context.close()


def settle(page) -> None:
    """Wait until Streamlit has finished the current run (the 'running' indicator is gone)."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=SLOW)
    page.wait_for_timeout(500)


def to_top(page) -> None:
    page.evaluate("document.querySelector('[data-testid=\"stMain\"]')?.scrollTo(0, 0)")
    page.wait_for_timeout(300)


def nav(page, label: str) -> None:
    """Client-side navigation through the sidebar keeps the session (and the consultation on screen)."""
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=label, exact=True).click()
    settle(page)


def test_consultation_end_to_end(page, shots: Path, tmp_path: Path) -> None:
    page.get_by_role("heading", name="Beratung", exact=True).wait_for()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(EXAMPLE))
    page.get_by_role("button", name="Importieren und auswerten").click()
    page.get_by_role("tab", name="Use Cases").wait_for()
    settle(page)
    page.get_by_role("tab", name="Use Cases").click()
    page.get_by_role("heading", name="Empfohlene Use Cases").wait_for()
    cases = page.locator("h4").filter(has_text="1. ")
    assert cases.count() >= 1
    first_case = cases.first.inner_text().split(". ", 1)[1]
    page.get_by_role("tab", name="Plan").click()
    page.get_by_text("Mandat der Geschäftsführung").first.wait_for()
    to_top(page)
    page.screenshot(path=str(shots / "beratung_ergebnis.png"))

    with page.expect_download() as info:
        page.get_by_role("button", name="PDF herunterladen").click()
    pdf_path = tmp_path / "brief.pdf"
    info.value.save_as(pdf_path)
    assert info.value.suggested_filename.startswith("KI-Sprechstunde_Huber_Haustechnik_GmbH_")

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf_path.read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert 1 <= len(reader.pages) <= 3  # brief with session part and radar
    assert "Huber Haustechnik GmbH" in text and "Mandat der Geschäftsführung" in text
    assert "€" in text and "Nächste Schritte" in text and "größten" in text
    assert " ".join(first_case.split()) in text


PHONE = {"width": 390, "height": 844}


def _no_sideways_scroll(pg) -> int:
    """How far the main area is wider than the screen (0 = nothing to scroll sideways)."""
    return pg.evaluate("""() => { const m = document.querySelector('[data-testid="stMain"]');
        return Math.max(document.documentElement.scrollWidth, m ? m.scrollWidth : 0) - window.innerWidth; }""")


def _sidebar_open(pg) -> bool:
    """Streamlit slides a closed sidebar off the screen to the left."""
    return pg.evaluate("""() => { const s = document.querySelector('[data-testid="stSidebar"]');
        return !!s && s.getBoundingClientRect().right > 10; }""")


def test_result_on_a_phone(page, app_server, shots: Path) -> None:
    """390 × 844: the use cases are one tap away at the top, every step shows who, what and by when inside the
    screen width, and the sidebar closes again after navigating."""
    pg = page.context.new_page()
    pg.set_default_timeout(SLOW)
    pg.set_viewport_size(PHONE)
    pg.goto(app_server)
    pg.get_by_role("heading", name="Beratung", exact=True).wait_for()
    assert not _sidebar_open(pg), "the sidebar starts closed on a phone"
    pg.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(EXAMPLE))
    pg.get_by_role("button", name="Importieren und auswerten").click()
    tab = pg.get_by_role("tab", name="Use Cases")
    tab.wait_for()
    settle(pg)
    to_top(pg)
    box = tab.bounding_box()
    assert box is not None and box["y"] < 2 * PHONE["height"], f"use cases reachable within two screens: {box}"
    pg.get_by_role("tab", name="Plan").click()
    pg.get_by_role("heading", name="Nächste Schritte").wait_for()
    settle(pg)
    steps = pg.locator('[data-testid="stMarkdownContainer"]:visible').filter(
        has_text=re.compile(r"^\s*\d{2}\.\d{2}\.\d{4} · "))
    assert steps.count() >= 3
    for i in range(min(steps.count(), 4)):
        step = steps.nth(i)
        step.scroll_into_view_if_needed()
        b = step.bounding_box()
        assert b is not None and b["x"] >= 0 and b["x"] + b["width"] <= PHONE["width"] + 1, b
        text = step.inner_text()
        assert re.match(r"\d{2}\.\d{2}\.\d{4} · ", text), "by when and who come first, then what: " + text
    assert _no_sideways_scroll(pg) <= 1, "the result page never scrolls sideways on a phone"
    pg.get_by_role("heading", name="Nächste Schritte").scroll_into_view_if_needed()
    pg.screenshot(path=str(shots / "telefon_naechste_schritte.png"))
    # open the sidebar, navigate: it closes again
    pg.locator('[data-testid="stExpandSidebarButton"]').click()
    pg.wait_for_timeout(800)
    assert _sidebar_open(pg)
    pg.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Förderfinder", exact=True).click()
    settle(pg)
    pg.wait_for_timeout(800)
    assert not _sidebar_open(pg), "the sidebar closes after navigating on a phone"
    pg.close()


def test_follow_up_question_in_chat(page, shots: Path) -> None:
    nav(page, "Fragen")
    page.get_by_text("Offline-Modus").first.wait_for()
    box = page.locator('[data-testid="stChatInputTextArea"]')
    box.fill("Welche Förderung gibt es für Beratung zur Digitalisierung?")
    box.press("Enter")
    page.get_by_text("Quellen (").first.wait_for()
    settle(page)
    assert page.get_by_text("Bezogen auf Bayern").count() == 1, "the consultation's state scopes the answer"
    page.get_by_text("Quellen (").first.click()
    page.wait_for_timeout(500)
    page.screenshot(path=str(shots / "fragen.png"))


def test_funding_finder_and_knowledge_base(page, shots: Path) -> None:
    nav(page, "Förderfinder")
    page.get_by_text("Programme** gefunden").or_(page.get_by_text("Programme gefunden")).first.wait_for()
    assert page.locator('[data-testid="stDataFrame"]').count() == 1
    # show ended programmes too: they appear greyed out with their end date
    page.locator('[data-testid="stMultiSelect"]').nth(1).click()
    page.get_by_role("option", name="beendet").click()
    page.keyboard.press("Escape")
    settle(page)
    page.get_by_text("beendet (grau, nur zur Information)").wait_for()
    to_top(page)
    page.screenshot(path=str(shots / "foerderfinder.png"))
    nav(page, "Wissensbasis")
    page.get_by_role("heading", name="Eingelesene Dokumente").wait_for()
    page.screenshot(path=str(shots / "wissensbasis.png"))
    nav(page, "Meine Beratungen")
    page.get_by_text("Huber Haustechnik GmbH").first.wait_for()
    page.screenshot(path=str(shots / "meine_beratungen.png"))


def test_no_request_leaves_loopback(page) -> None:
    """Runs last: over the whole session (consultation, PDF, chat, funding, knowledge base) the browser asked
    nothing but the app on 127.0.0.1 — no favicon from Google, no fonts or images from elsewhere."""
    page.reload()
    settle(page)
    assert REQUESTS, "no requests recorded: the recorder is broken"
    outside = sorted({u for u in REQUESTS if not is_local(u)})
    assert outside == [], outside
    icons = page.evaluate("[...document.querySelectorAll('link[rel*=icon]')].map(l => l.href)")
    assert icons and all(is_local(u) for u in icons), icons
