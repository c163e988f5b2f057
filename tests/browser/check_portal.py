#!/usr/bin/env python3
"""Checks the hub's HTTPS portal as its users meet it.

Headless Chromium (Debian's chromium and chromium-driver, over WebDriver) without a client
certificate must be refused at the TLS handshake. Then, as the requester (Python's own TLS
client with the requester's certificate, as a browser with it imported would send): the home
page lists the compose form; a composed table (adults; wmo AND debts) is released and its map,
CSV and JSON are served; a request the manifest does not allow is refused with the reason; a
form without the portal's token is refused; the release log is closed to requesters. As the
privacy officer: the log verifies and lists the composed release. A certificate of the project
CA whose name is no requester or officer gets 403. Prints "released N" for the composed table.
"""
import argparse
import http.client
import json
import os
import re
import ssl
import sys
import urllib.error
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_report import WebDriver, fail  # noqa: E402


class Client:
    def __init__(self, port, ca, cert=None, key=None):
        self.port = port
        self.context = ssl.create_default_context(cafile=ca)
        self.context.check_hostname = False  # the hub's certificate is for 127.0.0.1 and "hub"
        if cert:
            self.context.load_cert_chain(cert, key)

    def request(self, method, path, form=None):
        connection = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context,
                                                 timeout=120)
        body = None if form is None else urllib.parse.urlencode(form, doseq=True)
        headers = {} if form is None else {"Content-Type": "application/x-www-form-urlencoded"}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        result = (response.status, response.getheader("Location"),
                  response.read().decode("utf-8"), response.getheader("Content-Security-Policy"))
        connection.close()
        return result


def expect(condition, message):
    if not condition:
        fail(message)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--keys", required=True, help="the project's keys folder")
    parser.add_argument("--screenshots", required=True)
    args = parser.parse_args()
    keys = lambda name: os.path.join(args.keys, name)  # noqa: E731
    url = f"https://127.0.0.1:{args.port}/"

    # 1. A browser without a client certificate gets no page.
    os.makedirs(args.screenshots, exist_ok=True)
    driver = WebDriver("/usr/bin/chromedriver", "/usr/bin/chromium",
                       offline=False, extra_args=["--ignore-certificate-errors"])
    try:
        try:
            driver.do("POST", "/url", {"url": url})
        except urllib.error.HTTPError as e:  # the navigation failed, as it should
            error = json.loads(e.read())["value"]["message"].splitlines()[0]
            print(f"check_portal: chromium without a certificate: {error}")
            expect("SSL" in error, f"chromium failed for another reason: {error}")
        text = driver.run("return document.body ? document.body.innerText : '';")
        driver.screenshot(os.path.join(args.screenshots, "portal-without-certificate.png"))
        expect("Stapel portal" not in text and "Signed in" not in text,
               f"the portal served a browser without a certificate: {text[:200]!r}")
    finally:
        driver.quit()
    try:
        Client(args.port, keys("ca.crt")).request("GET", "/")
        fail("a TLS client without a certificate was served")
    except (ssl.SSLError, ConnectionError, http.client.HTTPException):
        pass
    print("check_portal: refused without a client certificate (browser and TLS client)")

    # 2. The requester composes a table.
    analyst = Client(args.port, keys("ca.crt"), keys("analyst.crt"), keys("analyst.key"))
    status, _, home, policy = analyst.request("GET", "/")
    expect(status == 200 and "Signed in as <strong>analyst</strong>" in home, f"home: {status}")
    expect(policy and "default-src 'none'" in policy, f"no strict CSP: {policy!r}")
    token = re.search(r'name="token" value="([0-9a-f]+)"', home).group(1)
    form = {"token": token, "purpose": "portal test", "population": "adults", "level": "buurt",
            "indicator": ["wmo", "debts"], "combine": "and", "n": "2", "measures": ""}
    status, location, _, _ = analyst.request("POST", "/compose", form)
    expect(status == 303 and location and location.startswith("/releases/"),
           f"compose answered {status} {location}")
    seq = location.rsplit("/", 1)[1]
    status, _, page, _ = analyst.request("GET", location)
    expect(status == 200 and '<svg id="map"' in page and "all_of_wmo_debts" in page,
           f"release page: {status}")
    with open(os.path.join(args.screenshots, "portal-release.html"), "w") as f:
        f.write(page)
    status, _, csv_text, _ = analyst.request("GET", location + ".csv")
    expect(status == 200 and csv_text.startswith("level,code,name,parent,adults,all_of_wmo_debts"),
           f"CSV: {status} {csv_text[:80]!r}")
    status, _, json_text, _ = analyst.request("GET", location + ".json")
    expect(status == 200 and '"requester": "analyst"' in json_text, f"JSON: {status}")
    status, _, home, _ = analyst.request("GET", "/")
    expect(f'href="/releases/{seq}.csv"' in home, "the home page does not list the release")
    print(f"check_portal: composed table released as entry {seq}; map, CSV and JSON served")

    # 3. Refusals say why.
    refused = dict(form, population="pensioners")
    status, _, page, _ = analyst.request("POST", "/compose", refused)
    expect(status == 422 and "The hub refused this table" in page and "pensioners" in page,
           f"unknown population: {status}")
    # Forms up to the portal's 64 KiB body limit are read and answered with the reason (here: a
    # purpose over 1,000 characters); larger ones get 413 before anything is read.
    status, _, page, _ = analyst.request("POST", "/compose", dict(form, purpose="p" * (40 * 1024)))
    expect(status == 422 and "purpose is longer than 1000 characters" in page,
           f"a 40 KiB form got {status}: {page[page.find('refused this'):][:200]!r}")
    status, _, _, _ = analyst.request("POST", "/compose", dict(refused, purpose="p" * (80 * 1024)))
    expect(status == 413, f"an 80 KiB form got {status}")
    status, _, _, _ = analyst.request("POST", "/compose", dict(form, token="00" * 32))
    expect(status == 403, f"a form with a wrong token was accepted ({status})")
    status, _, _, _ = analyst.request("GET", "/log")
    expect(status == 403, f"a requester read the log ({status})")
    status, _, _, _ = analyst.request("GET", "/releases/1")
    expect(status == 404, f"a requester saw an entry that is not its release ({status})")
    outsider = Client(args.port, keys("ca.crt"), keys("credit.crt"), keys("credit.key"))
    status, _, page, _ = outsider.request("GET", "/")
    expect(status == 403 and "not a requester or privacy officer" in page,
           f"a party's certificate got {status}")
    print("check_portal: refusals: unknown population (422, with the reason), a 40 KiB form "
          "read and refused with the reason (422), an 80 KiB form (413), wrong form token, "
          "log for a requester, another's entry, a party's certificate (403)")

    # 4. The privacy officer reads the verified log.
    officer = Client(args.port, keys("ca.crt"), keys("officer.crt"), keys("officer.key"))
    status, _, page, _ = officer.request("GET", "/log")
    expect(status == 200 and "entries verified" in page and "LP audit: every suppressed" in page,
           f"officer's log: {status} {page[:300]!r}")
    expect(f"#{seq} " in page and "release to &#39;analyst&#39; (portal test)" in page,
           "the log page does not show the composed release")
    expect("REFUSED &#39;analyst&#39;" in page, "the log page does not show the refusal")
    print("check_portal: the officer's page verifies the log and lists the release and refusal")
    print(f"released {seq}")
    print("check_portal: OK")


if __name__ == "__main__":
    main()
