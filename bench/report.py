"""Every benchmark in one run and one table: each figure beside its same-run baseline and target.

Runs the scripts of ``bench/`` one after another (each starts its own servers and measures its
own baseline in the same sitting), reads the figures they print, and prints one table; with
``--log FILE`` the scripts' full output is kept there. ``--quick`` runs smaller sizes (minutes
instead of a quarter of an hour; the figures are noisier). Before each script it waits (up to
30 s) until the machine's CPU is at most 10% busy, so one script's leftovers are not measured
against the next.

    python bench/report.py [--quick] [--postgres-url URL] [--log bench.log]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Row:
    figure: str
    measured: str
    baseline: str
    target: str
    met: bool | None


def run(script: str, *arguments: str, log: list[str]) -> str:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *arguments], capture_output=True, text=True, cwd=BENCH.parent
    )
    log.append(f"$ {script} {' '.join(arguments)}   ({time.monotonic() - started:.0f} s, exit {done.returncode})")
    log.append(done.stdout)
    if done.returncode:
        log.append(done.stderr[-4000:])
    return done.stdout


QUIET_BUSY = 0.10
"""At most this share of the machine's CPU busy over a second counts as quiet."""


def wait_until_quiet(longest: float = 30.0) -> float:
    """Wait, up to ``longest`` seconds, until the machine is quiet, so what the previous script
    left working (a server shutting down, a database checkpoint, memory being freed) is not
    measured against the next one. Returns the seconds waited (none where /proc/stat is missing)."""
    stat = Path("/proc/stat")
    if not stat.exists():
        return 0.0
    started = time.monotonic()

    def cpu() -> tuple[int, int]:
        fields = [int(value) for value in stat.read_text().splitlines()[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]  # all, idle + iowait

    while time.monotonic() - started < longest:
        total_before, idle_before = cpu()
        time.sleep(1.0)
        total_after, idle_after = cpu()
        elapsed = max(total_after - total_before, 1)
        if 1 - (idle_after - idle_before) / elapsed <= QUIET_BUSY:
            break
    return time.monotonic() - started


def number(pattern: str, text: str, group: int = 1) -> float | None:
    found = re.search(pattern, text, re.M)
    return float(found.group(group).replace(",", "")) if found else None


def webchat_rows(output: str) -> list[Row]:
    rows = []
    empty_rates: dict[tuple[str, str], float] = {}
    seeded = number(r"seeded ([\d,]+) messages", output)
    for line in output.splitlines():
        fields = line.split()
        if len(fields) != 12 or fields[0] not in ("sqlite", "postgresql"):
            continue
        database, history, connections = fields[0], fields[1], fields[2]
        echo, bot, ratio, p50, p99, echo_p99, server, redis, postgres = map(float, fields[3:])
        where = f"{database}, {history} db, {connections} conns"
        rows.append(
            Row(f"web chat e2e / echo ({where})", f"{bot:.0f} msg/s", f"{echo:.0f} msg/s", "≥ 0.20", ratio >= 0.20)
        )
        if history == "empty":
            empty_rates[database, connections] = bot
        elif (empty := empty_rates.get((database, connections))) is not None:
            behind = f" behind {seeded:,.0f} messages" if seeded else ""
            rows.append(Row(f"  seeded vs empty{behind} ({where})", f"{bot / empty - 1:+.0%}",
                            f"{empty:.0f} msg/s empty", "within 10%", bot >= 0.9 * empty))
        rows.append(Row(f"  ratio ({where})", f"{ratio:.3f}", "", "", None))
        rows.append(Row(f"  reply latency p50/p99 at half peak ({where})", f"{p50:.1f}/{p99:.1f} ms",
                        f"echo p99 {echo_p99:.1f} ms", "", None))
        cpu = f"server {server:.3f}, redis {redis:.3f}" + (f", pg {postgres:.3f}" if database == "postgresql" else "")
        rows.append(Row(f"  CPU ms per message ({where})", cpu, "", "server ≤ 0.15", server <= 0.15))
    return rows


def floor_rows(output: str) -> list[Row]:
    """``bench/webchat_floor.py --no-product``: the protocol and its storage alone, against the echo."""
    rows = []
    for line in output.splitlines():
        fields = line.split()
        if len(fields) == 5 and fields[0].isdigit():
            connections, echo, floor, ratio, cpu = fields[0], *map(float, fields[1:])
            rows.append(Row(f"web chat floor: protocol + SQLite storage only ({connections} conns)",
                            f"{floor:.0f} msg/s, ratio {ratio:.3f}, CPU {cpu:.3f} ms", f"{echo:.0f} msg/s echo",
                            "reported", None))
    return rows or [Row("web chat floor", "failed (see the log)", "", "reported", None)]


def idle_rows(output: str) -> list[Row]:
    bot = number(r"web chat:\s+([\d.]+) KiB", output)
    echo = number(r"bare aiohttp websocket:\s+([\d.]+) KiB", output)
    connections = number(r"idle connections: (\d+)", output)
    if bot is None or echo is None:
        return [Row("idle web chat connection", "failed (see the log)", "", "< 20 KiB", False)]
    label = f"idle web chat connection ({connections:.0f} connections)"
    return [Row(label, f"{bot:.1f} KiB", f"{echo:.1f} KiB bare", "< 20 KiB", bot < 20)]


def wechat_rows(output: str) -> list[Row]:
    webhook = re.search(r"webhook.*?p50\s*=?\s*([\d.]+).*?p99\s*=?\s*([\d.]+)", output)
    bare = re.search(r"bare.*?p50\s*=?\s*([\d.]+).*?p99\s*=?\s*([\d.]+)", output)
    if not webhook or not bare:
        return [Row("WeChat webhook p99", "failed (see the log)", "", "< 50 ms", False)]
    p99 = float(webhook.group(2))
    return [Row("WeChat webhook p50/p99", f"{float(webhook.group(1)):.1f}/{p99:.1f} ms",
                f"bare {float(bare.group(1)):.1f}/{float(bare.group(2)):.1f} ms", "p99 < 50 ms", p99 < 50)]


def deliveries_rows(output: str) -> list[Row]:
    """The target's row (commits of 16 conversations), and commits of one conversation, reported."""
    per_commit = number(r"conversations_per_commit=(\d+)", output)
    product = number(r"SMS deliveries:\s+([\d.]+) messages/s", output)
    baseline = number(r"arq no-op jobs:\s+([\d.]+) jobs/s", output)
    database = re.search(r"database=(\w+)", output)
    if product is None or baseline is None or per_commit is None or database is None:
        return [Row("deliveries / arq no-op jobs", "failed (see the log)", "", "≥ 0.50", False)]
    ratio = product / baseline
    commits = f"{per_commit:.0f} conversation{'s' if per_commit != 1 else ''} a commit, {database.group(1)}"
    if per_commit == 1:
        return [Row(f"  deliveries, {commits}", f"{product:.0f}/s (ratio {ratio:.3f})",
                    f"{baseline:.0f}/s", "reported", None)]
    return [Row(f"deliveries / arq no-op jobs ({commits})", f"{product:.0f}/s (ratio {ratio:.3f})",
                f"{baseline:.0f}/s", "≥ 0.50", ratio >= 0.5)]


def understanding_rows(output: str) -> list[Row]:
    found = re.search(r"per message \(µs, median of passes\)\s+([\d.]+)\s+([\d.]+)", output)
    if not found:
        return [Row("understanding CPU per message", "failed (see the log)", "", "< 1 ms", False)]
    old, new = float(found.group(1)), float(found.group(2))
    return [Row("understanding CPU per message (no model)", f"{new:.0f} µs", f"old matcher {old:.0f} µs",
                "well under 1 ms", new < 1000)]


def history_rows(output: str) -> list[Row]:
    """``bench/history_cost.py``'s table: ``| figure | alone | history | ratio |`` (ms)."""
    rows = []
    messages = number(r'"messages": (\d+)', output)
    where = f"{messages:,.0f} messages" if messages else "history"
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] == "figure" or not cells[1].replace(".", "").isdigit():
            continue
        name, alone, history, ratio = cells[0], float(cells[1]), float(cells[2]), float(cells[3])
        if name.endswith("(KB)"):
            rows.append(Row(f"{where}: {name}", f"{history:.1f} KB", f"{alone:.1f} KB alone", "paginated", None))
            continue
        endpoint = name.startswith("GET ")
        # Within 10% of the working set alone; under a millisecond the difference is noise.
        flat = history < 50 if endpoint else (ratio <= 1.10 or history - alone < 1.0)
        target = "< 50 ms" if endpoint else "within 10%"
        rows.append(Row(f"{where}: {name}", f"{history:.2f} ms", f"{alone:.2f} ms alone", target, flat))
    return rows or [Row("cost with stored history", "failed (see the log)", "", "flat", False)]


