"""A receiver that is slow but works gets each alert once; one that failed for a while
gets the alerts given up on once more with `regwatch deliver --retry-failed`. Every
attempt carries the same delivery id, in the header and the body, so a receiver can drop
a repeat. The real commands, the real local webhook receiver."""

from __future__ import annotations

import json

from tests import scenes
from tests.conftest import SECOND_DAY, load_state, webhook_sub, write_config


def _alerts(ws, *args: str) -> list[dict]:
    return json.loads(ws.regwatch("alerts", "--json", *args).stdout)


def test_a_slow_receiver_gets_the_alert_once_and_it_is_marked_sent(crawled, webhook, tmp_path):
    # Connecting and sending take milliseconds; the answer comes after 2 s, later than
    # timeout_seconds: still a delivery, not a failure to retry.
    config = write_config(tmp_path / "regwatch.toml", webhook_sub(webhook),
                          delivery="backoff_seconds = 0.01\nmax_attempts = 3\ntimeout_seconds = 1")
    webhook.delay = 2.0
    crawled.fake.serve(load_state(SECOND_DAY))
    result = crawled.regwatch("crawl", "--config", str(config))
    assert result.code == 0 and "1 delivered" in result.stdout, result.output
    for _ in range(2):  # what the daemon's delivery job would do next: nothing is left
        assert crawled.regwatch("deliver", "--config", str(config)).code == 0
    assert len(webhook.calls) == 1 and webhook.calls[0].signature_ok
    assert [(a["status"], a["attempts"]) for a in _alerts(crawled)] == [("sent", 1)]


def test_a_receiver_that_answers_too_late_is_retried_with_the_same_delivery_id(crawled, webhook, tmp_path):
    config = write_config(tmp_path / "regwatch.toml", webhook_sub(webhook),
                          delivery="backoff_seconds = 0.01\nmax_attempts = 2\ntimeout_seconds = 1\n"
                                   "answer_timeout_seconds = 0.5")
    webhook.delay = 1.5
    assert scenes.crawl_workspace(crawled, load_state(SECOND_DAY), config).ok  # queued, and its first attempt too late
    assert crawled.regwatch("deliver", "--config", str(config)).code == 1  # given up: failed
    assert [a["status"] for a in _alerts(crawled)] == ["failed"]
    # Each attempt reached the receiver with one id, in the header and in the body.
    assert len(webhook.calls) == 2
    ids = {(c.delivery_id, c.json["delivery_id"]) for c in webhook.calls}
    assert len(ids) == 1 and ids.pop()[0].startswith("ru_minjust_undesirable/")


def test_retry_failed_queues_the_given_up_alerts_again_and_delivers_them_once(crawled, webhook, tmp_path):
    config = write_config(tmp_path / "regwatch.toml", webhook_sub(webhook),
                          delivery="backoff_seconds = 0.01\nmax_attempts = 2")
    webhook.fail_next(2)
    assert scenes.crawl_workspace(crawled, load_state(SECOND_DAY), config).ok  # queued, and its first attempt refused
    assert crawled.regwatch("deliver", "--config", str(config)).code == 1
    failed = _alerts(crawled, "--failed")
    assert len(failed) == 1 and "503" in failed[0]["last_error"]
    assert crawled.regwatch("deliver", "--config", str(config)).code == 0  # a plain deliver leaves it
    assert webhook.calls == []

    retried = crawled.regwatch("deliver", "--retry-failed", "--config", str(config))
    assert retried.code == 0, retried.output
    assert retried.stdout.splitlines() == ["1 failed alert queued again",
                                           "alerts: 1 delivered, 0 queued for a retry, 0 given up"]
    assert len(webhook.calls) == 1 and webhook.calls[0].delivery_id == failed[0]["delivery_id"]
    assert webhook.calls[0].json["delivery_id"] == failed[0]["delivery_id"]
    assert {c.delivery_id for c in webhook.refused} == {failed[0]["delivery_id"]}
    assert [a["status"] for a in _alerts(crawled)] == ["sent"]
    again = crawled.regwatch("deliver", "--retry-failed", "--config", str(config))
    assert again.stdout.startswith("0 failed alerts queued again") and len(webhook.calls) == 1
