"""How many round trips per second the fake Bot API sustains alone (no bot behind the client).

`python -m bench.fake_capacity BASE_URL [SECONDS] [CONCURRENCY]` prints JSON: round trips/s of
sendMessage and of getUpdates (empty queue, no long poll), from an httpx client like PTB's.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

import httpx

REQUESTS = {
    "sendMessage": {"chat_id": "42", "text": "capacity probe", "parse_mode": "HTML"},
    "getUpdates": {"offset": "0", "timeout": "0", "limit": "100"},
}


async def round_trips(url: str, data: dict[str, str], seconds: float, concurrency: int
                      ) -> float:
    """Return completed requests per second with `concurrency` requests in flight."""
    done = 0
    deadline = time.monotonic() + seconds

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal done
        while time.monotonic() < deadline:
            response = await client.post(url, data=data)
            response.raise_for_status()
            done += 1

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:
        started = time.monotonic()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        return done / (time.monotonic() - started)


async def measure(base_url: str, seconds: float, concurrency: int) -> dict[str, float]:
    """Measure every probed method in turn."""
    return {method: await round_trips(f"{base_url}123456:probe/{method}", data, seconds,
                                      concurrency)
            for method, data in REQUESTS.items()}


def main(argv: list[str]) -> int:
    """Probe the fake API at argv[0] and print the result as JSON."""
    base_url = argv[0]
    seconds = float(argv[1]) if len(argv) > 1 else 3.0
    concurrency = int(argv[2]) if len(argv) > 2 else 8
    print(json.dumps(asyncio.run(measure(base_url, seconds, concurrency))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
