"""Web chat's per-address character budget: the Redis cost a message pays before its acknowledgement.

``AddressCharacters.take`` counts a message's characters against its client address in Redis. The
takes of one moment (one turn of the event loop) share one script call; the baseline, in the same
run, is each take alone, awaited before the next (one round trip a message, what every message paid
before the takes were counted together). Prints client CPU and wall time a take, medians of rounds.

    python bench/address_characters.py [--redis-url redis://127.0.0.1:6379/12] [--at-once 50] [--rounds 5]

The Redis database given is flushed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from redis.asyncio import Redis  # noqa: E402

from bot.channels.webchat.limits import AddressCharacters  # noqa: E402
from bot.config import WebchatLimits  # noqa: E402

_TAKES_A_ROUND = 5000


async def _per_take(run_round: Callable[[], Awaitable[None]], rounds: int) -> tuple[float, float]:
    """Median client CPU and wall time a take, in µs."""
    cpu, wall = [], []
    for _ in range(rounds):
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        await run_round()
        cpu.append((time.process_time() - started_cpu) / _TAKES_A_ROUND * 1e6)
        wall.append((time.perf_counter() - started_wall) / _TAKES_A_ROUND * 1e6)
    return statistics.median(cpu), statistics.median(wall)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--at-once", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    redis = Redis.from_url(arguments.redis_url)
    budget = AddressCharacters(redis, WebchatLimits())
    addresses = [f"10.0.{index // 250}.{index % 250}" for index in range(arguments.at_once)]
    await budget.take("warm-up", 1)

    async def one_at_a_time() -> None:
        for index in range(_TAKES_A_ROUND):
            await budget.take(addresses[index % len(addresses)], 20)

    async def together() -> None:
        for _ in range(_TAKES_A_ROUND // len(addresses)):
            await asyncio.gather(*(budget.take(address, 20) for address in addresses))

    try:
        alone = await _per_take(one_at_a_time, arguments.rounds)
        shared = await _per_take(together, arguments.rounds)
    finally:
        await redis.flushdb()
        await redis.aclose()
    print(f"{'takes':<34} {'client CPU µs':>14} {'wall µs':>9}")
    print(f"{'one at a time (baseline)':<34} {alone[0]:>14.1f} {alone[1]:>9.1f}")
    print(f"{f'{arguments.at_once} at once, one call a moment':<34} {shared[0]:>14.1f} {shared[1]:>9.1f}")


if __name__ == "__main__":
    asyncio.run(main())
