"""Every command the documentation shows works as written, so the docs cannot drift from the tool.

The commands are taken from README.md, docs/*.md and every README.md under examples/ — each line of a
``sh`` block, and each inline ``carebridge …`` or ``python …`` that names a file — and from the "Example:"
lines of every command's ``--help``. Each document's commands run in order (a store or a folder made by an
earlier command is there for a later one) on a fresh copy of the examples in a temporary folder, with
``../shared`` beside it as in a worktree; the first that exits non-zero fails the test, naming the document,
its line and the command. ``carebridge serve`` is started, asked for its first page and stopped.

Inline mentions with a placeholder (``carebridge run SCENARIO --out DIR``, ``carebridge targets status
[--month …]``) and bare command names are not run: each is checked to name a real command and real options.
A few commands are not run at all, each in :data:`NOT_RUN` with the reason.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
BIN = Path(sys.executable).parent

DOCUMENTS = sorted(
    [ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *(ROOT / "examples").rglob("README.md")],
    key=lambda path: path.relative_to(ROOT).as_posix(),
)
HELP = "carebridge --help"
"""The name of the 'documents' of the commands' help examples: the planning commands, and the delivery
commands (which share a store), run as two documents so that they run side by side."""
DELIVERY_GROUPS = ("plan", "actuals", "fews", "report", "targets", "risks", "users", "serve")

NOT_RUN: dict[str, str] = {
    "make test": "runs the whole suite this test is part of",
    "make test-fast": "runs the suite this test is part of",
    "make lint": "run by `make test` itself",
    "make bench": "times the machine for minutes; tests/benchmarks runs each benchmark",
    "python benchmarks/stratify.py": "generates 10 million patients (minutes); tests/benchmarks runs it",
    "python benchmarks/loader.py": "times the loader on a 5 MB scenario; tests/benchmarks runs it",
    "carebridge serve --host 0.0.0.0 --port 8080 --db postgresql+psycopg://user:pw@host/carebridge "
    "--secure-cookies --trusted-proxy 10.0.0.5": "names the reader's own PostgreSQL server (user:pw@host)",
    "python benchmarks/engine.py": "times the engine and the command (a minute); tests/benchmarks runs it",
    "python benchmarks/simulate.py": "times 100,000 draws (minutes); tests/benchmarks runs it",
    "python benchmarks/region.py": "simulates 40 places on dask (minutes); tests/benchmarks runs it",
    "python benchmarks/web_load.py --users 50 --duration 60": "a minute of load; tests/web runs it",
    "python benchmarks/prioritise.py": "times the exact selection; tests/benchmarks runs it",
    "python benchmarks/demand.py": "times the engine and 10,000 draws; tests/benchmarks runs it",
    "python benchmarks/efficiency.py": "imports 50,160 rows of returns; tests/benchmarks runs it",
}
"""Commands shown in the docs that this test does not run, and why."""

STAND_INS: dict[str, str] = {
    "make demo": "carebridge run examples/stockport-2017/scenario.yaml --out out/stockport",
}
"""Commands run as what they do here: ``make demo`` builds a virtual environment (this test runs in one), then
runs the Stockport example; the test runs that step, which later commands of the README read."""

PLACEHOLDER = re.compile(r"(^|[\s/])[A-Z][A-Z_]+(\.[a-z]+)?($|\s)|[\[\]…<>{}|]|\bNAME\b")
FILE_LIKE = re.compile(r"/|\.(ya?ml|csv|xlsx|parquet|png|py|html|json|db|txt)$")
SERVE_WAIT_SECONDS = 90.0


@dataclass(frozen=True)
class Command:
    """A command shown in a document, where, and whether it is run or only checked against the CLI."""

    document: str
    line: int
    text: str
    run: bool

    @property
    def where(self) -> str:
        return f"{self.document}:{self.line}" if self.line else self.document


# ---- finding the commands ---------------------------------------------------------------------------------


def _without_comment(line: str) -> str:
    """The shell line without its trailing ``# comment`` (a ``#`` outside quotes, after a space)."""
    quote = ""
    for index, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index].rstrip()
    return line.rstrip()


