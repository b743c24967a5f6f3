"""A plan's run does not start ``dask.array`` (nor SciPy, which it brings), and xarray still knows a dask
array when one is met after it: each checked in a fresh interpreter, as the command line starts."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.conftest import STOCKPORT


def python(code: str) -> str:
    command = [sys.executable, "-c", textwrap.dedent(code)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_run_imports_neither_dask_array_nor_scipy() -> None:
    printed = python(
        f"""
        import sys
        from carebridge.usecases.planning import load, run
        results = run(load({str(STOCKPORT)!r}))
        assert float(abs(results.positions).sum()) > 0
        print(sorted(name for name in ("dask.array", "scipy") if name in sys.modules))
        """
    )
    assert printed == "[]"


def test_xarray_still_knows_a_dask_array_met_after_a_run() -> None:
    printed = python(
        f"""
        from carebridge.usecases.planning import load, run
        run(load({str(STOCKPORT)!r}))
        import dask.array
        import xarray
        from xarray.namedarray.pycompat import is_chunked_array, mod_version
        lazy = xarray.DataArray(dask.array.ones((4, 6), chunks=2), dims=("pod", "year"))
        assert isinstance(lazy.data, dask.array.Array) and is_chunked_array(lazy.data)
        assert not is_chunked_array(xarray.DataArray([1.0, 2.0]).data)
        print(lazy.chunks, float(lazy.sum().compute()), mod_version("dask") > mod_version("numbagg"))
        """
    )
    assert printed == "((2, 2), (2, 2, 2)) 24.0 True"


def test_a_quiet_run_of_the_command_line_starts_neither_dask_nor_rich() -> None:
    printed = python(
        f"""
        import sys, tempfile
        from carebridge.cli import main
        with tempfile.TemporaryDirectory() as out:
            sys.argv = ["carebridge", "run", {str(STOCKPORT)!r}, "--out", out, "--quiet"]
            try:
                main()
            except SystemExit as done:
                assert not done.code, done.code
        print(sorted(name for name in ("dask", "dask.base", "jinja2", "rich") if name in sys.modules))
        """
    )
    assert printed.splitlines()[-1] == "[]"


def test_xarray_knows_a_dask_collection_as_dask_does() -> None:
    printed = python(
        """
        import numpy
        from carebridge.usecases import planning
        from xarray.namedarray.utils import is_dask_collection
        import dask.array
        import dask.base

        class Graph:
            def __dask_graph__(self):
                return {"a": 1}

        class NoGraph:
            def __dask_graph__(self):
                return None

        things = [numpy.ones(3), dask.array.ones(3), Graph(), NoGraph(), Graph, 1.0, "text"]
        print([is_dask_collection(x) == dask.base.is_dask_collection(x) for x in things].count(True))
        print(is_dask_collection(dask.array.ones(3)), is_dask_collection(numpy.ones(3)))
        """
    )
    assert printed == "7\nTrue False"
