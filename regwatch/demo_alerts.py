"""`regwatch demo --alerts`: the scheduler, offline, end to end. The fake official service
serves the 2026-07-29 state; the real daemon (`regwatch schedule`) probes it every two
seconds, takes its baseline; the fake switches to 2026-08-14; the daemon's probe sees
the new lastModified, crawls, and delivers the 23 additions once to a local webhook
receiver (signature checked) and once by e-mail to a local SMTP server."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import click

from regwatch.demo import DEMO_DATA, DEMO_STATES
from regwatch.fakes.minjust import FakeMinjust, State
from regwatch.fakes.receivers import SmtpReceiver, WebhookReceiver, mail_text, wait_for

DEMO_SECRET = "demo-secret-not-for-production"
SCHEDULE = """# The demo's schedule: far faster than the shipped one (schedules/schedules.toml).
timezone = "UTC"
[deliver]
interval = 1
[[source]]
name = "ru_minjust_undesirable"
probe = { interval = 2 }
crawl = { interval = 86400 }
"""


def _config(webhook: WebhookReceiver, smtp: SmtpReceiver) -> str:
    return f"""# The demo's subscribers: a webhook (English) and a mailbox (Russian).
[[subscription]]
name = "demo-webhook"
webhook = "{webhook.url}"
secret = "{DEMO_SECRET}"

[[subscription]]
name = "demo-mail"
url = "{smtp.apprise_url()}"
language = "ru"
"""


def run_alerts_demo(out: Path) -> int:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    first, second = (State.load(DEMO_DATA / day) for day in DEMO_STATES)
    with FakeMinjust(first) as fake, WebhookReceiver(DEMO_SECRET) as webhook, SmtpReceiver() as smtp:
        (out / "schedule.toml").write_text(SCHEDULE, encoding="utf-8")
        (out / "regwatch.toml").write_text(_config(webhook, smtp), encoding="utf-8")
        env = {**os.environ, "REGWATCH_MINJUST_URL": fake.url, "REGWATCH_DATA_DIR": str(out),
               "REGWATCH_DOWNLOAD_DELAY": "0"}
        for private in ("REGWATCH_DATABASE_URL", "REGWATCH_PROXY", "REGWATCH_CONFIG",
                        "REGWATCH_WEBHOOK_URL", "REGWATCH_OPERATOR_URL"):
            env.pop(private, None)
        click.echo(f"demo: fake official service {fake.url}, webhook receiver {webhook.url}, "
                   f"SMTP server 127.0.0.1:{smtp.port}")
        daemon = subprocess.Popen(
            [sys.executable, "-m", "regwatch", "schedule", "--schedule", str(out / "schedule.toml"),
             "--config", str(out / "regwatch.toml")],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            delivered = _switch_and_wait(fake, second, webhook, smtp, out)
        finally:
            daemon.send_signal(signal.SIGTERM)
            code = daemon.wait(timeout=120)
        click.echo(f"demo: the daemon stopped on SIGTERM (exit {code}); its log: {out / 'schedule.log'}")
        return _report(webhook, smtp, out) if delivered else 1


def _switch_and_wait(fake: FakeMinjust, second: State, webhook: WebhookReceiver,
                     smtp: SmtpReceiver, out: Path) -> bool:
    click.echo("\n== `regwatch schedule` starts: probe every 2 s; the first crawl sets the baseline")
    if not wait_for(lambda: (out / "ru_minjust_undesirable" / "latest.csv").exists(), timeout=60):
        click.echo(f"demo: no baseline after 60 s; see {out / 'schedule.log'}", err=True)
        return False
    click.echo(f"== the ministry publishes the {DEMO_STATES[1]} state ({len(second.rows)} rows)")
    fake.serve(second)
    if not wait_for(lambda: webhook.calls and smtp.messages, timeout=60):
        click.echo(f"demo: no alert within 60 s; see {out / 'schedule.log'}", err=True)
        return False
    wait_for(lambda: False, timeout=3)  # a few more probes: nothing may be sent twice
    return True


def _report(webhook: WebhookReceiver, smtp: SmtpReceiver, out: Path) -> int:
    call = webhook.calls[0]
    payload = call.json
    click.echo(f"\n== webhook: {len(webhook.calls)} call; signature "
               f"{'verified' if call.signature_ok else 'WRONG'}; "
               f"{len(payload['changes'])} changes; title: {payload['message']['title']}")
    mail = smtp.messages[0]
    click.echo(f"== mail: {len(smtp.messages)} message; subject: {mail['Subject']}")
    for line in mail_text(mail).splitlines()[:6]:
        click.echo(f"   | {line}")
    feed = out / "ru_minjust_undesirable"
    click.echo(f"== feeds: {feed / 'changes.atom'}, {feed / 'changes' / 'index.json'}")
    once = len(webhook.calls) == 1 and len(smtp.messages) == 1 and call.signature_ok
    click.echo("demo: each change was delivered exactly once" if once
               else "demo: UNEXPECTED: deliveries were repeated or unsigned")
    return 0 if once else 1
