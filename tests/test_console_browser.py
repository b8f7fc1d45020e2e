"""The operators' console in a real browser: Debian's Chromium driven by Selenium (the system
chromedriver; nothing is downloaded), against `ivr console` served by gunicorn on loopback.

A new operator, given an account, closes the center for a day, adds an announcement, tries a
call at that date, publishes (the calendar and a tried call have the closure) and rolls back
(they no longer do), all in Japanese; a YAML draft with an error is shown in Japanese by line;
a viewer is refused at publish; a form without its CSRF token is refused; the emergency closure
is two clicks; a version a line server would not load is on the Today page. Each page is saved as a screenshot under
$IVR_TEST_ARTIFACTS (default tests/artifacts/, not committed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests
from console_helpers import PASSWORD, SECRET
from helpers import ROOT, ROUTES, free_port, wait_for

from ivr.clock import is_japan_holiday

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTIFACTS = Path(os.environ.get("IVR_TEST_ARTIFACTS") or ROOT / "tests" / "artifacts")


def _need_chromium() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        reason = f"{', '.join(missing)} missing: apt-get install chromium chromium-driver (.ci/setup.d/chromium.sh)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def a_working_day(start: date) -> date:
    """A weekday at least a week ahead that is no holiday and not in the year-end break."""
    day = start + timedelta(days=7)
    while day.weekday() >= 5 or is_japan_holiday(day) or (day.month, day.day) in ((12, 29), (12, 30), (12, 31),
                                                                          (1, 1), (1, 2), (1, 3)):
        day += timedelta(days=1)
    return day


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


class Served(str):
    """The console's address; `database` is its records database."""

    database: str


