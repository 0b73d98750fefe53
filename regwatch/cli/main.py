"""The `regwatch` command: the click group of app.py, whose commands (each module of this
package registers its own when imported) are imported when first used: app.COMMANDS."""

from regwatch.cli.app import cli


def main() -> None:
    cli(prog_name="regwatch")
