"""infra/ checked offline, as far as no Bicep CLI allows (none installs from the registries
this project reaches): every file parses under Bicep's grammar, modules are wired to what they
declare, nothing is declared and left unused, the parameter files set only parameters that
exist (and every required one), and the app settings the templates set are ones settings.py
reads, by the same names."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from settings import ROOT
from tests.deploy.bicep import BicepFile, read

INFRA = ROOT / "infra"
BICEP_FILES = sorted(INFRA.rglob("*.bicep"))
API_VERSIONED = re.compile(r"^[A-Za-z]+\.[A-Za-z]+(/[A-Za-z]+)+@\d{4}-\d{2}-\d{2}(-preview)?$")


@pytest.fixture(scope="module")
def files() -> dict[Path, BicepFile]:
    return {path: read(path) for path in BICEP_FILES}


def settings_names() -> set[str]:
    """Every environment variable settings.py reads."""
    source = (ROOT / "settings.py").read_text()
    return set(re.findall(r'env(?:\.get\(\s*|\[)"(\w+)"', source))


def test_the_templates_are_there() -> None:
    names = {path.relative_to(INFRA).as_posix() for path in BICEP_FILES}
    assert {"main.bicep", "botRegistration/azurebot.bicep", "modules/hosting.bicep",
            "modules/database.bicep", "modules/logs.bicep"} <= names


def test_every_template_parses(files: dict[Path, BicepFile]) -> None:
    assert [error for found in files.values() for error in found.errors] == []


def test_a_syntax_error_is_caught(tmp_path: Path) -> None:
    broken = tmp_path / "broken.bicep"
    broken.write_text((INFRA / "main.bicep").read_text().replace(
        "resource identity '", "resource identity = '", 1))
    assert read(broken).errors


def test_every_parameter_and_variable_is_used(files: dict[Path, BicepFile]) -> None:
    unused = {f"{path.name}: {name}" for path, found in files.items()
              for name in (set(found.params) | found.variables) - found.used}
    assert unused == set()


def test_modules_get_the_parameters_they_declare(files: dict[Path, BicepFile]) -> None:
    for found in files.values():
        for module in found.modules:
            assert module.path.exists(), f"{found.path.name}: module {module.name}: no file"
            declared = read(module.path).params
            assert module.params - set(declared) == set(), f"module {module.name}: unknown"
            required = {name for name, has_default in declared.items() if not has_default}
            assert required - module.params == set(), f"module {module.name}: missing"


def test_module_outputs_read_exist(files: dict[Path, BicepFile]) -> None:
    for found in files.values():
        outputs = {module.name: read(module.path).outputs for module in found.modules}
        for module, output in found.module_outputs_read:
            if module in outputs:
                assert output in outputs[module], f"{module}.outputs.{output}"


def test_every_resource_names_its_api_version(files: dict[Path, BicepFile]) -> None:
    for found in files.values():
        for symbol, kind in found.resources.items():
            assert API_VERSIONED.match(kind), f"{found.path.name}: {symbol} {kind}"


def test_the_bicepparam_file_sets_the_parameters_main_declares(
        files: dict[Path, BicepFile]) -> None:
    text = (INFRA / "main.bicepparam").read_text()
    assert re.search(r"^using '\./main\.bicep'$", text, re.M)
    assigned = set(re.findall(r"^param (\w+) =", text, re.M))
    declared = files[INFRA / "main.bicep"].params
    assert assigned - set(declared) == set()
    assert {name for name, has_default in declared.items() if not has_default} <= assigned
    assert "readEnvironmentVariable('POSTGRES_ADMIN_PASSWORD')" in text  # never a literal


def test_the_toolkit_parameters_file_sets_the_parameters_main_declares(
        files: dict[Path, BicepFile]) -> None:
    parameters = json.loads((INFRA / "azure.parameters.json").read_text())["parameters"]
    declared = files[INFRA / "main.bicep"].params
    assert set(parameters) - set(declared) == set()
    assert {name for name, has_default in declared.items() if not has_default} <= set(parameters)
    assert parameters["postgresAdministratorPassword"]["value"].startswith("${{SECRET_")


def test_the_app_settings_the_templates_set_are_read_by_settings_py() -> None:
    hosting = (INFRA / "modules" / "hosting.bicep").read_text()
    platform = hosting[hosting.index("var platformSettings"):hosting.index("var environment")]
    names = set(re.findall(r"^\s+(\w+):", platform, re.M))
    names |= set(json.loads((INFRA / "azure.parameters.json").read_text())
                 ["parameters"]["appSettings"]["value"])
    bicepparam = (INFRA / "main.bicepparam").read_text()
    names |= set(re.findall(r"^\s+(\w+): readEnvironmentVariable", bicepparam, re.M))
    assert names - settings_names() == set()
    assert {"MicrosoftAppId", "MicrosoftAppType", "MicrosoftAppTenantId",
            "FTA_MANAGERS_CHANNEL_ID"} <= names


def test_the_bot_and_the_app_agree_on_the_managed_identity() -> None:
    bot = (INFRA / "botRegistration" / "azurebot.bicep").read_text()
    hosting = (INFRA / "modules" / "hosting.bicep").read_text()
    assert "msaAppType: 'UserAssignedMSI'" in bot
    assert "MicrosoftAppType: 'UserAssignedMSI'" in hosting
    assert "MicrosoftAppId: identityClientId" in hosting


def test_each_replica_runs_the_release_step_before_the_image_command() -> None:
    hosting = (INFRA / "modules" / "hosting.bicep").read_text()
    init = hosting[hosting.index("initContainers"):hosting.index("containers: [")]
    assert re.findall(r"'([^']+)'\n", init[init.index("command"):]) [:4] == [
        "python", "app.py", "db", "upgrade"]
    assert "path: '/healthz'" in hosting and "path: '/readyz'" in hosting
