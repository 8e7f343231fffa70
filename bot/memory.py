"""Fewer malloc arenas: glibc gives each thread that allocates an arena of its own (up to eight
per core) and keeps what each has freed, so the database writer thread's and the driver threads'
batches leave memory behind for good. Two arenas, as ``MALLOC_ARENA_MAX=2`` gives, measured
16.8–20.4 KiB per idle web chat connection against 21.2–21.9 without (``bench/idle_memory.py``,
before it kept its connections answering pings: see docs/performance.md)."""

from __future__ import annotations

import ctypes
import os
import platform

M_ARENA_MAX = -8
"""glibc's ``mallopt`` parameter (malloc.h)."""
SERVICE_ARENAS = 2


def limit_malloc_arenas(arenas: int = SERVICE_ARENAS) -> bool:
    """Limit glibc's arenas for threads started from now on, unless ``MALLOC_ARENA_MAX`` is set
    (glibc has then applied the operator's choice). Returns whether the limit was set here; on
    another C library, nothing is done."""
    if "MALLOC_ARENA_MAX" in os.environ or platform.libc_ver()[0] != "glibc":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_ARENA_MAX, arenas))
