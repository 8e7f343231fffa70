"""The service limits glibc's malloc arenas, unless the operator chose their number."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import pytest

from bot.memory import limit_malloc_arenas

ROOT = Path(__file__).resolve().parent.parent
GLIBC = platform.libc_ver()[0] == "glibc"


@pytest.mark.skipif(not GLIBC, reason="the arenas are glibc's; other C libraries are left alone")
def test_the_arenas_are_limited_on_glibc() -> None:
    assert limit_malloc_arenas() is True


def test_an_operators_malloc_arena_max_is_left_to_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_malloc_arenas() is False


@pytest.mark.skipif(not GLIBC, reason="the arenas are glibc's; other C libraries are left alone")
def test_threads_started_after_the_limit_share_two_arenas() -> None:
    # glibc's malloc_info lists one <heap> per arena; eight allocating threads would make nine.
    script = """
import ctypes, os, sys, tempfile, threading
from bot.memory import limit_malloc_arenas
limit = sys.argv[1] == "limit"
if limit:
    limit_malloc_arenas()
# All eight alive at once: a thread that exits hands its arena to the next one started.
together = threading.Barrier(8)
def allocate():
    together.wait()
    [bytearray(4096) for _ in range(2000)]  # over pymalloc's 512 bytes: glibc's malloc
    together.wait()
threads = [threading.Thread(target=allocate) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
libc = ctypes.CDLL(None)
libc.fdopen.restype = ctypes.c_void_p
libc.fdopen.argtypes = [ctypes.c_int, ctypes.c_char_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fflush.argtypes = [ctypes.c_void_p]
with tempfile.TemporaryFile("w+") as out:
    stream = libc.fdopen(os.dup(out.fileno()), b"w")
    libc.malloc_info(0, stream)
    libc.fflush(stream)
    out.seek(0)
    print(out.read().count("<heap nr="))
"""
    env_free = {"PATH": "/usr/bin:/bin"}

    def arenas(mode: str) -> int:
        done = subprocess.run(
            [sys.executable, "-c", script, mode], capture_output=True, text=True, env=env_free, check=True, cwd=ROOT
        )
        return int(done.stdout.strip())

    assert arenas("limit") <= 2
    assert arenas("free") > 2
