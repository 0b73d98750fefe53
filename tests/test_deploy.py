"""The deployment files, tested as far as this machine can: compose.yaml against the
Compose Specification's JSON schema, the Dockerfile parsed and read, the systemd units
through `systemd-analyze verify` (where systemd is installed)."""

from __future__ import annotations

import importlib.resources
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from dockerfile_parse import DockerfileParser

from tests.conftest import ROOT

UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))
REGWATCH_BIN = Path(sys.executable).parent / "regwatch"


def _compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_file_is_valid_compose():
    schema_file = importlib.resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    jsonschema.validate(_compose(), schema)
    broken = _compose()
    broken["services"]["worker"]["replica"] = 2  # a misspelt key
    with pytest.raises(jsonschema.ValidationError):  # the check itself can fail
        jsonschema.validate(broken, schema)


def test_compose_runs_one_scheduler_two_workers_and_the_web_on_postgresql():
    services = _compose()["services"]
    assert set(services) == {"db", "scheduler", "worker", "web"}
    assert services["db"]["image"].startswith("postgres:15")
    assert services["scheduler"]["command"][0] == "schedule"
    assert "replicas" not in services["scheduler"].get("deploy", {})  # exactly one
    assert services["worker"]["command"][0] == "worker" and services["worker"]["deploy"]["replicas"] == 2
    assert services["web"]["command"][0] == "serve"
    for name in ("scheduler", "worker", "web"):
        service = services[name]
        assert service["environment"]["REGWATCH_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert "data:/data" in service["volumes"]  # the raw archive and the exports, shared
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    assert "${POSTGRES_PASSWORD" in text and "POSTGRES_PASSWORD: change" not in text  # no secret in the file


def test_dockerfile_runs_regwatch_as_an_unprivileged_user():
    parser = DockerfileParser(path=str(ROOT / "Dockerfile"))
    instructions = [(i["instruction"], i["value"]) for i in parser.structure if i["instruction"] != "COMMENT"]
    users = [value for kind, value in instructions if kind == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert parser.baseimage.startswith("python:3.11")
    assert any(kind == "RUN" and ".[postgres]" in value for kind, value in instructions)
    assert ("ENTRYPOINT", '["regwatch"]') in instructions
    for kind, value in instructions:  # every file the image needs is copied
        if kind == "COPY":
            for part in value.split()[:-1]:
                assert (ROOT / part).exists(), part


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd is not installed here")
@pytest.mark.parametrize("unit", UNITS, ids=[u.name for u in UNITS])
def test_systemd_unit_verifies(unit, tmp_path):
    # The unit as installed, with this machine's regwatch in place of /opt/regwatch's.
    text = unit.read_text(encoding="utf-8").replace("/opt/regwatch/venv/bin/regwatch", str(REGWATCH_BIN))
    text = text.replace("EnvironmentFile=/etc/regwatch/env", "EnvironmentFile=-/etc/regwatch/env")
    name = unit.name.replace("@.service", "@1.service")
    (tmp_path / name).write_text(text, encoding="utf-8")
    done = subprocess.run(["systemd-analyze", "verify", f"./{name}"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr


def test_a_broken_unit_is_caught(tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd is not installed here")
    (tmp_path / "bad.service").write_text("[Service]\nExecStart=/bin/true\nRestart=sometimes\n")
    done = subprocess.run(["systemd-analyze", "verify", "./bad.service"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert "restart specifier" in done.stderr


def test_the_example_subscriptions_load(monkeypatch):
    """deploy/regwatch.toml.example (the README's example) is a valid configuration."""
    from pipelines.alerts.config import load_config

    monkeypatch.setenv("NEWSROOM_HOOK_SECRET", "s3cret")
    config = load_config(ROOT / "deploy" / "regwatch.toml.example")
    assert [s.name for s in config.subscriptions] == ["newsroom", "our-ngo"]
