"""CPU per message of the pipeline writer's storage work on SQLite, in one process, no server.

The statements ``bench/history_cost.py`` times for its hot-path batch, for a batch of
``--batch`` web chat messages from as many customers: the persist transaction (their open
conversations, the messages) and the processing one (the conversations loaded, their pending
messages, marked processed, the conversations saved, two replies a message). The engine's own
work is not in it. Prints the process CPU time per message, the best of five passes of
``--rounds`` batches each after a warm-up: less sensitive to other work on the machine than the
end-to-end bench's throughput, so two commits can be compared in turns.

    python bench/writer_cpu.py [--batch 8] [--rounds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.hot_batch import HotBatch
from bot.storage import migrate
from bot.storage.db import Database


async def cpu_per_message(url: str, size: int, rounds: int) -> float:
    """Microseconds of process CPU per message, the best of five passes."""
    database = Database(url)
    try:
        batch = HotBatch(
            database,
            size,
            dt.datetime.now(dt.UTC),
            ("您反映的情况，我已记录下来。", "请您留下可以联系到您的电话号码，好吗？"),
        )
        await batch.open_sessions()
        for _ in range(20):
            await batch.run()
        passes = []
        for _ in range(5):
            started = time.process_time()
            for _ in range(rounds):
                await batch.run()
            passes.append((time.process_time() - started) / (rounds * size) * 1e6)
        return min(passes)
    finally:
        await database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=int, default=8, help="messages a batch (the e2e bench's at 50 connections)")
    parser.add_argument("--rounds", type=int, default=60)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/writer.sqlite3"
        migrate.upgrade(url)
        used = asyncio.run(cpu_per_message(url, arguments.batch, arguments.rounds))
    print(f"writer storage CPU per message, batches of {arguments.batch}: {used:.1f} µs")


if __name__ == "__main__":
    main()
