"""The house's shape (ARCHITECTURE.md): scraper/ ← pipelines/ ← schedules/ ← regwatch/,
each importing only from its own layer or the ones below, and no import loop. The team's
checker (../shared/tools/check-layers) reads every import, inside functions too."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT, SHARED

CHECKER = SHARED / "tools" / "check-layers"


def test_imports_point_down_the_layers_and_never_loop():
    done = subprocess.run([sys.executable, str(CHECKER)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 upward imports, 0 import loops" in done.stdout


def test_no_spider_module_touches_the_store_or_the_alerts():
    """A spider yields items; what it needs is handed to it (the check above covers the
    imports; this names the modules a spider must never reach even through a string)."""
    for path in (ROOT / "scraper").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for forbidden in ("sqlalchemy", "Store(", "regwatch.toml", "load_config"):
            assert forbidden not in text, f"{path.relative_to(ROOT)} mentions {forbidden}"
