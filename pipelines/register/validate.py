"""Guardrails: is a pull complete and plausible, and is its diff safe to report at once?

Pure functions. A refusal raises SourceRefused with a one-line reason naming the source;
a diff that needs a second pull to agree returns the reason it is being held.
"""

from __future__ import annotations

from pipelines.register.diff import Diff
from pipelines.register.models import ADDED, REMOVED, SourceRefused
from pipelines.register.normalise import Problem
from scraper.items import Pull
from scraper.registers.metadata import Thresholds


def check_pull(pull: Pull, thresholds: Thresholds) -> None:
    """Refuse a pull that is not the whole register."""
    src = pull.source
    if len(pull.rows) < pull.size:
        raise SourceRefused(f"{src}: reply has {len(pull.rows)} of {pull.size} rows")
    if len(pull.rows) > pull.size:
        raise SourceRefused(f"{src}: reply has {len(pull.rows)} rows but announces {pull.size}")
    if len(pull.rows) < thresholds.min_rows:
        raise SourceRefused(
            f"{src}: {len(pull.rows)} rows, fewer than the {thresholds.min_rows} expected")


def size_warnings(pull: Pull, thresholds: Thresholds) -> list[str]:
    if len(pull.rows) > thresholds.max_rows:
        return [f"{len(pull.rows)} rows, more than the {thresholds.max_rows} expected: "
                "check the source's metadata"]
    return []


def check_problems(source: str, problems: list[Problem]) -> None:
    fatal = [p for p in problems if p.fatal]
    if fatal:
        more = f" (and {len(fatal) - 1} more)" if len(fatal) > 1 else ""
        raise SourceRefused(f"{source}: {fatal[0]}{more}")


def check_drop(source: str, previous_count: int, current_count: int, thresholds: Thresholds) -> None:
    if previous_count and current_count < previous_count * (1 - thresholds.max_drop):
        raise SourceRefused(
            f"{source}: {current_count} rows against {previous_count} last time, "
            f"a drop of more than {thresholds.max_drop:.0%}")


def hold_reason(d: Diff, previous_count: int, thresholds: Thresholds) -> str:
    """Why this diff must wait for a second pull to agree ('' when it can be reported now)."""
    if d.removed:
        numbers = ", ".join(str(e.number) for e in d.removed[:5])
        if len(d.removed) == 1:
            return f"1 entry vanished (number {numbers})"
        more = ", …" if len(d.removed) > 5 else ""
        return f"{len(d.removed)} entries vanished (numbers {numbers}{more})"
    touched = {c.entry_id for c in d.changes if c.kind not in (ADDED, REMOVED)}
    limit = max(thresholds.mass_change_floor, previous_count * thresholds.mass_change)
    if len(touched) > limit:
        return f"{len(touched)} of {previous_count} entries changed at once"
    added = d.count(ADDED)
    if previous_count and added > max(thresholds.mass_change_floor * 5, previous_count // 4):
        return f"{added} entries added at once"
    return ""
