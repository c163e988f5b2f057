#!/usr/bin/env python3
"""Opens hostile connections to the hub and holds them open, to show it keeps serving others.

Per port: connections that send garbage bytes, connections that send half a TLS ClientHello
and stop, and (gRPC port, with a valid client certificate) connections that complete TLS and
HTTP/2, open a call's stream with its headers and never send the message. With --portal-port
also, on the portal: --silent connections that send nothing, connections that trickle a TLS
ClientHello a byte at a time, and (with the certificate) connections that trickle an HTTP
request head a byte at a time (slowloris). Prints "holding N connections" once all are open,
then holds them until killed. With --expect-closed-within S it then also waits up to S seconds
for the hub to close the stalled calls' and the portal's stalled connections and prints "the
hub closed N of M stalled calls" and "the portal closed N of M stalled connections".
"""
import argparse
import os
import socket
import ssl
import struct
import sys
import threading
import time

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--port", type=int, action="append", required=True, help="repeat per port")
parser.add_argument("--grpc-port", type=int, required=True)
parser.add_argument("--ca", required=True)
parser.add_argument("--cert", required=True)
parser.add_argument("--key", required=True)
parser.add_argument("--each", type=int, default=5, help="connections of each kind per port")
parser.add_argument("--portal-port", type=int, default=0)
parser.add_argument("--silent", type=int, default=40, help="silent connections to the portal")
parser.add_argument("--expect-closed-within", type=float, default=0,
                    help="seconds to wait for the hub to close the stalled calls")
args = parser.parse_args()

held = []
stalled = []


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    held.append(s)
    return s


def half_client_hello():
    context = ssl.create_default_context()
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname="hub")
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    hello = outgoing.read()
    return hello[: len(hello) // 2]


def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def literal(name, value):  # HPACK literal header field without indexing, new name
    return bytes([0, len(name)]) + name + bytes([len(value)]) + value


def stalled_call(port):
    context = ssl.create_default_context(cafile=args.ca)
    context.check_hostname = False
    context.load_cert_chain(args.cert, args.key)
    context.set_alpn_protocols(["h2"])
    tls = context.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10),
                              server_hostname="hub")
    held.append(tls)
    stalled.append(tls)
    headers = b"".join(literal(n, v) for n, v in [
        (b":method", b"POST"), (b":scheme", b"https"), (b":path", b"/stapel.v1.Release/RequestTable"),
        (b":authority", b"hub"), (b"content-type", b"application/grpc"), (b"te", b"trailers")])
    tls.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + frame(4, 0, 0) +
                frame(1, 0x4, 1, headers))  # HEADERS, END_HEADERS, no END_STREAM, no DATA


def certified(port):
    context = ssl.create_default_context(cafile=args.ca)
    context.check_hostname = False
    context.load_cert_chain(args.cert, args.key)
    return context.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10),
                               server_hostname="hub")


trickled_closed = []


def trickle(conn, data):
    """Sends `data` a byte every 0.2 s on its own thread until the peer closes the connection
    (a send fails), which it records."""
    closed = threading.Event()
    trickled_closed.append(closed)

    def run():
        for i in range(len(data)):
            try:
                conn.sendall(data[i:i + 1])
            except OSError:
                closed.set()
                return
            time.sleep(0.2)
    threading.Thread(target=run, daemon=True).start()


portal_stalled = []
for port in args.port:
    for _ in range(args.each):
        connect(port).sendall(os.urandom(4096))
        connect(port).sendall(half_client_hello())
for _ in range(args.each):
    stalled_call(args.grpc_port)
if args.portal_port:
    for _ in range(args.silent):
        portal_stalled.append(connect(args.portal_port))
    for _ in range(args.each):
        trickle(connect(args.portal_port), half_client_hello() * 2)
    for _ in range(args.each):
        conn = certified(args.portal_port)
        held.append(conn)
        trickle(conn, b"GET / HTTP/1.1\r\nHost: hub\r\n" + b"X-Slow: " + b"s" * 4000)
print(f"holding {len(held)} connections", flush=True)


def closed_by_peer(conn, deadline):
    """Reads (and drops) what the hub sends until it closes the connection or time runs out."""
    while time.monotonic() < deadline:
        conn.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            if not conn.recv(65536):
                return True
        except socket.timeout:
            return False
        except (ssl.SSLError, OSError):
            return True
    return False


if args.expect_closed_within > 0:
    start = time.monotonic()
    deadline = start + args.expect_closed_within
    closed = sum(closed_by_peer(conn, deadline) for conn in stalled)
    print(f"the hub closed {closed} of {len(stalled)} stalled calls within "
          f"{time.monotonic() - start:.1f} s", flush=True)
    if args.portal_port:
        closed = sum(closed_by_peer(conn, deadline) for conn in portal_stalled)
        closed += sum(event.wait(max(0, deadline - time.monotonic())) for event in trickled_closed)
        total = len(portal_stalled) + len(trickled_closed)
        print(f"the portal closed {closed} of {total} stalled connections within "
              f"{time.monotonic() - start:.1f} s", flush=True)
while True:
    time.sleep(3600)
