"""deploy/compose.yaml and deploy/systemd/*.service start smartcrm with commands that exist and
options those commands accept, and probe the endpoints that exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands, load_command_class
from django.urls import resolve

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _check(argv: list[str]) -> None:
    assert argv[0].endswith("smartcrm"), argv
    name, options = argv[1], argv[2:]
    commands = get_commands()
    assert name in commands, f"no command smartcrm {name}"
    parser = load_command_class(commands[name], name).create_parser("smartcrm", name)
    parser.parse_args(options)  # an unknown option exits (SystemExit) and fails the test


def test_compose_services_run_real_commands_and_probe_readiness() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    started = [
        svc["command"] for svc in compose["services"].values() if "smartcrm" in str(svc.get("command"))
    ]
    assert {argv[1] for argv in started} == {"migrate", "serve", "worker", "beat"}
    for argv in started:
        _check(argv)
    queues = sorted(argv[argv.index("--queues") + 1] for argv in started if argv[1] == "worker")
    assert queues == ["bulk", "interactive"]
    probe = " ".join(compose["services"]["web"]["healthcheck"]["test"])
    assert resolve(re.search(r"8000(/\w+)", probe).group(1)).view_name == "web:readyz"  # type: ignore[union-attr]


@pytest.mark.parametrize("unit", sorted(p.name for p in (DEPLOY / "systemd").glob("*.service")))
def test_systemd_units_run_real_commands(unit: str) -> None:
    text = (DEPLOY / "systemd" / unit).read_text()
    lines = re.findall(r"^Exec(?:Start|StartPre)=(.+)$", text, flags=re.MULTILINE)
    assert lines
    for line in lines:
        argv = [arg.replace("%i", "interactive") for arg in shlex.split(line) if not arg.startswith("$")]
        _check(argv)
