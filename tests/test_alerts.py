"""Alerts end to end: the real `regwatch crawl` / `deliver` / `alerts` commands against the
local fake of the official service, delivering to a real webhook receiver (signatures
checked) and a real SMTP server through Apprise's mailto:// channel."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipelines.crawl import UNCHANGED
from regwatch.fakes.minjust import FakeMinjust
from regwatch.fakes.receivers import mail_text
from regwatch.fakes.states import with_exclusion
from tests import scenes
from tests.conftest import (
    REGISTERS,
    SECOND_DAY,
    SECRET,
    Workspace,
    load_state,
    mail_sub,
    webhook_sub,
    write_config,
)

# An organisation first listed on 2026-08-14 (present in the second state only), as it
# calls itself; the register publishes it as «Child Evangelism Fellowship (CEF, «Общество
# евангелизации детей»), Соединенные Штаты Америки».
NEW_IN_SECOND = "Child Evangelism Fellowship"


def crawl(ws: Workspace, config: Path, *args: str):
    return ws.regwatch("crawl", "--config", str(config), *args)


@pytest.mark.both_backends  # the outbox, its claims and its states, on PostgreSQL too
def test_a_published_change_reaches_webhook_and_mail_once(crawled, webhook, smtp, tmp_path):
    config = write_config(tmp_path / "regwatch.toml", webhook_sub(webhook),
                          mail_sub(smtp, extra='language = "ru"'))
    crawled.fake.serve(load_state(SECOND_DAY))
    result = crawl(crawled, config)
    assert result.code == 0, result.output
    assert "2 delivered" in result.stdout

    assert len(webhook.calls) == 1 and webhook.calls[0].signature_ok
    payload = webhook.calls[0].json
    assert payload["source"] == "ru_minjust_undesirable"
    kinds = [c["kind"] for c in payload["changes"]]
    assert kinds == ["added"] * 23
    stored = crawled.changes()  # the webhook carries `regwatch changes --format json`'s shape
    assert payload["changes"] == stored
    assert NEW_IN_SECOND in payload["message"]["text"]
    assert webhook.calls[0].delivery_id == payload["delivery_id"]

    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert "23" in mail["Subject"]
    body = mail_text(mail)
    assert NEW_IN_SECOND in body and "reestrs.minjust.gov.ru" in body
    assert len(body.splitlines()) > 23  # one change per paragraph, not one run-on line
    assert "изменени" in mail["Subject"] + body  # the subscriber's language: Russian

    # Nothing is sent twice: a second (unchanged) crawl and an explicit delivery add nothing.
    assert scenes.crawl_workspace(crawled, load_state(SECOND_DAY), config).status == UNCHANGED
    assert crawled.regwatch("deliver", "--config", str(config)).code == 0
    assert len(webhook.calls) == 1 and len(smtp.messages) == 1
    listed = json.loads(crawled.regwatch("alerts", "--json").stdout)
    assert sorted((a["subscription"], a["status"]) for a in listed) == [
        ("mailbox", "sent"), ("newsroom", "sent")]


def test_first_crawl_sets_the_baseline_and_alerts_nobody(workspace, webhook, tmp_path):
    config = write_config(tmp_path / "regwatch.toml", webhook_sub(webhook))
    result = crawl(workspace, config)
    assert result.code == 0, result.output
    assert webhook.calls == []
    log = (workspace.data_dir / "regwatch.log").read_text(encoding="utf-8")
    assert "baseline of 367 entries; no alerts for a first crawl" in log


def test_environment_alone_subscribes_one_webhook(crawled, webhook):
    crawled.fake.serve(with_exclusion(load_state("2026-07-29"), 5))
    result = crawled.regwatch("crawl", REGWATCH_WEBHOOK_URL=webhook.url,
                              REGWATCH_WEBHOOK_SECRET=SECRET)
    assert result.code == 0, result.output
    assert len(webhook.calls) == 1 and webhook.calls[0].signature_ok
    assert [c["kind"] for c in webhook.calls[0].json["changes"]] == ["excluded"]
    assert SECRET not in result.output


def test_webhook_without_secret_is_a_configuration_error(crawled, webhook):
    result = crawled.regwatch("crawl", REGWATCH_WEBHOOK_URL=webhook.url)
    assert result.code == 2
    assert "REGWATCH_WEBHOOK_URL" in result.stderr and "secret" in result.stderr
    assert crawled.fake.requests == []  # stopped before fetching anything


def test_receiver_down_three_times_then_up_gets_it_once_late_and_the_queue_says_so(crawled, webhook, tmp_path):
    config = write_config(tmp_path / "regwatch.toml", webhook_sub(webhook))
    webhook.fail_next(3)
    crawled.fake.serve(load_state(SECOND_DAY))
    result = crawl(crawled, config)
    assert result.code == 0, result.output  # a failed delivery never fails the crawl
    assert "1 queued for a retry" in result.stdout
    pending = json.loads(crawled.regwatch("alerts", "--pending", "--json").stdout)
    assert len(pending) == 1 and "503" in pending[0]["last_error"]
    # `regwatch alerts` lists the queue for a person to read
    shown = crawled.regwatch("alerts", "--pending")
    assert shown.code == 0
    assert "pending" in shown.stdout and "newsroom" in shown.stdout and "503" in shown.stdout
    assert " 1 attempt, " in shown.stdout and "1 attempts" not in shown.stdout  # the plural form
    assert shown.stderr.strip().endswith("1 alert")
    assert SECRET not in shown.output and webhook.url not in shown.output

    for _ in range(2):  # attempts two and three: still refused
        assert crawled.regwatch("deliver", "--config", str(config)).code == 1
    assert crawled.regwatch("deliver", "--config", str(config)).code == 0
    assert len(webhook.refused) == 3 and len(webhook.calls) == 1
    assert {c.delivery_id for c in webhook.refused} == {webhook.calls[0].delivery_id}
    assert json.loads(crawled.regwatch("alerts", "--pending", "--json").stdout) == []
    assert crawled.regwatch("deliver", "--config", str(config)).code == 0
    assert len(webhook.calls) == 1


def test_given_up_after_n_attempts_the_operator_is_told(crawled, webhook, smtp, tmp_path):
    config = write_config(tmp_path / "regwatch.toml", webhook_sub(webhook),
                          operator=f'url = "{smtp.apprise_url("operator@example.org")}"\n',
                          delivery="backoff_seconds = 0.01\nmax_attempts = 2")
    webhook.fail_next(10)
    assert scenes.crawl_workspace(crawled, load_state(SECOND_DAY), config).ok  # queued, and its first attempt refused
    assert crawled.regwatch("deliver", "--config", str(config)).code == 1
    failed = json.loads(crawled.regwatch("alerts", "--failed", "--json").stdout)
    assert [a["subscription"] for a in failed] == ["newsroom"]
    assert failed[0]["attempts"] == 2
    assert len(smtp.messages) == 1
    assert "newsroom" in mail_text(smtp.messages[0])
    assert crawled.regwatch("deliver", "--config", str(config)).code == 0  # nothing left to send
    assert len(smtp.messages) == 1


def test_a_watchlist_name_is_flagged_even_when_its_kind_is_filtered_out(crawled, webhook, tmp_path):
    config = write_config(tmp_path / "regwatch.toml", webhook_sub(
        webhook, extra=f'kinds = ["excluded"]\nwatchlist = ["Our partner", "{NEW_IN_SECOND.upper()}"]'))
    assert scenes.crawl_workspace(crawled, load_state(SECOND_DAY), config).ok
    assert len(webhook.calls) == 1
    payload = webhook.calls[0].json
    assert len(payload["changes"]) == 1  # only the flagged one
    assert payload["changes"][0]["name"].startswith(NEW_IN_SECOND + " (CEF")
    assert payload["watchlist_matches"][0]["query"] == NEW_IN_SECOND.upper()
    assert payload["message"]["title"].upper().startswith("WATCHLIST")


def test_a_truncated_reply_alerts_no_subscriber_and_the_operator_after_k(crawled, webhook, smtp, tmp_path):
    config = write_config(tmp_path / "regwatch.toml", webhook_sub(webhook),
                          operator=f'url = "{smtp.apprise_url("operator@example.org")}"\n'
                                   "failures_before_alert = 2\n")
    crawled.fake.serve(load_state(SECOND_DAY))
    crawled.fake.fail("truncated")
    assert crawl(crawled, config).code == 1
    assert smtp.messages == []  # one failure: not yet news
    refused = crawl(crawled, config)
    assert refused.code == 1
    assert len(smtp.messages) == 1
    told = smtp.messages[0]["Subject"] + mail_text(smtp.messages[0])
    assert "ru_minjust_undesirable" in told
    assert refused.stderr.strip().splitlines()[-1] in told  # what fails, in the crawl's words
    assert crawl(crawled, config).code == 1
    assert len(smtp.messages) == 1  # told once, not at every failure
    assert webhook.calls == []  # no change alerts from a refused crawl

    assert scenes.crawl_workspace(crawled, load_state(SECOND_DAY), config).ok  # the service answers again
    assert len(smtp.messages) == 2  # the recovery
    assert "works again" in smtp.messages[1]["Subject"]
    assert len(webhook.calls) == 1  # and now the real change, once


def test_each_subscription_gets_its_registers_changes_and_a_watchlist_spans_every_register(
        register_baselines, webhook, smtp, tmp_path):
    """The register of foreign agents' real second state (48 added, 10 excluded), crawled
    with three subscribers: one to the first register alone, watching a person added here
    (flagged, whatever its registers and kinds say); one to this register's exclusions, in
    Russian; one to the extremist list (nothing for it)."""
    agents = REGISTERS["ru_minjust_foreign_agents"]
    data_dir = tmp_path / "out"
    shutil.copytree(register_baselines[agents.source], data_dir)
    config = write_config(
        tmp_path / "regwatch.toml",
        webhook_sub(webhook, extra='registers = ["ru_minjust_undesirable"]\nkinds = ["excluded"]\n'
                                   'watchlist = ["Our Foundation", "Mikhail Epstein"]'),
        mail_sub(smtp, "agents-desk", extra='language = "ru"\nregisters = ["ru_minjust_foreign_agents"]\n'
                                            'kinds = ["excluded"]').replace(
            "to=monitor@example.org", "to=agents@example.org"),
        mail_sub(smtp, "extremism-desk", extra='registers = ["ru_minjust_extremist"]'))
    with FakeMinjust(agents.state(agents.second), registry_id=agents.registry_id) as fake:
        result = Workspace(fake, data_dir, source=agents.source).regwatch(
            "crawl", agents.source, "--config", str(config))
    assert result.code == 0, result.output
    assert "2 delivered" in result.stdout

    assert len(webhook.calls) == 1 and webhook.calls[0].signature_ok
    payload = webhook.calls[0].json
    assert (payload["source"], payload["register"], payload["register_titles"]) == (
        agents.source, "Foreign agents", {"en": "Foreign agents", "ru": "Иностранные агенты"})
    assert [(c["kind"], c["number"], c["name"]) for c in payload["changes"]] == [
        ("added", 375, "Эпштейн Михаил Наумович")]  # the watched one alone
    assert [(m["entry_id"], m["query"], m["how"]) for m in payload["watchlist_matches"]] == [
        ("ru_minjust_foreign_agents/375", "Mikhail Epstein", "transliterated")]
    assert payload["message"]["title"] == "WATCHLIST MATCH — Foreign agents: 1 change (1 added)"
    assert payload["message"]["text"].startswith("1. [WATCHLIST MATCH] No. 375: added to the list\n"
                                                 "   Эпштейн Михаил Наумович\n")

    assert [m["To"] for m in smtp.messages] == ["agents@example.org"]  # none for the extremist list
    mail = smtp.messages[0]
    assert mail["Subject"] == "Иностранные агенты: 10 изменений (исключено — 10)"
    body = mail_text(mail)
    assert body.count("исключена из перечня") == 10 and "добавлена" not in body


def test_an_unknown_register_in_a_subscription_is_a_configuration_error(workspace, webhook, tmp_path):
    config = write_config(tmp_path / "regwatch.toml",
                          webhook_sub(webhook, extra='registers = ["ru_minjust_foreign_agent"]'))
    result = crawl(workspace, config)
    assert result.code == 2  # a typo would silence every alert of that register
    assert "unknown registers ru_minjust_foreign_agent; known: ru_fsb_terrorist" in result.stderr
    assert str(config) in result.stderr and workspace.fake.requests == []
