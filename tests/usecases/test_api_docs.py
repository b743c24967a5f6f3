"""The examples of docs/api.md and of the README's "As a library" run as written, and the public API is
what ``carebridge.__all__`` lists, imported on first use."""

from __future__ import annotations

import doctest
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def test_the_api_documentation_runs_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = doctest.testfile(str(ROOT / "docs" / "api.md"), module_relative=False, optionflags=FLAGS)
    assert result.attempted > 20
    assert result.failed == 0


def test_the_readme_library_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("**As a library.**", 1)[1]
    code = re.findall(r"```python\n(.*?)```", section, re.S)[0]
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md (As a library)", "exec"), namespace)
    assert namespace["run"].__class__.__name__ == "Run"


def test_the_public_api_is_all_and_imports_nothing_heavy_until_used() -> None:
    import carebridge

    assert set(carebridge.__all__) <= set(dir(carebridge))
    for name in carebridge.__all__:
        assert getattr(carebridge, name) is not None
    with pytest.raises(AttributeError):
        _ = carebridge.engine_internals
    probe = "import sys, carebridge; print('xarray' in sys.modules, 'sqlalchemy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