def _joined(lines: list[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """Lines with their ``\\`` continuations joined, each with the number of its first line."""
    start, parts = 0, list[str]()
    for number, text in lines:
        text = _without_comment(text) if not parts else text.strip()
        if not parts:
            start = number
        if text.endswith("\\"):
            parts.append(text[:-1].strip())
            continue
        parts.append(text.strip())
        joined = " ".join(part for part in parts if part)
        parts = []
        if joined:
            yield start, _without_comment(joined)


def document_commands(path: Path) -> list[Command]:
    """The commands of a Markdown document, in order: every line of its ``sh`` blocks (run), and its inline
    ``carebridge …``, ``python …`` and ``make …`` spans (run when they name a file and no placeholder)."""
    name = path.relative_to(ROOT).as_posix()
    commands: list[Command] = []
    block: list[tuple[int, str]] | None = None
    language = ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.lstrip().startswith("```"):
            if block is None:
                block, language = [], line.strip().strip("`").strip()
            else:
                if language in ("sh", "bash", "shell", "console"):
                    commands.extend(Command(name, start, text, True) for start, text in _joined(block))
                block = None
            continue
        if block is not None:
            block.append((number, line))
            continue
        for span in re.findall(r"`([^`]+)`", line):
            span = span.replace("\\|", "|").strip()
            if span.split(" ")[0] in ("carebridge", "python", "make") and " " in span:
                runnable = not PLACEHOLDER.search(span) and any(
                    FILE_LIKE.search(token) for token in span.split()[1:]
                )
                commands.append(Command(name, number, span, runnable or span in STAND_INS))
    return commands


def _cli() -> Any:
    """The click command of ``carebridge`` (typer's own copy of click: duck-typed)."""
    from carebridge.cli import app

    return typer.main.get_command(app)


def _subcommands(command: Any) -> dict[str, Any]:
    return dict(getattr(command, "commands", {}))


def _walk(command: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, child in _subcommands(command).items():
        yield from _walk(child, (*path, name))


# The help examples run in this order, so that each finds what an earlier one made: the plan approved
# before its actuals, the registers loaded before they are reviewed.
HELP_ORDER = (
    "validate", "run", "template", "convert", "compare", "simulate", "sensitivity", "appraise", "prioritise",
    "synth", "stratify", "base-rates", "population", "region", "region add", "region list", "efficiency",
    "efficiency load", "returns",
    "returns template", "returns import", "efficiency status", "pools", "pools load", "pools import",
    "pools status", "programme", "programme check", "programme rollup", "programme load", "programme return",
    "programme return import", "programme status", "programme resourcing", "outcomes", "outcomes load",
    "outcomes import", "outcomes status", "outcomes benchmark", "neighbourhoods", "neighbourhoods check",
    "neighbourhoods cohort", "neighbourhoods effect", "neighbourhoods utilisation", "neighbourhoods import",
    "plan approve", "plan", "plan list", "plan share", "actuals template", "actuals",
    "actuals import", "fews settings", "fews action", "fews", "report", "report delivery", "targets",
    "targets load", "targets actuals", "targets status", "targets escalate", "targets reset", "risks",
    "risks load", "risks list", "risks heatmap", "risks review", "users", "users add", "serve",
)  # fmt: skip


def help_commands(delivery: bool) -> list[Command]:
    """The "Example:" lines of the help of every planning (or delivery) command and group, in
    :data:`HELP_ORDER`."""
    found: list[tuple[int, Command]] = []
    for path, command in _walk(_cli(), ()):
        if (bool(path) and path[0] in DELIVERY_GROUPS) != delivery:
            continue
        name = " ".join(path)
        lines = (command.help or "").replace("\b", "").splitlines()
        starts = [index for index, line in enumerate(lines) if line.strip() in ("Example:", "Examples:")]
        if not starts:
            continue
        example = [(0, line) for line in lines[starts[0] + 1 :] if line.strip()]
        rank = HELP_ORDER.index(name) if name in HELP_ORDER else len(HELP_ORDER)
        where = f"carebridge {name} --help".replace("  ", " ")
        found.extend((rank, Command(where, 0, text, True)) for _, text in _joined(example))
    return [command for _, command in sorted(found, key=lambda item: item[0])]


def all_commands() -> dict[str, list[Command]]:
    commands = {path.relative_to(ROOT).as_posix(): document_commands(path) for path in DOCUMENTS}
    commands[f"{HELP}: planning"] = help_commands(delivery=False)
    commands[f"{HELP}: delivery"] = help_commands(delivery=True)
    return commands


# ---- checking a mention against the command line ----------------------------------------------------------


def mention_problem(text: str) -> str | None:
    """Why an inline mention (``carebridge run --bridge-year``) names no command or option; None if it
    does."""
    words = shlex.split(text.replace("[", " ").replace("]", " ").replace("|", " "))
    if words[0] != "carebridge":
        return None
    command = _cli()
    path = ["carebridge"]
    for word in words[1:]:
        if word in _subcommands(command):
            command = _subcommands(command)[word]
            path.append(word)
    options = {
        name
        for param in command.params
        for name in [*getattr(param, "opts", []), *getattr(param, "secondary_opts", [])]
    }
    options |= {"--help"}
    unknown = [word for word in words if word.startswith("-") and word.split("=")[0] not in options]
    if len(path) == 1 and len(words) > 1 and not words[1].startswith("-"):
        return f"'{words[1]}' is not a carebridge command"
    if unknown:
        return f"{' '.join(path)} has no option {', '.join(unknown)}"
    return None


# ---- running ----------------------------------------------------------------------------------------------


def _environment() -> dict[str, str]:
    environment = dict(os.environ)
    environment["PATH"] = f"{BIN}{os.pathsep}{environment.get('PATH', '')}"
    environment.pop("CAREBRIDGE_DB", None)
    environment["COLUMNS"] = "120"
    return environment


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(command: Command, folder: Path) -> str | None:
    """Start ``carebridge serve`` on a free port, wait for it to answer, stop it; what went wrong, if
    anything."""
    port = _free_port()
    process = subprocess.Popen(
        f"{command.text} --port {port}",
        shell=True,
        cwd=folder,
        env=_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + SERVE_WAIT_SECONDS
        while time.monotonic() < deadline:
            if process.poll() is not None:
                output = process.stdout.read() if process.stdout else ""
                return f"exited {process.returncode} before answering:\n{output[-2000:]}"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                    status = answer.status
            except urllib.error.HTTPError as error:
                status = error.code
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
                continue
            return None if status < 500 else f"answered {status}"
        return f"did not answer on port {port} within {SERVE_WAIT_SECONDS:.0f} s"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def fresh_copy(folder: Path) -> Path:
    """A copy of the examples in ``folder/repo``, with ``folder/shared`` the seeds' folder, as in a worktree;
    the files that the help examples name as the reader's own (two versions of a plan, a password)."""
    work = folder / "repo"
    shutil.copytree(ROOT / "examples", work / "examples")
    if SHARED.is_dir():
        (folder / "shared").symlink_to(SHARED.resolve(), target_is_directory=True)
    scenario = (work / "examples" / "stockport-2017" / "scenario.yaml").read_text(encoding="utf-8")
    (work / "plan-april.yaml").write_text(scenario, encoding="utf-8")
    june = scenario.replace("name: Stockport Together summary economic case 2017", "name: Stockport, June")
    (work / "plan-june.yaml").write_text(june, encoding="utf-8")
    (work / "password.txt").write_text("a long password for the docs\n", encoding="utf-8")
    return work


def run_document(commands: list[Command], folder: Path) -> list[str]:
    """Run each command of one document in order in ``folder``; a line for each that failed."""
    failures: list[str] = []
    for command in commands:
        text = STAND_INS.get(command.text, command.text)
        if text in NOT_RUN:
            continue
        if not command.run:
            problem = mention_problem(text)
            if problem:
                failures.append(f"{command.where}: `{command.text}`: {problem}")
            continue
        if shlex.split(text)[:2] == ["carebridge", "serve"]:
            problem = _serve(Command(command.document, command.line, text, True), folder)
            if problem:
                failures.append(f"{command.where}: `{command.text}` {problem}")
            continue
        done = subprocess.run(
            text, shell=True, cwd=folder, env=_environment(), capture_output=True, text=True, timeout=600
        )
        if done.returncode != 0:
            output = (done.stderr.strip() or done.stdout.strip())[-1500:]
            failures.append(f"{command.where}: `{command.text}` exited {done.returncode}:\n{output}")
    return failures


# ---- the tests --------------------------------------------------------------------------------------------


def test_the_commands_are_found() -> None:
    """The extraction finds what the docs show: the README's demo, a sh block of each example, the help's
    examples of every command; and each command not run is still shown somewhere."""
    commands = all_commands()
    shown = {command.text for listed in commands.values() for command in listed}
    assert "make demo" in shown
    assert "carebridge run examples/staffordshire-stp-2016/scenario.yaml --out out/stp" in shown
    assert "carebridge targets actuals examples/delivery/target-actuals-2017-18.csv" in shown
    helped = {command.document for name in commands if name.startswith(HELP) for command in commands[name]}
    missing = {
        f"carebridge {' '.join(path)} --help"
        for path, command in _walk(_cli(), ())
        if path and not _subcommands(command)
    } - helped
    assert not missing, f"commands whose --help shows no example: {sorted(missing)}"
    unordered = [" ".join(path) for path, _ in _walk(_cli(), ()) if path and " ".join(path) not in HELP_ORDER]
    assert not unordered, f"commands to place in HELP_ORDER (after what their example needs): {unordered}"
    stale = (set(NOT_RUN) | set(STAND_INS)) - shown
    assert not stale, f"NOT_RUN or STAND_INS names a command no document shows: {sorted(stale)}"


def test_every_mention_names_a_real_command_and_options() -> None:
    problems = [
        f"{command.where}: `{command.text}`: {problem}"
        for listed in all_commands().values()
        for command in listed
        if not command.run and (problem := mention_problem(command.text))
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.parametrize(
    "document",
    [*(p.relative_to(ROOT).as_posix() for p in DOCUMENTS), f"{HELP}: planning", f"{HELP}: delivery"],
)
def test_every_command_a_document_shows_runs(document: str, tmp_path: Path) -> None:
    commands = all_commands()[document]
    failures = run_document(commands, fresh_copy(tmp_path))
    assert not failures, f"{len(failures)} of {len(commands)} commands fail:\n" + "\n".join(failures)
