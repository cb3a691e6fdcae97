#!/usr/bin/env python3
"""A fixed-rate (open-loop) HTTP/1.1 load client: sends a mix of GETs at a steady rate and
reports latency percentiles measured from when each request was *due*, not from when it was
sent, so a stalled server shows up as latency instead of as fewer requests (no coordinated
omission). Standard library only (asyncio), keep-alive connections from a pool.

Why this and not wrk: wrk is closed-loop (each connection waits for its answer before the next
request), wrk2 is not packaged for Debian and oha is not either; this stands in for `oha -q`.

    python3 bench/fixed_rate.py --rate 2000 --seconds 10 --connections 64 MIX_FILE

MIX_FILE has one request per line: `weight<TAB>path<TAB>cookie` (cookie may be empty).
Prints one line of JSON: rate asked and achieved, count, errors, p50/p90/p99/max in ms.
"""

import argparse
import asyncio
import json
import random
import time


async def read_response(reader):
    """Reads one HTTP/1.1 response (Content-Length or chunked); returns the status. The head
    is read in one call (not line by line): the client's own time per request stays small
    next to the server's, so the latencies are the server's."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as e:
        raise ConnectionError("closed") from e
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length, chunked = 0, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value.strip())
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status


class Pool:
    def __init__(self, host, port, size):
        self.host, self.port = host, port
        self.idle = asyncio.Queue()
        for _ in range(size):
            self.idle.put_nowait(None)  # opened on first use

    async def request(self, raw):
        conn = await self.idle.get()
        try:
            if conn is None:
                conn = await asyncio.open_connection(self.host, self.port)
            reader, writer = conn
            writer.write(raw)
            await writer.drain()
            status = await read_response(reader)
            self.idle.put_nowait(conn)
            return status
        except Exception:
            if conn is not None:
                conn[1].close()
            self.idle.put_nowait(None)
            raise


def percentile(sorted_ms, p):
    if not sorted_ms:
        return None
    k = min(len(sorted_ms) - 1, int(round(p / 100.0 * (len(sorted_ms) - 1))))
    return round(sorted_ms[k], 2)


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=float, default=2000)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("mix")
    args = ap.parse_args()

    mix = []
    with open(args.mix) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            weight, path, cookie = (line.split("\t") + [""])[:3]
            head = f"GET {path} HTTP/1.1\r\nHost: {args.host}:{args.port}\r\nAccept-Encoding: identity\r\n"
            if cookie:
                head += f"Cookie: {cookie}\r\n"
            mix.append((float(weight), (head + "\r\n").encode()))
    total_weight = sum(w for w, _ in mix)
    rng = random.Random(args.seed)

    def pick():
        x = rng.random() * total_weight
        for w, raw in mix:
            x -= w
            if x < 0:
                return raw
        return mix[-1][1]

    pool = Pool(args.host, args.port, args.connections)
    latencies, errors, tasks = [], [0], []
    interval = 1.0 / args.rate
    count = int(args.rate * args.seconds)
    start = time.perf_counter() + 0.2

    async def one(due, raw):
        try:
            status = await pool.request(raw)
            if status >= 400:
                errors[0] += 1
        except Exception:
            errors[0] += 1
            return
        latencies.append((time.perf_counter() - due) * 1000.0)

    for i in range(count):
        due = start + i * interval
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(one(due, pick())))
    # Bounded: what has not answered 10 s after the last send is cut off and counted as
    # unfinished (its latency is at least that; percentiles treat it as infinite).
    done, pending = await asyncio.wait(tasks, timeout=max(0.0, start + args.seconds + 10 - time.perf_counter()))
    for t in pending:
        t.cancel()
    elapsed = time.perf_counter() - start
    latencies.sort()
    everything = latencies + [float("inf")] * len(pending)
    shown = lambda v: None if v is None else (">cut-off" if v == float("inf") else v)
    print(json.dumps({
        "rate_asked": args.rate,
        "rate_done": round(len(latencies) / elapsed, 1),
        "requests": count,
        "errors": errors[0],
        "unfinished": len(pending),
        "p50_ms": shown(percentile(everything, 50)),
        "p90_ms": shown(percentile(everything, 90)),
        "p99_ms": shown(percentile(everything, 99)),
        "max_ms": shown(percentile(everything, 100)),
    }))


if __name__ == "__main__":
    asyncio.run(main())
