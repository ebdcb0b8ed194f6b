"""The documentation a newcomer reads: the README's promises and every link of docs/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md")), *sorted((ROOT / "pegaso_tui" / "manuale").glob("*.md"))]


def test_the_readme_keeps_the_two_commands_and_points_nowhere_outside_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    assert "../shared" not in readme and "CLI.md" not in readme


@pytest.mark.parametrize("page", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_leads_to_a_file_of_the_repository(page):
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+://", target):
            continue
        path = target.split("#")[0]
        assert (page.parent / path).exists(), f"{page.name}: link rotto {target}"


def test_the_command_line_reference_carries_every_command_of_the_contract():
    cli = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for command in ("import", "select", "sms-info", "send", "messages", "credit", "worker", "sandbox",
                    "demo-data", "cancel", "config", "search", "template", "schedule", "optout",
                    "audit", "crm assign"):
        assert f"pegaso-tui {command}" in cli, command


def test_the_configuration_example_is_a_file_pegaso_reads(tmp_path):
    # a user copies it: it must be valid TOML (no key twice) and every key one Pegaso knows
    from pegaso_tui.config import load_settings

    page = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", page, re.S).group(1)
    path = tmp_path / "config.toml"
    path.write_text(example, encoding="utf-8")
    settings = load_settings(path, env={})
    assert settings.sending.quiet_hours == "09:00-20:00"
    assert settings.gateway.kind == "smshosting"
