"""`regwatch serve` (the web page and JSON API) and `regwatch demo` (the whole job, offline)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from regwatch.cli.app import (
    DEFAULT_SOURCE,
    _alert_config,
    _open_store,
    _say,
    cli,
    config_option,
)

if TYPE_CHECKING:
    from pipelines.alerts.config import AlertConfig
    from pipelines.storage.data_config import DataConfig
    from pipelines.storage.store import Store


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Web processes sharing the port; each loads its own name index.")
@config_option
def serve(host: str, port: int, workers: int, config_file: Path | None) -> None:
    """Serve the register on the web: the searchable table, "am I listed?", each entry's
    history, the changes, the downloads and a chart, in English and Russian, with a JSON
    API under /api/ (described at /openapi.json and /docs).

    Read-only, except POST /api/crawl, which needs `Authorization: Bearer
    $REGWATCH_API_TOKEN` (unset: disabled). The check applies the configuration's
    [[false_positive]] rules, as `regwatch check` does. With --workers N, N processes
    serve (on PostgreSQL, or SQLite's one file, which readers share).
    """
    import os

    import uvicorn

    opened = _opened(config_file)  # a broken configuration or database stops us here, in one line,
    if workers > 1:                # before any worker starts (each opens its own)
        opened[2].close()
    if config_file is not None:  # the workers are new processes: they find it where we did
        os.environ["REGWATCH_CONFIG"] = str(config_file.resolve())
    click.echo(_say("cli.serve", source=DEFAULT_SOURCE, host=host, port=port), err=True)
    # a 500-character Cyrillic query is 9 KB of URL once percent-encoded: allow 64 KB of head
    options = dict(host=host, port=port, log_level="warning", access_log=False,
                   h11_max_incomplete_event_size=65536)
    if workers == 1:
        uvicorn.run(_app(*opened), **options)
    else:
        uvicorn.run("regwatch.cli.serving:web_app", factory=True, workers=workers, **options)


def web_app():
    """The web app as `serve` configures it from the environment (each worker calls this)."""
    return _app(*_opened(None))


def _opened(config_file: Path | None) -> tuple[AlertConfig, DataConfig, Store]:
    """The configuration and the store, or a one-line error and exit."""
    alerting, _ = _alert_config(config_file)
    return (alerting, *_open_store())


def _app(alerting: AlertConfig, config: DataConfig, store: Store):
    import os

    from regwatch.web.app import create_app

    return create_app(config, token=os.environ.get("REGWATCH_API_TOKEN"), source=DEFAULT_SOURCE, store=store,
                      false_positives=[(rule.query, rule.entry_id) for rule in alerting.false_positives])


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the demo writes (wiped first); default output/demo or output/demo-alerts.")
@click.option("--alerts", is_flag=True,
              help="Run the scheduler daemon instead, delivering to a local webhook and mail server.")
def demo(out: Path | None, alerts: bool) -> None:
    """Run the whole job offline against two recorded states of the register
    (2026-07-29, then 2026-08-14), served by the local fake of the official service.
    With --alerts: the same through `regwatch schedule`, alerting a local webhook
    receiver and a local SMTP server, each exactly once."""
    if alerts:
        try:
            from regwatch.demo_alerts import run_alerts_demo
        except ModuleNotFoundError as exc:  # its local mail server comes with the `demo` extra
            click.echo(_say("cli.error.demo_extra", module=exc.name), err=True)
            sys.exit(2)

        sys.exit(run_alerts_demo(out or Path("output/demo-alerts")))
    from regwatch.demo import run_demo

    sys.exit(run_demo(out or Path("output/demo")))
