#!/usr/bin/env python3
"""Composes tables through the hub's HTTPS portal, as a requester at the compose form does.

Reads a JSON list of requests ({"purpose", "population", "level", "measures": [{"name",
"expression"}]}), posts each to /compose with the requester's certificate (Python's own TLS
client, as a browser with it imported would send) and follows it to the release page, which
must say how the counts were protected (--expect). Prints "released N" per table.
"""
import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_portal import Client, expect  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--keys", required=True, help="the project's keys folder")
    parser.add_argument("--requester", default="analyst")
    parser.add_argument("--requests", required=True, help="a JSON file: a list of requests")
    parser.add_argument("--expect", required=True,
                        help="text every release page must hold (how counts were protected)")
    args = parser.parse_args()
    keys = lambda name: os.path.join(args.keys, name)  # noqa: E731
    client = Client(args.port, keys("ca.crt"), keys(args.requester + ".crt"),
                    keys(args.requester + ".key"))
    status, _, home, _ = client.request("GET", "/")
    expect(status == 200, f"home: {status}")
    token = re.search(r'name="token" value="([0-9a-f]+)"', home).group(1)
    with open(args.requests) as f:
        requests = json.load(f)
    for i, request in enumerate(requests):
        form = {"token": token, "purpose": request["purpose"],
                "population": request["population"], "level": request["level"],
                "measures": "\n".join(f"{m['name']} = {m['expression']}"
                                      for m in request["measures"])}
        status, location, page, _ = client.request("POST", "/compose", form)
        expect(status == 303 and location and location.startswith("/releases/"),
               f"table {i} ({request['measures']}): {status} {page[:300]!r}")
        status, _, page, _ = client.request("GET", location)
        expect(status == 200 and args.expect in page,
               f"table {i}: the release page does not say {args.expect!r} ({status})")
        print(f"released {location.rsplit('/', 1)[1]}")
    print(f"compose_through_portal: {len(requests)} tables composed and released")


if __name__ == "__main__":
    main()
