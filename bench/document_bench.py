#!/usr/bin/python3
"""A 25 MB document up and down through `tilsyn serve` on loopback (issue 16's figures):
how much serve's resident memory rises (goal: < 10 MB; the peak, VmHWM, reset before each
transfer through /proc/PID/clear_refs) and the throughput (goal: >= 50 MB/s).

  bench/document_bench.py [BUILD_DIR] [--mb 25] [--runs 3]

The setup is the HTTP tests' small world (tests/http/fixture.py) on SQLite, and on PostgreSQL
too when TILSYN_BENCH_PG_URL is set. The upload is a streamed multipart/form-data POST of a
report_submitted with one PDF (its bytes are read from a file as they are sent); the download
is GET /api/v1/documents/{id}, read in pieces and checked against the SHA-256 sent.
"""
import argparse
import hashlib
import http.client
import json
import os
import random
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "tests", "http"))
import fixture  # noqa: E402

BOUNDARY = "----tilsyn-bench"


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field)


def reset_peak(pid):
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM to the current RSS


def body_parts(path, name):
    head = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"event\"\r\n\r\n"
            f"report_submitted\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; "
            f"name=\"dokument\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n"
            ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    return head, tail, len(head) + os.path.getsize(path) + len(tail)


def stream(path, head, tail):
    yield head
    with open(path, "rb") as f:
        while True:
            piece = f.read(256 * 1024)
            if not piece:
                break
            yield piece
    yield tail


def run_once(server, path, digest, mb):
    pid = server.serve.process.pid
    cycle = server.cycle["frydenlund"]
    head, tail, length = body_parts(path, "Kvalitetsrapport.pdf")
    before = status_kb(pid, "VmRSS")
    reset_peak(pid)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
    started = time.perf_counter()
    conn.request("POST", f"/api/v1/cycles/{cycle}/events", body=stream(path, head, tail),
                 headers={"Authorization": "Bearer " + server.tokens["leader_frydenlund"],
                          "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                          "Content-Length": str(length)})
    response = conn.getresponse()
    answer = json.loads(response.read())
    up_s = time.perf_counter() - started
    conn.close()
    assert response.status == 200, answer
    up_rise = status_kb(pid, "VmHWM") - before
    document = answer["documents"][0]
    assert document["sha256"] == digest, document

    before = status_kb(pid, "VmRSS")
    reset_peak(pid)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
    started = time.perf_counter()
    conn.request("GET", document["url"],
                 headers={"Authorization": "Bearer " + server.tokens["chief_syd"]})
    response = conn.getresponse()
    got = hashlib.sha256()
    while True:
        piece = response.read(1024 * 1024)
        if not piece:
            break
        got.update(piece)
    down_s = time.perf_counter() - started
    conn.close()
    assert response.status == 200 and got.hexdigest() == digest
    down_rise = status_kb(pid, "VmHWM") - before
    return up_s, up_rise, down_s, down_rise


def bench(build, backend, mb, run):
    """One run in a fresh world (its report step takes the upload once)."""
    server = fixture.Server(os.path.join(build, "tilsyn"), backend)
    try:
        path = os.path.join(server.tmp, "big.pdf")
        rng = random.Random(25)
        with open(path, "wb") as f:
            f.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
            for _ in range(mb):
                f.write(rng.randbytes(1_000_000))  # 25 MB, a little under the 25 MiB limit
            f.write(b"\n%%EOF\n")
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            digest = hashlib.file_digest(f, "sha256").hexdigest()
        label = "sqlite" if backend == "sqlite" else "postgresql"
        up_s, up_rise, down_s, down_rise = run_once(server, path, digest, mb)
        print(f"{label} run {run + 1}: upload {size / 1e6:.1f} MB in {up_s:.2f} s "
                  f"({size / 1e6 / up_s:.0f} MB/s), serve's peak memory +{up_rise / 1024:.1f} MB; "
                  f"download in {down_s:.2f} s ({size / 1e6 / down_s:.0f} MB/s), "
              f"+{down_rise / 1024:.1f} MB", flush=True)
    finally:
        server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build", nargs="?", default=os.path.join(ROOT, "build"))
    parser.add_argument("--mb", type=int, default=25)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    backends = ["sqlite"]
    if os.environ.get("TILSYN_BENCH_PG_URL"):
        backends.append(os.environ["TILSYN_BENCH_PG_URL"])
    for backend in backends:
        for run in range(args.runs):
            bench(args.build, backend, args.mb, run)
    print("# goals: memory rise < 10 MB, throughput >= 50 MB/s (each way)")


if __name__ == "__main__":
    main()
