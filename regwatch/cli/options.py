"""The options several commands share: `--source`, the register a command works on, named
the same way (and described the same way) everywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from regwatch.cli.app import DEFAULT_SOURCE, _say
from scraper.registers.metadata import source_names


def source_option(name: str = "source", every: bool = False) -> Callable[[Any], Any]:
    """`--source REGISTER`, its help listing the known registers. Not given: the default
    register; with `every`, None (every register); with another `name`, None (the command
    also takes the register as an argument: `chosen_source` picks it)."""
    known = ", ".join(source_names())
    default = DEFAULT_SOURCE if name == "source" and not every else None
    fallback = "default: all of them" if every else f"default: {DEFAULT_SOURCE}"
    return click.option("--source", name, default=default, metavar="REGISTER",
                        help=f"The register: one of {known} ({fallback}).")


def chosen_source(argument: str | None, option: str | None) -> str:
    """The register of a command that takes it as an argument or as --source (not both)."""
    if argument and option and argument != option:
        raise click.UsageError(_say("cli.error.source_twice", argument=argument, option=option))
    return argument or option or DEFAULT_SOURCE