@pytest.fixture(scope="module")
def console_server(tmp_path_factory):
    _need_chromium()
    folder = tmp_path_factory.mktemp("console")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IVR_", "DATABASE_URL", "TWILIO_"))}
    env.update(IVR_CONSOLE_SECRET=SECRET, IVR_CONSOLE_INSECURE_COOKIES="1", IVR_ROUTES=str(ROUTES),
               IVR_RECORDS_DB=str(folder / "console.sqlite3"), IVR_RECORDS_SPOOL="off")
    ivr = str(Path(sys.executable).with_name("ivr"))
    for name, role in (("suzuki", "publisher"), ("yamada", "viewer")):
        subprocess.run([ivr, "operators", "add", name, "--role", role, "--password-stdin"], input=PASSWORD + "\n",
                       text=True, env=env, check=True, capture_output=True, cwd=folder)
    port = free_port()
    server = subprocess.Popen([ivr, "console", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
                              env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = Served(f"http://127.0.0.1:{port}")
    base.database = env["IVR_RECORDS_DB"]
    try:
        wait_for(lambda: _answers(base + "/login"), seconds=60)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def browser():
    _need_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,1400",
                     "--lang=ja", "--disable-gpu", "--no-first-run"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def shot(driver, name: str) -> None:
    """The whole page as a PNG artifact."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1200, min(max(height + 120, 800), 6000))
    driver.save_screenshot(str(ARTIFACTS / f"console-{name}.png"))
    driver.set_window_size(1200, 1400)


def page_text(driver) -> str:
    return driver.find_element("tag name", "body").text


def shows(driver, text: str, seconds: float = 30) -> bool:
    """Whether the page shows `text` within a few seconds (a click's page may still be loading)."""
    from selenium.common.exceptions import TimeoutException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def found(d):
        try:
            return text in page_text(d)
        except WebDriverException:  # the page is being replaced: look again
            return False

    try:
        return WebDriverWait(driver, seconds, poll_frequency=0.2).until(found)
    except TimeoutException:
        return False


def log_in(driver, base: str, name: str) -> None:
    driver.delete_all_cookies()
    driver.get(base + "/login")
    assert driver.find_element("tag name", "html").get_attribute("lang") == "ja"
    driver.find_element("name", "username").send_keys(name)
    driver.find_element("name", "password").send_keys(PASSWORD)
    driver.find_element("css selector", "button.primary").click()
    assert shows(driver, "ログアウト")


def closed_cells(driver) -> list[str]:
    """The dates on which the calendar shows a desk closed by a dated closure."""
    return [cell.find_element("xpath", "./../th").text.split("\n")[0]
            for cell in driver.find_elements("css selector", "table.calendar td.closure")]


def fill_date(driver, field, day: date) -> None:
    driver.execute_script("arguments[0].value = arguments[1]", field, day.isoformat())


def tried_on_the_day(driver, base: str, day: date) -> None:
    """A call tried on what callers hear now, on `day` at 10:30, pressing 4."""
    from selenium.webdriver.support.ui import Select

    driver.get(base + "/try")
    Select(driver.find_element("name", "source")).select_by_value("published")
    driver.execute_script("arguments[0].value = arguments[1]", driver.find_element("name", "at"),
                          f"{day.isoformat()}T10:30")
    driver.find_element("name", "restart").click()
    assert shows(driver, "迷惑メール相談のご案内です。")
    driver.find_element("xpath", "//fieldset[@class='keypad']/button[@value='4']").click()
    assert shows(driver, "4を押した")


def test_a_new_operator_closes_a_day_announces_tries_publishes_and_rolls_back(console_server, browser):
    from selenium.webdriver.support.ui import Select

    base, driver = console_server, browser
    driver.get(base + "/login")
    shot(driver, "login")
    log_in(driver, base, "suzuki")
    shot(driver, "today")
    day = a_working_day(date.today())
    label = f"{day.month}月{day.day}日"

    # A draft with an error, shown in Japanese by line, then thrown away.
    driver.get(base + "/draft/yaml")
    editor = driver.find_element("name", "text")
    text = ROUTES.read_text(encoding="utf-8").replace("desk: jiaa", "desk: jiaa_", 1)
    driver.execute_script("arguments[0].value = arguments[1]", editor, text)
    shot(driver, "yaml")
    driver.find_element("css selector", "button.primary").click()
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "jiaa_" in l)
    assert shows(driver, "エラーがあります")
    assert shows(driver, f"{line}行目")
    assert shows(driver, "窓口 'jiaa_' はありません"), "the checker's message in Japanese"
    shot(driver, "draft-error")
    driver.find_element("xpath", "//button[text()='下書きを破棄する']").click()
    assert shows(driver, "下書きを破棄しました")

    # Close the center for a day, with the form.
    driver.get(base + "/calendar")
    form = driver.find_element("id", "closure")
    fill_date(driver, form.find_element("name", "closure-first"), day)
    Select(form.find_element("name", "closure-desks")).select_by_value("center")
    form.find_element("name", "closure-say").send_keys("本日は臨時休業とさせていただいております。")
    form.find_element("css selector", "button.primary").click()
    assert shows(driver, f"下書きに加えました：{label}")

    # An announcement on that day and the next.
    form = driver.find_element("id", "announcement")
    fill_date(driver, form.find_element("name", "announcement-first"), day)
    fill_date(driver, form.find_element("name", "announcement-last"), day + timedelta(days=1))
    form.find_element("name", "announcement-say").send_keys("宅配業者を名乗る偽のメールにご注意ください。")
    Select(form.find_element("name", "announcement-where")).select_by_value("greeting")
    form.find_element("css selector", "button.primary").click()
    assert shows(driver, "宅配業者を名乗る偽のメール")
    shot(driver, "calendar")

    # The calendar of the next 30 days shows the closure (the draft).
    driver.get(base + "/desks")
    assert closed_cells(driver) == [f"{label}（{'月火水木金土日'[day.weekday()]}）"]
    shot(driver, "desks")

    # Try a call on the draft at that date.
    driver.get(base + "/try")
    Select(driver.find_element("name", "source")).select_by_value("draft")
    driver.execute_script("arguments[0].value = arguments[1]", driver.find_element("name", "at"),
                          f"{day.isoformat()}T10:30")
    driver.find_element("name", "restart").click()
    assert shows(driver, "宅配業者を名乗る偽のメールにご注意ください。")
    driver.find_element("xpath", "//fieldset[@class='keypad']/button[@value='4']").click()
    assert shows(driver, "本日は臨時休業とさせていただいております。")
    assert shows(driver, "4を押した")
    shot(driver, "try")

    # The draft is checked, compared and published.
    driver.get(base + "/draft")
    assert shows(driver, "確認に合格しています")
    assert shows(driver, "新しく聞こえる：")
    shot(driver, "draft")
    driver.find_element("name", "message").send_keys(f"{label} 臨時休業とお知らせ")
    driver.find_element("xpath", "//button[text()='電話に公開する']").click()
    assert shows(driver, "版2として公開しました")
    shot(driver, "history")
    driver.get(base + "/desks?show=published")
    assert len(closed_cells(driver)) == 1
    tried_on_the_day(driver, base, day)
    assert shows(driver, "本日は臨時休業とさせていただいております。"), "what callers hear now has it"

    # Rolled back: the closure is gone from what callers hear.
    driver.get(base + "/history")
    rows = driver.find_elements("css selector", "tbody tr")
    version_one = next(r for r in rows if r.find_element("tag name", "td").text.startswith("1"))
    version_one.find_element("xpath", ".//button[text()='この版に戻す']").click()
    assert shows(driver, "版1をもう一度公開しました")
    driver.get(base + "/desks")
    assert closed_cells(driver) == []
    tried_on_the_day(driver, base, day)
    assert shows(driver, "4を押した")
    assert "臨時休業" not in page_text(driver), "rolled back: callers no longer hear it"

    for name, path in (("menus", "/menus"), ("reports", "/reports")):
        driver.get(base + path)
        assert driver.find_element("tag name", "html").get_attribute("lang") == "ja"
        shot(driver, name)


def test_a_form_without_csrf_is_refused_and_the_emergency_closure_is_two_clicks(console_server, browser):
    base, driver = console_server, browser
    log_in(driver, base, "suzuki")
    driver.get(base + "/calendar")
    from selenium.webdriver.support.ui import Select

    form = driver.find_element("id", "closure")
    fill_date(driver, form.find_element("name", "closure-first"), a_working_day(date.today()))
    Select(form.find_element("name", "closure-desks")).select_by_value("center")
    driver.execute_script("document.querySelector('#closure input[name$=csrf_token]').remove()")
    driver.find_element("css selector", "#closure button.primary").click()
    assert shows(driver, "このフォームは受け付けられませんでした")
    shot(driver, "csrf-refused")

    driver.get(base + "/calendar")
    driver.find_element("css selector", "#emergency button.danger").click()  # first click
    assert shows(driver, "お客様に聞こえる案内")
    shot(driver, "emergency")
    driver.find_element("css selector", "button.danger.big").click()  # second click
    assert shows(driver, "休業です")
    driver.get(base + "/history")
    assert shows(driver, "緊急休業")


def test_a_viewer_sees_no_publish_button_and_is_refused_at_publish(console_server, browser):
    base, driver = console_server, browser
    log_in(driver, base, "yamada")
    driver.get(base + "/draft")
    assert "電話に公開する" not in page_text(driver)
    driver.get(base + "/history")
    assert "この版に戻す" not in page_text(driver)
    token = driver.find_element("css selector", "input[name=csrf_token]").get_attribute("value")
    session = requests.Session()
    for cookie in driver.get_cookies():
        session.cookies.set(cookie["name"], cookie["value"])
    for path in ("/draft/publish", "/history/1/rollback", "/emergency/publish"):
        refused = session.post(base + path, data={"csrf_token": token, "message": "x"},
                               headers={"Referer": base + "/history"}, timeout=30)
        assert refused.status_code == 403, path
        assert "権限がありません" in refused.text
    driver.get(base + "/history")
    assert shows(driver, "権限なし"), "the refusals are in the audit trail"


def test_a_version_the_line_will_not_load_is_on_the_today_page(console_server, browser):
    """A line server starting on a published version it cannot load (a newer line's file)
    serves the routes file instead; the Today page says which server, which version and why,
    in Japanese."""
    from records_helpers import record_app

    from ivr.clock import japan_now
    from ivr.records.database import make_engine
    from ivr.records.versions import VersionStore
    from ivr.web import wired

    base, driver = console_server, browser
    engine = make_engine(f"sqlite:///{base.database}")
    store = VersionStore(engine)
    good = store.published_number() or 1
    broken = ROUTES.read_text("utf-8").replace("        desk: ipa\n", "        desk: ipa_\n", 1)
    refused = store.publish(broken, author="newer", message="a field this line does not know").number
    try:
        line = record_app(f"sqlite:///{base.database}", japan_now, records_spool="off")
        assert wired(line).line.number is None, "the routes file is served instead"
        assert wired(line).refusals.drain(10)
        wired(line).line.published.stop()
        wired(line).records.close(timeout=1)
        wired(line).refusals.close(timeout=1)
    finally:
        store.rollback(good, author="suzuki", message="the last good version again")
        engine.dispose()
    log_in(driver, base, "yamada")
    assert shows(driver, "電話のサーバーが読み込めなかった版")
    assert shows(driver, f"版{refused}")
    assert shows(driver, "窓口 'ipa_' はありません"), "why, in the operators' words"
    shot(driver, "today-refused")
