"""``carebridge users add`` and ``carebridge serve`` as installed commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from carebridge.delivery.baseline import PlanBaseline
from carebridge.engine import Results
from carebridge.store import Store
from carebridge.store.models import AuditEntry, User, UserRole
from carebridge.store.plans import approve, sha256_text
from tests.conftest import STOCKPORT

CAREBRIDGE = str(Path(sys.executable).with_name("carebridge"))


def users_add(db: Path, *args: str, password: str = "a long password\n") -> subprocess.CompletedProcess[str]:
    command = [CAREBRIDGE, "users", "add", *args, "--db", str(db)]
    return subprocess.run(command, input=password, capture_output=True, text=True, timeout=60)


def plan_store(db: Path, results: Results) -> None:
    """A store at ``db`` with the Stockport plan approved (its organisations: ccg, sft, smbc, ...)."""
    text = STOCKPORT.read_text(encoding="utf-8")
    with Store.open(str(db), actor="tests") as store:
        baseline = PlanBaseline.from_results(results)
        approve(store, "Stockport", text, str(STOCKPORT), baseline, sha256_text(text))


def test_users_add_makes_a_user_with_a_role_and_an_argon2_hash(tmp_path: Path, stockport: Results) -> None:
    db = tmp_path / "carebridge.db"
    plan_store(db, stockport)
    done = users_add(db, "Editor@SFT.test", "--org", "sft", "--role", "editor", "--password-stdin")
    assert done.returncode == 0, done.stderr
    assert "editor@sft.test: editor of sft" in done.stdout
    with Store.open(str(db)) as store, store.session() as session:
        user = session.scalar(select(User).where(User.email == "editor@sft.test"))
        assert user is not None
        assert user.password_hash.startswith("$argon2id$")
        assert session.scalar(select(UserRole.role).where(UserRole.user_id == user.id)) == "editor"


def test_users_add_refuses_mistakes_with_exit_code_2(tmp_path: Path) -> None:
    db = tmp_path / "carebridge.db"
    no_stdin = users_add(db, "a@b.test", "--org", "sft")
    assert no_stdin.returncode == 2
    assert "--password-stdin" in no_stdin.stderr
    role = users_add(db, "a@b.test", "--org", "sft", "--role", "boss", "--password-stdin")
    assert role.returncode == 2
    assert "expected one of viewer, editor, finance_lead, admin" in role.stderr
    short = users_add(db, "a@b.test", "--org", "sft", "--password-stdin", password="short\n")
    assert short.returncode == 2
    assert "at least 10 characters" in short.stderr


def test_serve_is_listed_with_an_example() -> None:
    done = subprocess.run([CAREBRIDGE, "serve", "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "carebridge serve --port 8000" in done.stdout


def test_serve_refuses_a_trusted_proxy_that_is_not_an_address(tmp_path: Path) -> None:
    command = [CAREBRIDGE, "serve", "--trusted-proxy", "proxy.example", "--db", str(tmp_path / "c.db")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "--trusted-proxy proxy.example: expected an IP address" in done.stderr
    assert "Traceback" not in done.stderr


def test_users_add_refuses_an_unknown_organisation_or_an_email_that_is_not_one(
    tmp_path: Path, stockport: Results
) -> None:
    db = tmp_path / "carebridge.db"
    empty = users_add(db, "a@b.test", "--org", "sft", "--password-stdin")
    assert empty.returncode == 2
    assert "organisation sft: no plan in the store names its organisations yet" in empty.stderr
    plan_store(db, stockport)
    typo = users_add(db, "a@b.test", "--org", "sfft", "--password-stdin")
    assert typo.returncode == 2
    assert "sfft is not an organisation of the plans in the store: expected one of" in typo.stderr
    assert "sft (Stockport FT)" in typo.stderr
    for email in ("<script>@x", "a b@c.test", "nobody", "x@localhost", "editor@sft..nhs.uk"):
        bad = users_add(db, email, "--org", "sft", "--password-stdin")
        assert bad.returncode == 2, email
        assert "is not an email address: expected name@domain" in bad.stderr
        assert "Traceback" not in bad.stderr
    with Store.open(str(db)) as store, store.session() as session:
        assert session.scalar(select(User)) is None
        assert not [e for e in session.scalars(select(AuditEntry)) if e.entity in ("users", "user_roles")]
    assert users_add(db, "admin@b.test", "--admin", "--password-stdin").returncode == 0
