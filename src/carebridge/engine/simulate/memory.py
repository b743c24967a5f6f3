"""Memory kept between the chunks of a Monte Carlo run, rather than given back to the system and taken again.

Each chunk of a run allocates the same large arrays (its batch's inputs, savings and tables: tens of MB) and
frees them when it ends. By default glibc's allocator hands most of them back to the operating system at once
(an array above its mapping threshold is its own mapping; free memory at the top of the heap above its trim
threshold is trimmed), so the next chunk takes fresh pages, and the kernel zeroes and maps each one again on
first touch: a fifth of a run of 10,000 draws was that system time. :func:`kept_memory` raises both
thresholds for the length of a run, so that every chunk after the first reuses the pages of the one before,
and on leaving hands the free memory back (``malloc_trim``) and sets the thresholds to values that leave the
allocator as it would be after any large array (:data:`AFTER_MMAP`, :data:`AFTER_TRIM`). The arrays that
outlive the run (its per-draw tables, for all its draws) are each given pages of their own
(:func:`own_pages`): they do not take the pages the next chunk would reuse, and they go back to the system as
soon as they are freed.

Only glibc has these settings; elsewhere (macOS, Windows, musl) :func:`kept_memory` does nothing. Nothing
here changes a number: only where the allocator finds memory.

The pages of a run's own arrays are faulted in on a thread beside the chunks (:func:`populate`): the kernel
maps and zeroes them there, on the second core, while the chunks run, and a chunk's tables are then copied
into pages already there (on the shared machine 11.5 MB into fresh pages took 6.5 ms, into mapped ones
1.3 ms). Where the kernel cannot (Linux before 5.14, or not Linux), the pages are faulted in on first write
as before.
"""

from __future__ import annotations

import ctypes
import mmap
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
"""glibc's ``mallopt`` parameters (malloc.h)."""

KEPT = 2**30
"""Bytes: during a run, no array is mapped on its own below this and no free memory is trimmed below it (a
chunk's arrays take about 250 MB at 2,000 draws a chunk; ``mallopt`` takes an ``int``)."""
AFTER_MMAP = 32 * 1024**2
AFTER_TRIM = 2 * AFTER_MMAP
"""Bytes: the thresholds set after a run. glibc cannot say what they were, and setting one stops it moving
them by itself; these are the values its sliding thresholds reach once a large array has been freed (its
``DEFAULT_MMAP_THRESHOLD_MAX`` and twice it), which a process running numpy reaches soon anyway."""

MADV_POPULATE_WRITE = 23
"""Linux's ``madvise`` advice (5.14 on): map the pages of a range writable, as a write to each would, without
writing to them (what they hold stays)."""

OWN_MAPPING = 1024**2
"""Bytes: an array of :func:`own_pages` this large or larger is its own mapping."""
_PRIVATE = all(hasattr(mmap, name) for name in ("MAP_PRIVATE", "MAP_ANONYMOUS"))
"""Whether this system can map private anonymous pages (Linux and other Unix)."""

_lock = threading.Lock()
_depth = 0
"""Runs inside :func:`kept_memory` now (runs in threads of one process share the allocator)."""


@cache
def _glibc() -> Any | None:
    """The C library's functions when it is glibc, else ``None``."""
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # noqa: B018 — only glibc has it
    except (OSError, AttributeError, TypeError):
        return None
    libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    libc.mallopt.restype = ctypes.c_int
    libc.malloc_trim.argtypes = [ctypes.c_size_t]
    libc.malloc_trim.restype = ctypes.c_int
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    libc.madvise.restype = ctypes.c_int
    return libc


@contextmanager
def kept_memory() -> Iterator[None]:
    """Inside, freed memory stays with the process for the next chunk to reuse (glibc only); on leaving the
    outermost one, the free memory goes back to the system."""
    global _depth
    libc = _glibc()
    if libc is None:
        yield
        return
    with _lock:
        _depth += 1
        if _depth == 1:
            libc.mallopt(M_MMAP_THRESHOLD, KEPT)
            libc.mallopt(M_TRIM_THRESHOLD, KEPT)
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                libc.mallopt(M_MMAP_THRESHOLD, AFTER_MMAP)
                libc.mallopt(M_TRIM_THRESHOLD, AFTER_TRIM)
                libc.malloc_trim(0)


def own_pages(shape: tuple[int, ...], dtype: npt.DTypeLike) -> npt.NDArray[Any]:
    """An uninitialised array of ``shape`` for what outlives a run (its per-draw tables, all its draws). On
    Linux, when it is large (:data:`OWN_MAPPING`), in pages of its own: they never hold the pages the next
    chunk would reuse, they go back to the system as soon as the array is freed, and they are pages of the
    system's default size where huge pages are only given on request (numpy asks for them for every large
    array): a fresh huge page can cost far more to touch first than the small pages it stands for (on the
    shared machine, a virtual machine that hands free memory back to its host: 640 MB in 1.6 s against
    0.3 s). Elsewhere ``np.empty``."""
    count = int(np.prod(shape))
    if count * np.dtype(dtype).itemsize < OWN_MAPPING or not _PRIVATE:
        return np.empty(shape, dtype)
    pages = mmap.mmap(-1, count * np.dtype(dtype).itemsize, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    array: npt.NDArray[Any] = np.frombuffer(pages, dtype, count)
    return array.reshape(shape)


def populate(arrays: Sequence[npt.NDArray[Any]]) -> threading.Thread | None:
    """Start mapping the pages of ``arrays`` (from :func:`own_pages`) on a thread of its own, and return it
    (join it before the run ends); None when there is nothing to map or the system cannot. Only arrays that
    are their own mapping are mapped (their first byte starts a page); what they hold is not changed, so the
    run may write to them meanwhile. ``madvise`` runs without the interpreter's lock (``ctypes``)."""
    libc = _glibc()
    if libc is None or not _PRIVATE:
        return None
    own = [
        array for array in arrays if array.nbytes >= OWN_MAPPING and array.ctypes.data % mmap.PAGESIZE == 0
    ]
    if not own:
        return None

    def mapped(held: list[npt.NDArray[Any]]) -> None:  # the arrays held: their pages stay while it runs
        for array in held:
            if libc.madvise(array.ctypes.data, array.nbytes, MADV_POPULATE_WRITE) != 0:
                return  # not this kernel: the pages are mapped on first write, as without it

    thread = threading.Thread(target=mapped, args=(own,), name="carebridge-pages", daemon=True)
    thread.start()
    return thread
