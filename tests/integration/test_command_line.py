"""The command line: migrations, a refused bad setting, and `serve` answering over HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from settings import ROOT
from tests.e2e import harness

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "app.py", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env={**os.environ, **env})


def test_db_upgrade_migrates_an_empty_database(tmp_path: Path, database_url: str) -> None:
    result = run("db", "upgrade", DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'new.db'}")
    assert result.returncode == 0, result.stderr
    assert "newest migration" in result.stdout


def test_a_bad_setting_stops_the_app_with_a_clear_message(database_url: str) -> None:
    result = run("serve", PORT="not-a-port")
    assert result.returncode == 2
    assert "Configuration error: PORT must be a number" in result.stderr


@pytest.mark.parametrize(("links", "problem"), [
    ("    links: https://learn.microsoft.com/x\n",
     "topic 'windows10': 'links' must be a list of links, each with a 'title' and a 'url', "
     "not a string"),
    ("    links:\n      - url: https://learn.microsoft.com/x\n",
     "topic 'windows10', link 1: each link needs a 'title' and a 'url'; this one has no "
     "'title'"),
    ("    links:\n      - title: Docs\n        url: https://[learn.microsoft.com\n",
     "topic 'windows10', link 1: the link 'https://[learn.microsoft.com' is not a full "
     "https:// address"),
], ids=["links given as a string", "a link without a title", "an address that is no URL"])
def test_a_malformed_faq_file_stops_start_up_naming_the_file_entry_and_problem(
        tmp_path: Path, database_url: str, links: str, problem: str) -> None:
    faq = tmp_path / "faq.yaml"
    faq.write_text("topics:\n  windows10:\n    title: Windows 10\n    answer: Windows 11 now.\n"
                   + links, encoding="utf-8")
    result = run("serve", FAQ_PATH=str(faq), PORT=str(harness.free_port()),
                 DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'faq.db'}")
    assert result.returncode == 2
    assert result.stderr.strip() == f"Configuration error: FAQ_PATH {faq}: {problem}"


def test_serve_migrates_and_answers_healthz(tmp_path: Path, database_url: str) -> None:
    bot = harness.start_bot(tmp_path, harness.free_port())
    try:
        log = bot.log.read_text()
    finally:
        bot.stop()
    assert "ANONYMOUS MODE" in log
    assert "Microsoft Graph is not configured" in log and "FTAs book it themselves" in log


def test_package_builds_the_zip(tmp_path: Path, database_url: str) -> None:
    out = tmp_path / "fta.zip"
    result = run("package", "--out", str(out), MicrosoftAppId="app-id",
                 MicrosoftAppPassword="secret", MicrosoftAppTenantId="tenant-id",
                 PUBLIC_HOST="fta-bot.contoso.com")
    assert result.returncode == 0, result.stderr
    assert out.exists()


def test_package_says_it_needs_the_public_host(tmp_path: Path, database_url: str) -> None:
    result = run("package", "--out", str(tmp_path / "fta.zip"), MicrosoftAppId="app-id",
                 MicrosoftAppPassword="secret", MicrosoftAppTenantId="tenant-id")
    assert result.returncode == 2
    assert "PUBLIC_HOST must be set" in result.stderr


def test_package_takes_the_teams_app_id_the_agents_toolkit_created(tmp_path: Path,
                                                                   database_url: str) -> None:
    import json
    import zipfile

    out, app_id = tmp_path / "fta.zip", "6f1c2d3e-0000-4000-8000-00000000abcd"
    result = run("package", "--out", str(out), "--teams-app-id", app_id.upper(),
                 MicrosoftAppId="app-id", MicrosoftAppPassword="secret",
                 MicrosoftAppTenantId="tenant-id", PUBLIC_HOST="fta.contoso.com")
    assert result.returncode == 0, result.stderr
    manifest = json.loads(zipfile.ZipFile(out).read("manifest.json"))
    assert (manifest["id"], manifest["bots"][0]["botId"]) == (app_id, "app-id")
    refused = run("package", "--out", str(out), "--teams-app-id", "not-a-guid",
                  MicrosoftAppId="app-id", MicrosoftAppPassword="secret",
                  MicrosoftAppTenantId="tenant-id", PUBLIC_HOST="fta.contoso.com")
    assert refused.returncode == 2 and "'not-a-guid' is not a GUID" in refused.stderr


def test_simulate_runs_the_look_ahead_and_answer_times_when_asked(tmp_path: Path,
                                                                  database_url: str) -> None:
    import json

    from bench.traces import synthetic_trace

    trace = tmp_path / "trace.json"
    trace.write_text(json.dumps(synthetic_trace(10, 200, seed=3)))

    at_once = run("simulate", str(trace), "--lookahead-minutes", "0")
    answered = run("simulate", str(trace), "--answer-times")
    refused = run("simulate", str(trace), "--lookahead-minutes", "-5")

    assert at_once.returncode == answered.returncode == 0, answered.stderr
    assert json.loads(at_once.stdout)["metrics"]["offers_timed_out"] == 0
    assert json.loads(answered.stdout)["metrics"]["offers_timed_out"] > 0
    assert refused.returncode == 2 and "--lookahead-minutes" in refused.stderr


def test_simulate_runs_the_engine_the_settings_describe(tmp_path: Path,
                                                       database_url: str) -> None:
    import json

    from bench.traces import SCENARIOS, scenario_trace

    trace = tmp_path / "trace.json"
    trace.write_text(json.dumps(scenario_trace(SCENARIOS[1].scaled(0.25))))  # tight

    engine = json.loads(run("simulate", str(trace)).stdout)
    balanced = json.loads(run("simulate", str(trace), BALANCER_POLICY="balanced").stdout)
    unheld = run("simulate", str(trace), LATE_LANE_HOLD_HOURS="0", LATE_LANE_RESERVE_POINTS="0")
    wrong = run("simulate", str(trace), LATE_LANE_RESERVE_POINTS="some")

    assert (engine["policy"], balanced["policy"]) == ("skilled", "balanced")
    assert json.loads(unheld.stdout)["assignments"] != engine["assignments"]
    assert wrong.returncode == 2 and "LATE_LANE_RESERVE_POINTS" in wrong.stderr


def test_sample_data_is_added_once(tmp_path: Path, database_url: str) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"
    first, second = run("sample-data", DATABASE_URL=url), run("sample-data", DATABASE_URL=url)
    assert "4 architects and 2 requests added" in first.stdout, first.stderr
    assert "0 architects and 0 requests added" in second.stdout, second.stderr


def test_simulate_prints_the_report_and_refuses_a_bad_trace(tmp_path: Path,
                                                            database_url: str) -> None:
    import json

    from bench.traces import synthetic_trace

    good, bad = tmp_path / "trace.json", tmp_path / "bad.json"
    good.write_text(json.dumps(synthetic_trace(10, 50)))
    bad.write_text(json.dumps({"start": "2027-01-04", "end": "2027-02-01", "architects": [],
                               "requests": [{"id": "r1"}]}))

    report = run("simulate", str(good), "--policy", "round_robin")
    refused = run("simulate", str(bad))

    assert report.returncode == 0, report.stderr
    parsed = json.loads(report.stdout)
    assert parsed["policy"] == "round_robin" and parsed["metrics"]["requests"] == 50
    assert refused.returncode == 2
    assert "Invalid trace: requests[0].type: required" in refused.stderr


def test_simulate_shows_progress_on_a_terminal_and_stays_quiet_when_piped(
        tmp_path: Path, database_url: str) -> None:
    import json
    import pty

    from bench.traces import synthetic_trace

    trace = tmp_path / "trace.json"
    trace.write_text(json.dumps(synthetic_trace(10, 50)))
    terminal, screen = pty.openpty()
    with open(tmp_path / "out.json", "w") as out:
        shown = subprocess.run([sys.executable, "app.py", "simulate", str(trace)], cwd=ROOT,
                               stdout=out, stderr=screen, timeout=60)
    os.close(screen)
    progress = os.read(terminal, 65536).decode()
    os.close(terminal)
    piped = run("simulate", str(trace))

    assert shown.returncode == 0 and "Simulating 2027-" in progress and "100%" in progress
    assert json.loads((tmp_path / "out.json").read_text())["policy"] == "skilled"
    assert piped.returncode == 0 and piped.stderr == ""


def test_simulate_plots_the_quarter_or_says_how_to_get_the_plot(tmp_path: Path,
                                                                 database_url: str) -> None:
    import importlib.util
    import json

    from bench.traces import synthetic_trace

    trace, picture = tmp_path / "trace.json", tmp_path / "quarter.png"
    trace.write_text(json.dumps(synthetic_trace(10, 50)))

    result = run("simulate", str(trace), "--plot", str(picture))

    if importlib.util.find_spec("matplotlib") is None:
        assert result.returncode == 2 and result.stdout == ""
        assert "--plot needs matplotlib" in result.stderr and "pip install" in result.stderr
    else:
        assert result.returncode == 0, result.stderr
        assert picture.read_bytes().startswith(b"\x89PNG")


def test_production_mode_refuses_to_run_without_credentials(database_url: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MicrosoftApp")}
    result = subprocess.run([sys.executable, "app.py", "serve", "--production"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 2
    assert "serve --production needs MicrosoftAppId" in result.stderr