def two_instance_rows(output: str) -> list[Row]:
    rows = {}
    for line in output.splitlines():
        fields = line.split()
        if len(fields) == 9 and fields[0] in ("1", "2"):
            rows[fields[0]] = (float(fields[1]), float(fields[3]), float(fields[4]))
    if set(rows) != {"1", "2"}:
        return [Row("two instances vs one", "failed (see the log)", "", "", None)]
    (one, _, _), (two, p50, p99) = rows["1"], rows["2"]
    return [Row("two app instances + two workers (PostgreSQL)", f"{two:.0f} msg/s (×{two / one:.2f})",
                f"{one:.0f} msg/s one instance", "reported", None),
            Row("  reply latency p50/p99 at half peak, two instances", f"{p50:.1f}/{p99:.1f} ms", "", "", None)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--postgres-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/bench")
    parser.add_argument("--log", type=Path)
    arguments = parser.parse_args()
    quick = arguments.quick
    log: list[str] = []
    plan: list[tuple[str, list[str], Callable[[str], list[Row]]]] = [
        ("webchat_e2e.py", ["--connections", "50" if quick else "10,50,200", "--seconds", "4" if quick else "8",
                            "--postgres-url", arguments.postgres_url,
                            "--seed-history", "20000" if quick else "2000000"], webchat_rows),
        ("webchat_floor.py", ["--no-product", "--connections", "50" if quick else "10,50,200",
                              "--seconds", "4" if quick else "8"], floor_rows),
        ("idle_memory.py", ["--connections", "1000" if quick else "10000"], idle_rows),
        ("wechat_webhook_latency.py", ["--messages", "200" if quick else "400"], wechat_rows),
        ("deliveries.py", ["--jobs", "500" if quick else "2000"], deliveries_rows),
        ("deliveries.py", ["--jobs", "500" if quick else "2000", "--conversations-per-commit", "1"], deliveries_rows),
        ("deliveries.py", ["--jobs", "500" if quick else "2000",
                           "--database-url", f"{arguments.postgres_url}_deliveries"], deliveries_rows),
        ("understanding.py", [], understanding_rows),
        ("two_instances.py", ["--connections", "50", "--seconds", "4" if quick else "8"], two_instance_rows),
    ]
    if (BENCH / "history_cost.py").exists():
        plan.append(("history_cost.py", ["--messages", "20000" if quick else "200000"], history_rows))
        if not quick:
            plan.append(("history_cost.py", ["--messages", "2000000", "--repeat", "9"], history_rows))
    rows: list[Row] = []
    for script, script_arguments, read in plan:
        waited = wait_until_quiet()
        log.append(f"(waited {waited:.0f} s for a quiet machine)")
        print(f"running {script} …", file=sys.stderr, flush=True)
        rows.extend(read(run(script, *script_arguments, log=log)))
    if arguments.log:
        arguments.log.write_text("\n".join(log), encoding="utf-8")
    width = max(len(row.figure) for row in rows)
    print(f"{'figure':<{width}}  {'measured':<28} {'baseline (same run)':<26} {'target':<18} met")
    print("-" * (width + 80))
    for row in rows:
        met = "" if row.met is None else ("yes" if row.met else "NO")
        print(f"{row.figure:<{width}}  {row.measured:<28} {row.baseline:<26} {row.target:<18} {met}")


if __name__ == "__main__":
    main()
