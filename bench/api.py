"""Online API throughput: the API backend against a raw async OpenAI client, the same requests in the same run,
both against the local fake OpenAI server (tests/fakes/openai_server.py, in a process of its own) with a realistic
latency per answer. Prints requests/s at each concurrency and the ratio (goal: ours >= 0.5x the raw client); no
pass/fail.

    .venv/bin/python bench/api.py [--requests 2000] [--concurrency 64 256] [--latency 0.5]

Ours is the whole path a stage takes (Generator.complete: request keys, the store with its fsynced segments, the
thread pool, rate and budget bookkeeping, the HTTP call), once for each route the backend can send by (`sdk`: the
OpenAI SDK, which `auto` takes for an OpenAI-compatible endpoint, and litellm); each run checks that every request got
its own answer. The raw client is `openai.AsyncOpenAI` with a semaphore, doing nothing with the answers. The last
column times the sync `openai` client in our thread pool's shape, without our bookkeeping.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def start_server(latency: float, tmp: Path) -> tuple[subprocess.Popen, str]:
    port_file = tmp / "port"
    proc = subprocess.Popen([sys.executable, "-m", "tests.fakes.openai_server", "--port-file", str(port_file),
                             "--delay", str(latency), "--lifetime", "3600"], cwd=REPO, stdout=subprocess.DEVNULL)
    deadline = time.time() + 30
    while not port_file.exists() or not port_file.read_text():
        if time.time() > deadline or proc.poll() is not None:
            raise SystemExit("the fake server did not start")
        time.sleep(0.05)
    return proc, f"http://127.0.0.1:{port_file.read_text()}/v1"


def chats(n: int, tag: str) -> list[tuple[str, list[dict[str, str]]]]:
    return [(f"{tag}{i}", [{"role": "user", "content": f"[{tag}{i}] What is {i} + {i}?"}]) for i in range(n)]


def ours(url: str, n: int, concurrency: int, store: Path, sdk: str) -> float:
    from styledistill.generation.api.settings import ProviderSettings
    from styledistill.generation.generator import Generator
    from styledistill.generation.settings import backend_settings

    settings = backend_settings({"backend": "litellm", "sdk": sdk, "max_concurrency": concurrency, "max_retries": 3,
                                 "max_new_tokens": 32, "timeout": 60})
    provider = ProviderSettings.from_spec({"provider": "openai/fake", "api_base": url}, "provider")
    began = time.perf_counter()
    done = Generator(None, settings, provider, store, 0).complete(chats(n, f"{sdk}{concurrency}-"), 1, None)
    elapsed = time.perf_counter() - began
    assert len(done) == n, f"{n - len(done)} requests failed"
    # The fake server quotes each request's content in its answer: no answer went to another request.
    assert all(f"[{c.tag}]" in (c.response.reasoning_content or "") for c in done), "an answer went astray"
    return n / elapsed


def raw_async(url: str, n: int, concurrency: int) -> float:
    from openai import AsyncOpenAI

    async def run() -> None:
        client = AsyncOpenAI(base_url=url, api_key="no-key", max_retries=3, timeout=60)
        gate = asyncio.Semaphore(concurrency)

        async def one(messages: list[dict[str, str]]) -> None:
            async with gate:
                await client.chat.completions.create(model="fake", messages=messages, max_tokens=32)

        await asyncio.gather(*(one(m) for _, m in chats(n, f"raw{concurrency}-")))
        await client.close()

    began = time.perf_counter()
    asyncio.run(run())
    return n / (time.perf_counter() - began)


def sync_threads(url: str, n: int, concurrency: int) -> float:
    from openai import OpenAI

    client = OpenAI(base_url=url, api_key="no-key", max_retries=3, timeout=60)
    began = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(lambda c: client.chat.completions.create(model="fake", messages=c[1], max_tokens=32),
                      chats(n, f"sync{concurrency}-")))
    return n / (time.perf_counter() - began)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=2000)
    p.add_argument("--concurrency", type=int, nargs="+", default=[64, 256])
    p.add_argument("--latency", type=float, default=0.5, help="seconds the server takes per answer")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_server(args.latency, Path(tmp))
        try:
            raw_async(url, 50, 8)  # warm-up: imports and connection pools
            rows = []
            for c in args.concurrency:
                mine = [ours(url, args.requests, c, Path(tmp) / f"{sdk}{c}", sdk) for sdk in ("openai", "litellm")]
                rows.append((c, c / args.latency, *mine, raw_async(url, args.requests, c),
                             sync_threads(url, args.requests, c)))
        finally:
            proc.terminate()
    print(f"\n{args.requests} requests per run, server latency {args.latency} s, fake server in its own process")
    print(f"{'concurrency':>11} {'ceiling':>8} {'ours (openai)':>14} {'ours (litellm)':>15} {'raw async':>10} "
          f"{'sync+threads':>13} {'ours/raw':>9}")
    for c, ceiling, sdk, litellm, raw, threads in rows:
        print(f"{c:>11} {ceiling:>8.0f} {sdk:>14.1f} {litellm:>15.1f} {raw:>10.1f} {threads:>13.1f} "
              f"{sdk / raw:>9.2f}")


if __name__ == "__main__":
    main()
