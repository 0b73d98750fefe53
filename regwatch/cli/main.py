"""The `regwatch` command: the click group of app.py with every command group's commands
registered on it (each module registers its own when imported)."""

from regwatch.cli import alerting, announcing, checking, crawling, data, serving  # noqa: F401  (they register)
from regwatch.cli.app import cli


def main() -> None:
    cli(prog_name="regwatch")
