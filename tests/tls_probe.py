#!/usr/bin/env python3
"""Connects to a TLS server with a client certificate and asks GET / over HTTP/1.0.

Exit 0 when the server answered (any HTTP status), 3 when the TLS handshake or the connection
was refused (a revoked or unknown certificate), and prints what happened.
"""
import argparse
import socket
import ssl
import sys

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--ca", required=True)
parser.add_argument("--cert", required=True)
parser.add_argument("--key", required=True)
args = parser.parse_args()
context = ssl.create_default_context(cafile=args.ca)
context.check_hostname = False
context.load_cert_chain(args.cert, args.key)
try:
    with socket.create_connection(("127.0.0.1", args.port), timeout=30) as raw:
        with context.wrap_socket(raw) as tls:
            tls.sendall(b"GET / HTTP/1.0\r\n\r\n")
            answer = tls.recv(64)
except (ssl.SSLError, OSError) as e:
    print(f"tls_probe: refused: {e}")
    sys.exit(3)
if not answer.startswith(b"HTTP/"):
    print(f"tls_probe: refused: the connection closed ({answer!r})")
    sys.exit(3)
print(f"tls_probe: answered {answer.splitlines()[0].decode()}")
