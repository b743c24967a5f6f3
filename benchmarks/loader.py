"""Speed of the scenario loader on a large file: ``carebridge validate`` of a generated 5 MB scenario.

The Stockport example is grown to about 5 MB by adding schemes (each with two effects written in block
style, as people write them) and checked the way ``carebridge validate`` checks it: read, parse, shape and
meaning. Prints the megabytes and the seconds of the load (median of 3) — floor 3 s on a 2-core machine.

Run: ``python benchmarks/loader.py`` (``--megabytes N`` to change the size). Exit status 0; with
``--check``, 1 when the figure is above its floor. The file is generated in a temporary folder, never kept.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "examples" / "stockport-2017" / "scenario.yaml"
FLOOR = 3.0
"""Seconds to load a 5 MB scenario."""

_SCHEME = """\
  - id: generated_{n}
    name: Generated scheme {n}
    group: Generated
    owner: ccg
    effects:
      - kind: absolute
        pod: nel
        counts_as: avoided_growth
        activity:
          2017/18: 0.001
          2018/19: 0.002
          2019/20: 0.003
      - kind: reduce
        pod: el
        fraction:
          2018/19: 0.0000001
          2019/20: 0.0000002
"""


def large_scenario(megabytes: float) -> str:
    """The Stockport scenario with schemes added until the text is ``megabytes`` long."""
    text = SCENARIO.read_text(encoding="utf-8")
    head, tail = text.split("\nschemes:\n", 1)
    wanted = int(megabytes * 1_000_000) - len(text)
    one = len(_SCHEME.format(n=100000))
    added = "".join(_SCHEME.format(n=n) for n in range(max(wanted // one, 0)))
    return f"{head}\nschemes:\n{added}{tail}"


def load_time(path: Path, runs: int) -> tuple[float, float]:
    """The median seconds of a load, by the clock and of the process's CPU time (a figure that a busy
    machine inflates less)."""
    from carebridge.scenario.loader import load_scenario

    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        load_scenario(path)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), statistics.median(cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=5.0, help="size of the generated scenario")
    parser.add_argument("--runs", type=int, default=3, help="loads to take the median of")
    parser.add_argument("--check", action="store_true", help=f"exit 1 when the load is above {FLOOR} s")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "large.yaml"
        path.write_text(large_scenario(options.megabytes), encoding="utf-8")
        size = path.stat().st_size / 1e6
        seconds, cpu = load_time(path, options.runs)
    print(
        f"load and validate a {size:.1f} MB scenario: {seconds:.2f} s, CPU {cpu:.2f} s "
        f"(floor {FLOOR:.1f} s for 5 MB)"
    )
    if options.check and seconds > FLOOR:
        print(f"above the floor of {FLOOR:.1f} s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
