"""Speed of `otklik analyze --jsonl` on one core: throughput, per-message latency, model load, memory.

Run: .venv/bin/python bench/bench_analyze_speed.py [--count 5000] [--latency 1000]
Throughput, start-up and RSS come from the real CLI as a subprocess pinned to one core; load time and per-message
latency (p50/p99) from the same engine in-process. The in-process part runs first, so the models and the gazetteer
are in the cache (built there if missing) before the CLI is timed: the CLI's figures never include training (which
takes a minute and over a gigabyte). `cli_first_answer` is the CLI's start-up: the wall time to its first result.
`throughput_one_core_cpu` divides the messages after the warm-up by the CLI's CPU time over them (/proc): on a
shared machine it is the figure load inflates least; on a quiet one it matches the wall-clock throughput.
Prints `name: value unit` lines.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from messages import make_messages

WARMUP = 256
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _command() -> list[str]:
    otklik = Path(sys.executable).with_name("otklik")
    base = [str(otklik)] if otklik.exists() else [sys.executable, "-m", "otklik.cli.main"]
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    return [*pin, *base, "analyze", "--jsonl"]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process (Linux /proc): the part of the run that load does not inflate."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def throughput(texts: list[str], timeout: float) -> None:
    payload = "".join(json.dumps({"text": t, "channel": "vk"}, ensure_ascii=False) + "\n" for t in texts)
    env = {**os.environ, **ONE_THREAD}
    started = time.perf_counter()
    process = subprocess.Popen(_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    assert process.stdin is not None and process.stdout is not None
    stdin = process.stdin

    def feed() -> None:
        stdin.write(payload)
        stdin.close()

    threading.Thread(target=feed, daemon=True).start()
    first_after_warmup = 0.0
    cpu_at_warmup = 0.0
    first_answer = 0.0
    lines = 0
    for _ in process.stdout:
        lines += 1
        if lines == 1:
            first_answer = time.perf_counter()
        if lines == WARMUP:
            first_after_warmup = time.perf_counter()
            cpu_at_warmup = _cpu_seconds(process.pid)
        if time.perf_counter() - started > timeout:
            process.kill()
            break
    ended = time.perf_counter()
    process.wait()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss_mb = usage.ru_maxrss / 1024
    cpu_total = usage.ru_utime + usage.ru_stime
    measured = lines - WARMUP
    print(f"messages: {lines} msgs")
    print(f"cli_wall_time_total: {ended - started:.2f} s")
    print(f"cli_first_answer: {first_answer - started:.2f} s")
    print(f"throughput_one_core: {measured / max(ended - first_after_warmup, 1e-9):.0f} msgs/s")
    print(f"throughput_one_core_cpu: {measured / max(cpu_total - cpu_at_warmup, 1e-9):.0f} msgs/s")
    print(f"cli_cpu_time_total: {cpu_total:.2f} s")
    print(f"rss_max: {rss_mb:.0f} MB")


def in_process(texts: list[str]) -> None:
    from otklik.nlp.analyze import Message, analyze_messages
    from otklik.nlp.factory import build_understanding
    from otklik.reference.files import load_reference

    started = time.perf_counter()
    understanding = build_understanding(load_reference())
    print(f"model_load: {time.perf_counter() - started:.2f} s")
    analyze_messages(understanding, [Message(t, "vk") for t in texts[:WARMUP]])
    latencies = []
    for text in texts:
        begin = time.perf_counter()
        analyze_messages(understanding, [Message(text, "vk")])
        latencies.append((time.perf_counter() - begin) * 1000)
    latencies.sort()
    print(f"latency_p50: {statistics.median(latencies):.2f} ms")
    print(f"latency_p99: {latencies[int(len(latencies) * 0.99) - 1]:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--latency", type=int, default=1000)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    texts = make_messages(args.count)
    print(f"message_length_mean: {statistics.mean(map(len, texts)):.0f} chars")
    in_process(make_messages(args.latency, seed=11))  # first: it fills the model cache the CLI then loads
    throughput(texts, args.timeout)


if __name__ == "__main__":
    main()
