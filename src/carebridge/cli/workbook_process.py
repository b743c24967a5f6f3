"""``carebridge run``'s workbook written by a second process, beside the rest of the report.

``report.xlsx`` takes openpyxl, which takes longer to import than anything else the report needs, and the
workbook takes longer to write than the page, the CSV tables and the PNGs together. So where it can,
``carebridge run`` forks a child once its heavy modules are imported: the child imports openpyxl while
the parent loads, runs and appraises the scenario; it then receives the scenario, the years and the report's
tables (pickled, through a pipe: never the run's arrays, which the workbook does not read) and writes the
workbook while the parent writes the rest. What the child raises
comes back and is raised in the parent, so a workbook that cannot be written fails the run as it does in
one process. The files and their content are the same either way.

Everything is written in the one process but on Linux (there is no ``fork`` on Windows, and on macOS a
fork is unsafe once system frameworks are loaded), on a single core, or when the process runs other
threads (a fork copies only the calling thread, and a lock another thread holds would never be released
in the child).
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from types import TracebackType

    from carebridge.engine.results import Results
    from carebridge.report.provenance import Provenance
    from carebridge.report.table import FormattedTable


def can_fork() -> bool:
    """Whether a second process can write the workbook here: Linux (``fork`` is missing on Windows, and
    unsafe on macOS once system frameworks are loaded), two cores or more are ours, and this process runs
    no other thread."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork") or threading.active_count() > 1:
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores > 1


class WorkbookProcess:
    """A child process that writes one workbook (:meth:`start`), or, where there is none (:func:`can_fork`),
    the workbook written in this process. Use it as a context manager: leaving it waits for the child."""

    def __init__(self) -> None:
        self._pid: int | None = None
        self._send: int | None = None
        self._receive: int | None = None
        self._answer: tuple[bool, Any] | None = None

    def __enter__(self) -> WorkbookProcess:
        if can_fork():
            self._fork()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._pid is None:
            return
        if self._send is not None:  # never asked to write: the child stops at once
            self._close_send()
            os.kill(self._pid, signal.SIGKILL)
        else:
            self._read_answer()
        if self._receive is not None:
            os.close(self._receive)
            self._receive = None
        os.waitpid(self._pid, 0)
        self._pid = None

    @property
    def forked(self) -> bool:
        """Whether a child process writes the workbook."""
        return self._pid is not None

    def _fork(self) -> None:
        request_read, request_write = os.pipe()
        answer_read, answer_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(request_write)
            os.close(answer_read)
            _child(request_read, answer_write)
        os.close(request_read)
        os.close(answer_write)
        self._pid, self._send, self._receive = pid, request_write, answer_read

    def start(
        self,
        results: Results,
        path: Path,
        provenance: Provenance,
        tables: Sequence[FormattedTable],
        warnings: Sequence[str],
    ) -> Callable[[], Path]:
        """Start writing the workbook of a run (:func:`~carebridge.report.excel.write_excel`'s arguments);
        returns what waits for it and gives its path, raising what writing it raised."""
        if self._send is None:
            from carebridge.report.plan import write_workbook_here

            return write_workbook_here(results, path, provenance, tables, warnings)
        from carebridge.report.excel import RunFacts

        facts = RunFacts(results.scenario, list(results.years))  # not the arrays: the workbook reads none
        request = pickle.dumps(
            (facts, path, provenance, tuple(tables), tuple(warnings)), pickle.HIGHEST_PROTOCOL
        )
        send, self._send = self._send, None
        sender = threading.Thread(target=_send_all, args=(send, request), daemon=True)
        sender.start()

        def written() -> Path:
            sender.join()
            ok, value = self._read_answer()
            if not ok:
                raise value
            return Path(value)

        return written

    def _close_send(self) -> None:
        if self._send is not None:
            os.close(self._send)
            self._send = None

    def _read_answer(self) -> tuple[bool, Any]:
        """The child's answer, read once: ``(True, path)`` or ``(False, the exception it raised)``."""
        if self._answer is None:
            assert self._receive is not None
            with os.fdopen(self._receive, "rb") as answer:
                self._receive = None
                data = answer.read()
            try:
                self._answer = pickle.loads(data) if data else (False, _died())
            except Exception:  # an exception that does not unpickle
                self._answer = (False, RuntimeError("the process writing the workbook failed"))
        return self._answer


def _died() -> RuntimeError:
    return RuntimeError("the process writing the workbook stopped before it wrote the workbook")


def _send_all(descriptor: int, data: bytes) -> None:
    """Write ``data`` into the pipe and close it (in a thread: the pipe holds less than the request, and
    the child reads it only once openpyxl is imported)."""
    with (
        suppress(BrokenPipeError),
        os.fdopen(descriptor, "wb") as pipe,
    ):  # a child gone says why in its answer
        pipe.write(data)


def _child(request: int, answer: int) -> None:
    """The child: import openpyxl, wait for the request, write the workbook, answer; then exit at once (no
    clean-up of the parent's state, no flush of its buffers)."""
    code = 0
    try:
        import openpyxl.writer.excel  # noqa: F401  # what takes the time, while the parent runs the scenario

        from carebridge.report.excel import write_excel

        with os.fdopen(request, "rb") as pipe:
            data = pipe.read()
        if data:  # nothing when the parent stopped before the report (a bad scenario)
            facts, path, provenance, tables, warnings = pickle.loads(data)
            try:
                reply: tuple[bool, Any] = (
                    True,
                    str(write_excel(facts, path, provenance, tables, warnings)),
                )
            except Exception as error:
                reply = (False, error)
            try:
                encoded = pickle.dumps(reply)
            except Exception:
                encoded = pickle.dumps((False, RuntimeError(f"{type(reply[1]).__name__}: {reply[1]}")))
            with os.fdopen(answer, "wb") as pipe:
                pipe.write(encoded)
    except BaseException:
        code = 1
    finally:
        os._exit(code)
