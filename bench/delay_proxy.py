#!/usr/bin/env python3
"""A TCP proxy that delays every byte by a fixed time in each direction: a wide-area link
between a party's agent and the hub, on one machine (loopback has no latency; tc netem is not
always there). Bytes keep their order; throughput is not limited.

Usage: bench/delay_proxy.py LISTEN_PORT_FILE TARGET_HOST:PORT DELAY_MS
Writes the port it listens on (127.0.0.1, a free one) to LISTEN_PORT_FILE, then serves until
killed."""
import asyncio
import sys
import time


async def pump(reader, writer, delay):
    queue = asyncio.Queue()

    async def deliver():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        writer.close()

    sender = asyncio.create_task(deliver())
    try:
        while data := await reader.read(1 << 16):
            queue.put_nowait((time.monotonic() + delay, data))
    finally:
        queue.put_nowait((0, None))
        await sender


async def main():
    port_file, target, delay_ms = sys.argv[1], sys.argv[2], float(sys.argv[3])
    host, port = target.rsplit(":", 1)
    delay = delay_ms / 1000

    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection(host, int(port))
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pump(client_reader, server_writer, delay),
                             pump(server_reader, client_writer, delay),
                             return_exceptions=True)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    with open(port_file, "w") as f:
        f.write(str(server.sockets[0].getsockname()[1]))
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
