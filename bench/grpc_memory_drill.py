#!/usr/bin/python3
"""Memory drill: many large gRPC calls at once against a running hub, to see what they cost it.

Sends N SubmitBatch calls of M MiB of garbage at the same time with the certificate of WHO (by
default `analyst`, a requester: an identity the hub refuses only once a message is whole) and
prints the status codes the calls ended with. Read the hub's peak memory before and after from
/proc/<pid>/status (VmHWM). Needs python3-grpcio (Debian). Example, after deploy/quickstart.sh:

  build/release/bin/stapel-hub serve --config demo-out/config/hub.toml --listen 127.0.0.1:0 \\
      --port-file /tmp/hub.port &
  bench/grpc_memory_drill.py --port $(cat /tmp/hub.port) --keys demo-out/keys --calls 80 --mib 30
  grep VmHWM /proc/$!/status
"""
import argparse
import collections
import threading
import time

import grpc

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--keys", required=True, help="the keys folder of stapel-keys init")
parser.add_argument("--calls", type=int, default=80)
parser.add_argument("--mib", type=int, default=30)
parser.add_argument("--who", default="analyst")
args = parser.parse_args()


def read(name):
    with open(f"{args.keys}/{name}", "rb") as f:
        return f.read()


credentials = grpc.ssl_channel_credentials(read("ca.crt"), read(f"{args.who}.key"),
                                           read(f"{args.who}.crt"))
options = [("grpc.ssl_target_name_override", "hub"), ("grpc.max_send_message_length", 64 << 20)]
payload = b"\x0a\xff\xff\xff\xff\xff" + b"x" * (args.mib << 20)
results = []


def call():
    channel = grpc.secure_channel(f"127.0.0.1:{args.port}", credentials, options)
    submit = channel.unary_unary("/stapel.v1.Ingest/SubmitBatch",
                                 request_serializer=lambda b: b, response_deserializer=lambda b: b)
    try:
        submit(payload, timeout=60)
        results.append("OK")
    except grpc.RpcError as e:
        results.append(e.code().name)


threads = [threading.Thread(target=call) for _ in range(args.calls)]
start = time.time()
for t in threads:
    t.start()
for t in threads:
    t.join()
print(dict(collections.Counter(results)), f"in {time.time() - start:.1f} s")
