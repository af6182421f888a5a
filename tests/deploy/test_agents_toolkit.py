"""The Microsoft 365 Agents Toolkit project checked offline: m365agents.yml and
m365agents.local.yml against the toolkit's own schema for their version (v1.13, copied from
@microsoft/m365agentstoolkit-cli 1.1.17, MIT), every file they point at exists, and every
${{VARIABLE}} they and the files they feed use is set by the environment file, by a step
before it, or by the toolkit itself."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from settings import ROOT

SCHEMA = Path(__file__).parent / "m365agents-v1.13.schema.json"
PROJECTS = {"m365agents.yml": "env/.env.dev", "m365agents.local.yml": "env/.env.local"}
PLACEHOLDER = re.compile(r"\$\{\{\s*(\w+)\s*\}\}")
# Set by the toolkit: the environment's name, the Azure target it asks for when empty, and the
# scope id aadApp/update generates for a manifest that uses it.
BUILT_IN = {"TEAMSFX_ENV", "AZURE_SUBSCRIPTION_ID", "AZURE_RESOURCE_GROUP_NAME",
            "AAD_APP_ACCESS_AS_USER_PERMISSION_ID"}


def load(name: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / name).read_text())


def problems(project: dict[str, Any]) -> list[str]:
    schema = json.loads(SCHEMA.read_text())
    return [f"{list(error.path)}: {error.message[:200]}"
            for error in jsonschema.Draft7Validator(schema).iter_errors(project)]


@pytest.mark.parametrize("name", PROJECTS)
def test_the_project_file_is_valid_for_its_schema_version(name: str) -> None:
    text = (ROOT / name).read_text()
    assert text.startswith("# yaml-language-server: $schema=https://aka.ms/"
                           "m365-agents-toolkits/v1.13/yaml.schema.json\n")
    assert problems(load(name)) == []


def test_an_unknown_action_is_refused() -> None:
    project = load("m365agents.yml")
    project["provision"].append({"uses": "azureContainerApps/deploy", "with": {}})
    assert problems(project)


def test_the_files_it_points_at_exist() -> None:
    text = (ROOT / "m365agents.yml").read_text()
    paths = set(re.findall(r"(?:path|manifestPath|parameters): (\./\S+)", text))
    assert paths == {"./infra/main.bicep", "./infra/azure.parameters.json",
                     "./infra/aad.manifest.json"}
    assert [path for path in paths if not (ROOT / path).exists()] == []


def written(step: dict[str, Any]) -> set[str]:
    """Variables a step writes back: its writeToEnvironmentFile, or a template's outputs."""
    names = set((step.get("writeToEnvironmentFile") or {}).values())
    for template in (step.get("with") or {}).get("templates", []):
        bicep = (ROOT / template["path"]).read_text()
        names |= set(re.findall(r"^output (\w+) ", bicep, re.M))
    return names


def fed(step: dict[str, Any]) -> str:
    """The text of the files a step expands placeholders in (parameters, Entra manifest)."""
    with_ = step.get("with") or {}
    files = [template["parameters"] for template in with_.get("templates", [])
             if "parameters" in template]
    files += [with_["manifestPath"]] if step.get("uses") == "aadApp/update" else []
    return "".join((ROOT / path).read_text() for path in files)


@pytest.mark.parametrize(("name", "environment"), PROJECTS.items())
def test_every_variable_is_set_before_it_is_used(name: str, environment: str) -> None:
    known = set(re.findall(r"^(\w+)=", (ROOT / environment).read_text(), re.M)) | BUILT_IN
    unset = []
    for stage in ("provision", "deploy", "publish"):
        for step in load(name).get(stage) or []:
            used = set(PLACEHOLDER.findall(json.dumps(step) + fed(step)))
            unset += [f"{stage} {step['uses']}: {variable}" for variable in used - known
                      if not variable.startswith("SECRET_")]  # the .user file's
            known |= written(step)
    assert unset == []


def test_secrets_stay_out_of_git() -> None:
    tracked = subprocess.run(["git", "ls-files", "env"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    assert tracked and not [name for name in tracked if name.endswith(".user")]
    for name in tracked:
        assert not re.search(r"^SECRET_\w+=.", (ROOT / name).read_text(), re.M), name
    ignored = subprocess.run(["git", "check-ignore", "env/.env.dev.user",
                              "env/.env.local.user"], cwd=ROOT, capture_output=True, text=True)
    assert ignored.stdout.split() == ["env/.env.dev.user", "env/.env.local.user"]


def test_the_tab_sign_in_pre_authorises_the_teams_clients() -> None:
    manifest = json.loads((ROOT / "infra" / "aad.manifest.json").read_text())
    assert manifest["identifierUris"] == ["api://${{BOT_DOMAIN}}/${{AAD_APP_CLIENT_ID}}"]
    scope = manifest["api"]["oauth2PermissionScopes"][0]
    assert scope["value"] == "access_as_user"
    authorised = {app["appId"] for app in manifest["api"]["preAuthorizedApplications"]
                  if app["delegatedPermissionIds"] == [scope["id"]]}
    assert {"1fec8e78-bce4-4aaf-ab1b-5451cc387264",
            "5e3ce6c0-2b1f-4285-8d4b-75ee78787346"} <= authorised
