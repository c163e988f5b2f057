#!/usr/bin/env python3
"""Checks a stapel-report stacking map in headless Chromium, driven over WebDriver.

Uses Debian's chromium and chromium-driver and only Python's standard library. The page is
opened from disk with every network request sent to a closed port, so it must work offline.
Checks: nothing is fetched and no script error occurs; every buurt of the GeoJSON is drawn;
switching the layer changes the colours; suppressed buurten are hatched, marked and say so;
keyboard focus tells a buurt's numbers; every table below the map equals its released CSV;
with several periods, the change view has a diverging legend. Saves screenshots.
Exits 0 when all hold, 1 with the first failure otherwise.
"""
import argparse
import base64
import csv
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request


class WebDriver:
    def __init__(self, chromedriver, chromium, offline=True, extra_args=()):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.process = subprocess.Popen(
            [chromedriver, f"--port={self.port}"], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                if self._call("GET", "/status")["ready"]:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("chromedriver did not start")
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1500", *extra_args]
        if offline:  # every request goes to a closed port and no name resolves
            args += ["--proxy-server=http://127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND"]
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {"binary": chromium, "args": args}}}}
        self.session = self._call("POST", "/session", caps)["sessionId"]

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())["value"]

    def do(self, method, path, body=None):
        return self._call(method, f"/session/{self.session}{path}", body)

    def run(self, script, *args):
        return self.do("POST", "/execute/sync", {"script": script, "args": list(args)})

    def click(self, css):
        element = self.do("POST", "/element", {"using": "css selector", "value": css})
        self.do("POST", f"/element/{list(element.values())[0]}/click", {})

    def screenshot(self, path):
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.do("GET", "/screenshot")))
        print(f"screenshot {path}")

    def quit(self):
        try:
            self.do("DELETE", "")
        finally:
            self.process.terminate()
            self.process.wait()


def fail(message):
    print(f"check_report: FAIL: {message}")
    sys.exit(1)


def fills(driver):
    return driver.run("return Object.fromEntries([...document.querySelectorAll('#areas path')]"
                      ".map(p => [p.dataset.code, p.getAttribute('fill')]));")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", required=True, help="the report made by stapel-report")
    parser.add_argument("--geojson", required=True, help="the boundaries it was made from")
    parser.add_argument("--csv", action="append", required=True,
                        help="the released CSV of each release, in the report's order")
    parser.add_argument("--screenshots", required=True, help="folder for the screenshots")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    for tool in (args.chromedriver, args.chromium):
        if not os.access(tool, os.X_OK):
            fail(f"{tool} is missing; install Debian's chromium and chromium-driver "
                 "(deploy/install-deps.sh does)")
    os.makedirs(args.screenshots, exist_ok=True)
    with open(args.geojson) as f:
        codes = {feature["properties"]["statcode"] for feature in json.load(f)["features"]}

    driver = WebDriver(args.chromedriver, args.chromium)
    try:
        driver.do("POST", "/url", {"url": "file://" + os.path.abspath(args.html)})
        fetched = driver.run("return performance.getEntriesByType('resource').map(e => e.name);")
        if fetched:
            fail(f"the report fetched {fetched}")
        errors = [e for e in driver.do("POST", "/se/log", {"type": "browser"})
                  if e["level"] == "SEVERE"]
        if errors:
            fail(f"script errors: {errors}")

        drawn = driver.run(
            "return [...document.querySelectorAll('#areas path')]"
            ".filter(p => { const b = p.getBBox(); return b.width > 0 && b.height > 0; })"
            ".map(p => p.dataset.code);")
        if set(drawn) != codes:
            fail(f"drawn {sorted(drawn)}, GeoJSON has {sorted(codes)}")
        print(f"check_report: all {len(codes)} buurten drawn, nothing fetched, no script error")
        driver.screenshot(os.path.join(args.screenshots, "stacking-map.png"))

        # Every layer of every period: suppressed buurten hatched, marked and labelled.
        periods = driver.run("return document.getElementById('period').options.length;")
        suppressed_seen = 0
        for p in range(periods):
            driver.click(f"#period option[value='{p}']")
            layers = driver.run("return document.getElementById('layer').options.length;")
            before = None
            for layer in range(layers):
                driver.click(f"#layer option[value='{layer}']")
                now = fills(driver)
                if before is not None and now == before:
                    fail(f"period {p}: switching to layer {layer} changed no colour")
                before = now
                states = driver.run(
                    "return [...document.querySelectorAll('#areas path')].map(p => ["
                    "p.dataset.code, p.dataset.state, p.getAttribute('fill'),"
                    "p.getAttribute('aria-label'),"
                    "getComputedStyle(document.getElementById('mark-' + p.dataset.code)).display]);")
                for code, state, fill, label, mark in states:
                    if state == "suppressed":
                        suppressed_seen += 1
                        if fill != "url(#hatch)" or "suppressed" not in label or mark == "none":
                            fail(f"suppressed {code} shows as {fill!r}, {label!r}, mark {mark}")
                    elif mark != "none":
                        fail(f"{code} is {state} but marked as suppressed")
                    if state == "value" and fill.startswith("url"):
                        fail(f"{code} has a value but is hatched")
            legend = driver.run("return document.getElementById('legend-classes').textContent;")
            label = driver.run("return document.getElementById('period').selectedOptions[0].text;")
            if label.startswith("change") and "%-pt" not in legend:
                fail(f"the change view's legend is {legend!r}")
        if suppressed_seen == 0:
            fail("no layer shows a suppressed buurt; the test data should have one")
        print(f"check_report: {periods} period view(s); every layer switch changes colours; "
              f"{suppressed_seen} suppressed buurt-layers hatched and labelled")
        if periods > 1:
            driver.click(f"#period option[value='{periods - 1}']")
            driver.screenshot(os.path.join(args.screenshots, "stacking-map-change.png"))

        # Keyboard: focusing a buurt tells its numbers.
        told = driver.run("const p = document.querySelector('#areas path'); p.focus();"
                          "return [document.getElementById('info').textContent,"
                          "p.getAttribute('aria-label'), p.tabIndex];")
        if told[0] != told[1] or told[2] != 0:
            fail(f"focus on a buurt told {told[0]!r}, expected {told[1]!r}")

        tables = driver.run(
            "return [...document.querySelectorAll('table.release-table')].map(t =>"
            "[...t.rows].map(r => [...r.cells].map(c => c.textContent)));")
        if len(tables) != len(args.csv):
            fail(f"{len(tables)} tables in the report, {len(args.csv)} CSV files given")
        for table, path in zip(tables, args.csv):
            with open(path, newline="") as f:
                expected = list(csv.reader(f))
            if table != expected:
                diff = next((i, a, b) for i, (a, b) in enumerate(zip(table, expected)) if a != b) \
                    if len(table) == len(expected) else (len(table), len(expected))
                fail(f"the table view differs from {path}: {diff}")
        print(f"check_report: the {len(tables)} table view(s) equal the released CSV files")
        print("check_report: OK")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
