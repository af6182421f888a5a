"""Installs are reproducible: every package `make` installs is pinned with its hashes in a lock
that covers what pyproject.toml asks for, and the Makefile installs from the locks only."""

from __future__ import annotations

import re
import tomllib

import pytest

from settings import ROOT

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==\S+ *(?:;[^\\]*)?\\$")
LOCKS = {"requirements.lock": [], "requirements-test.lock": ["test"],
         "requirements-conformance.lock": ["test"]}


def pinned(lock: str) -> dict[str, list[str]]:
    """Each package of a lock with the hashes listed under it."""
    packages: dict[str, list[str]] = {}
    current = ""
    for line in (ROOT / lock).read_text().splitlines():
        if found := PIN.match(line):
            current = re.sub(r"[-_.]+", "-", found.group(1).lower())
            packages[current] = []
        elif line.strip().startswith("--hash=sha256:") and current:
            packages[current].append(line.strip())
    return packages


def wanted(extras: list[str]) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + [
        r for extra in extras for r in project["optional-dependencies"][extra]]
    return {re.sub(r"[-_.]+", "-", re.split(r"[\[<>=~! ;]", r, maxsplit=1)[0].lower())
            for r in requirements}


@pytest.mark.parametrize(("lock", "extras"), LOCKS.items())
def test_every_package_of_a_lock_is_pinned_with_hashes_and_covers_pyproject(
        lock: str, extras: list[str]) -> None:
    packages = pinned(lock)
    assert packages and all(packages.values()), "a package without a hash"
    assert wanted(extras) <= packages.keys()


def test_make_installs_from_the_locks_with_hashes_and_can_refresh_them() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes --no-deps -r" in makefile
    for lock in ("requirements-test.lock", "requirements-conformance.lock"):
        assert f"$(INSTALL_LOCKED) {lock}" in makefile
    assert "pip install --quiet --no-deps -e ." in makefile
    assert re.search(r"^lock:", makefile, re.MULTILINE)
    assert "--generate-hashes" in makefile
