"""regwatch: a monitor of official registers of "undesirable" organisations.

In a notebook: `regwatch.frame(register, at=…, as_seen=…)` and `regwatch.changes_frame(…)`
give the stored data as pandas DataFrames (see regwatch/notebook.py)."""

from typing import Any

__all__ = ["changes_frame", "frame"]


def __getattr__(name: str) -> Any:
    # Imported on first use: the command line imports this package and must start fast.
    if name in __all__:
        from regwatch import notebook

        return getattr(notebook, name)
    raise AttributeError(f"module 'regwatch' has no attribute {name!r}")
