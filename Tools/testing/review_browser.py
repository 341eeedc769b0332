#!/usr/bin/env python3
"""Drives the review room in headless Chromium through Selenium (chromium-driver), as a reviewer would, and prints
what it saw as one JSON object on standard output. Used by Tests/RunnerCLITests/ReviewBrowserTests.swift.

Usage: review_browser.py CONFIG.json, where the config holds:
  url          the review room's URL (as `shotrunner review` printed it)
  shots, jobs  how many shots and takes the page must show once the run is done
  run          optional: a command line (list) started once the page is open; the page must follow it live
  pick_shot    the shot whose second take is picked with the key `2`
  approve_job  a job approved with the key `a`
  retake_shot  a shot sent back for a retake with the key `r` and a note
  script_job   a job whose prompt holds a <script> tag: it must be shown as text
  screenshot   where to save a screenshot of the page
"""
import json
import subprocess
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait


def driver():
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000",
                     "--autoplay-policy=no-user-gesture-required", "--mute-audio"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def go_to(browser, body, attribute, wanted, key, steps):
    """Presses `key` until the current shot (`data-shot`) or take (`data-job`) is `wanted`; returns where it is."""
    selector = '[aria-current="true"]' if attribute == "shot" else '[aria-selected="true"]'
    script = "return document.querySelector('%s').dataset.%s" % (selector, attribute)
    for _ in range(steps):
        if browser.execute_script(script) == wanted:
            break
        body.send_keys(key)
    return browser.execute_script(script)


def main():
    config = json.load(open(sys.argv[1]))
    result = {}
    browser = driver()
    wait = WebDriverWait(browser, 120, poll_frequency=0.2)
    run = None
    try:
        browser.get(config["url"])
        wait.until(lambda b: b.execute_script("return document.querySelectorAll('[data-shot]').length") > 0)
        browser.execute_script("window.neverReloaded = true")
        result["shots_at_open"] = browser.execute_script("return document.querySelectorAll('[data-shot]').length")
        result["completed_at_open"] = browser.execute_script(
            "return [...document.querySelectorAll('[data-job]')].filter(e => e.dataset.state === 'completed').length")
        if config.get("run"):
            run = subprocess.Popen(config["run"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        body = browser.find_element(By.TAG_NAME, "body")

        # While the run renders: down to the shot with two takes (rendered by the first run), `2` picks the second;
        # play its clip with space.
        result["current_shot"] = go_to(browser, body, "shot", config["pick_shot"], Keys.ARROW_DOWN, config["shots"])
        body.send_keys("2")
        wait.until(lambda b: b.execute_script(
            "const s = document.querySelector('[data-shot=\"%s\"]'); return !!s && [...s.querySelectorAll('.badge.picked')].length === 1 && "
            "s.querySelector('[aria-selected=\"true\"]').dataset.job.endsWith('~2')" % config["pick_shot"]))
        result["picked_badge"] = browser.execute_script(
            "return document.querySelector('[data-shot=\"%s\"] .badge.picked').closest('[data-job]').dataset.job" % config["pick_shot"])
        body.send_keys(" ")
        wait.until(lambda b: b.execute_script(
            "const v = document.querySelector('[aria-selected=\"true\"] video'); return !!v && v.currentTime > 0"))
        result["played"] = browser.execute_script("return document.querySelector('[aria-selected=\"true\"] video').currentTime")
        body.send_keys("k")

        # Every take on the page, as the run adds them, with no reload.
        wait.until(lambda b: b.execute_script(
            "return document.querySelectorAll('[data-job]').length === %d && "
            "[...document.querySelectorAll('[data-job]')].filter(e => e.dataset.state === 'completed').length === %d"
            % (config["jobs"], config["jobs"])))
        result["shots"] = browser.execute_script("return document.querySelectorAll('[data-shot]').length")
        result["jobs"] = browser.execute_script("return document.querySelectorAll('[data-job]').length")
        result["states"] = browser.execute_script("return [...document.querySelectorAll('[data-job]')].map(e => e.dataset.state)")
        result["never_reloaded"] = browser.execute_script("return window.neverReloaded === true")
        # Up to the job to approve, then `a`.
        target = config["approve_job"]
        go_to(browser, body, "job", target, Keys.ARROW_UP, 2 * config["shots"])
        body.send_keys("a")
        wait.until(lambda b: b.execute_script(
            "return !!document.querySelector('[data-job=\"%s\"] .badge.approved')" % target))
        result["approved"] = target

        # A retake with a note, from the page.
        retake = config["retake_shot"]
        go_to(browser, body, "shot", retake, Keys.ARROW_DOWN, 2 * config["shots"])
        body.send_keys("r")
        wait.until(lambda b: b.execute_script("return document.getElementById('note-dialog').open"))
        browser.find_element(By.ID, "note-text").send_keys("closer on the dial")
        browser.find_element(By.ID, "note-ok").click()
        wait.until(lambda b: b.execute_script(
            "return !!document.querySelector('[data-shot=\"%s\"] .badge.retake')" % retake))
        result["retake_badge"] = browser.execute_script(
            "return document.querySelector('[data-shot=\"%s\"] .badge.retake').textContent" % retake)

        # The help overlay.
        body.send_keys("?")
        result["help_shown"] = browser.execute_script("return !document.getElementById('help').hidden")
        body.send_keys("?")

        # A prompt with a <script> tag is text, and never runs.
        result["script_text"] = browser.execute_script(
            "return document.querySelector('[data-job=\"%s\"] .prompt').textContent" % config["script_job"])
        result["script_ran"] = browser.execute_script("return window.pwned === 1")

        # The cut from the current picks.
        browser.find_element(By.CSS_SELECTOR, '[data-action="assemble"]').click()
        wait.until(lambda b: b.execute_script(
            "const v = document.getElementById('cut-video'); return !document.getElementById('cut').hidden && v.readyState >= 1 && v.duration > 0"))
        result["cut_seconds"] = browser.execute_script("return document.getElementById('cut-video').duration")
        result["cut_files"] = browser.execute_script("return [...document.querySelectorAll('#cut-files a')].map(a => a.textContent)")
        browser.save_screenshot(config["screenshot"])
        if run:
            result["run_status"] = run.wait(timeout=120)
    except Exception as error:  # noqa: BLE001 (reported to the test, which fails on it)
        result["error"] = "%s: %s" % (type(error).__name__, error)
        try:
            browser.save_screenshot(config["screenshot"])
        except Exception:  # noqa: BLE001
            pass
    finally:
        if run and run.poll() is None:
            run.kill()
        browser.quit()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
