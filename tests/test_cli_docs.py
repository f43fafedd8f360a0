"""Every CLI command has help text with an example and is mentioned in the docs (sqlite-utils habit)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main

from interdict.cli.main import app

ROOT = Path(__file__).resolve().parent.parent


def walk(command, prefix: str = "interdict"):
    # Typer vendors its own click, so test for a group by shape rather than by class.
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            yield from walk(sub, f"{prefix} {name}")
    else:
        yield prefix, command


COMMANDS = list(walk(typer.main.get_command(app)))
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])


def test_there_are_commands():
    assert len(COMMANDS) >= 1


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_command_has_help_with_example(name, command):
    text = command.help or ""
    assert text.strip(), f"{name} has no help text"
    assert "Example" in text, f"{name} help has no 'Example:' line"


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_command_is_documented(name, command):
    assert name in DOCS, f"'{name}' is not mentioned in README.md or docs/"
