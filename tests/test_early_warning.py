"""The early warning: a designation announced before the register shows it reaches each
subscriber once ("announced, not yet in the register"), however many articles report it
and in whichever spelling; nothing is sent for old announcements, for what the register
already shows, or again after the register lists it. End to end through the real
`regwatch announcements` and `crawl` commands, a real webhook receiver (signatures checked)
and a real SMTP server; the grouping, choosing and wording are pure and tested directly."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from pipelines.alerts.compose import Subscription
from pipelines.announcements import early_warning
from regwatch.fakes.receivers import WebhookReceiver, mail_text
from tests import scenes
from tests.conftest import SECOND_DAY, load_state, mail_sub, webhook_sub, write_config
from tests.test_announcements import VOC, store_article

TODAY = date.today().isoformat()
VOC_RU = "Фонд памяти жертв коммунизма"  # listed on 2026-08-14 (№387), absent on 2026-07-29
# Another outlet's report of the same decision, in English, naming it differently.
VOC_EN = ("Russia's Prosecutor General's Office has declared the activities of the US-based "
          "Victims of Communism Memorial Foundation undesirable in Russia.")


def event(organisation: str, acronym: str = "", published_on: str = TODAY, kind: str = "designated",
          url: str = "https://example.org/a", event_id: int = 1, **fields) -> dict:
    return {"id": event_id, "organisation": organisation, "acronym": acronym, "country": "",
            "kind": kind, "decision_date": "", "register_date": "", "authority": "",
            "sentence": f"{organisation} was declared undesirable.", "url": url, "title": "Title",
            "published_on": published_on, "source": "test", **fields}


def sub(name: str = "s", **fields) -> Subscription:
    return Subscription(name=name, channel="webhook", url="https://example.org/hook", secret="x", **fields)


# --- pure: grouping, choosing, wording --------------------------------------------------------

def test_reports_of_one_decision_group_by_name_or_acronym():
    today = date.today()
    events = [event("International Federation for Human Rights", "FIDH", url="u1", event_id=1),
              event("Fédération internationale pour les droits humains", "FIDH", url="u2", event_id=2),
              event("INTERNATIONAL FEDERATION FOR HUMAN RIGHTS", url="u3", event_id=3),
              event("Human Rights Watch", "HRW", url="u4", event_id=4)]
    groups = early_warning.group(events, today)
    assert [(g.organisation, [r.url for r in g.reports]) for g in groups] == [
        ("International Federation for Human Rights", ["u1", "u2", "u3"]),
        ("Human Rights Watch", ["u4"])]
    assert "acronym:fidh" in groups[0].keys and "name:human rights watch" in groups[1].keys


def test_a_russian_and_an_english_report_group_by_the_name_in_brackets():
    events = [event(VOC_RU, url="u1", event_id=1, other_name="Victims of Communism Memorial Foundation"),
              event("Victims of Communism Memorial Foundation", url="u2", event_id=2)]
    (only,) = early_warning.group(events, date.today())
    assert [r.url for r in only.reports] == ["u1", "u2"]
    assert only.other_name == "Victims of Communism Memorial Foundation"
    text = early_warning.compose(early_warning.choose(sub(), [only], {}), "en").text
    assert f"{VOC_RU} (Victims of Communism Memorial Foundation)" in text


def test_a_later_name_joins_two_groups_into_one():
    events = [event("Alpha Foundation", url="u1", event_id=1), event("AF Trust", "AFT", url="u2", event_id=2),
              event("Alpha Foundation", "AFT", url="u3", event_id=3)]
    (only,) = early_warning.group(events, date.today())
    assert [r.url for r in only.reports] == ["u1", "u2", "u3"] and only.acronym == "AFT"


def test_only_recent_announced_designations_and_exclusions_are_news():
    today = date(2026, 11, 26)
    events = [event("Old", published_on="2026-09-01", event_id=1),  # 86 days: a name never matched
              event("Recent", published_on="2026-10-20", event_id=2),
              event("Arrested", kind="prosecution", event_id=3),
              event("Leaving", kind="excluded", published_on="2026-11-26", event_id=4),
              event("Undated", published_on="", event_id=5)]
    assert [g.organisation for g in early_warning.group(events, today)] == ["Recent", "Leaving"]


def test_choose_follows_kinds_registers_watchlists_and_what_was_told():
    (fidh, hrw) = early_warning.group([event("Human Rights Watch", "HRW", event_id=1),
                                       event("International Federation for Human Rights", "FIDH", event_id=2)],
                                      date.today())
    both = [fidh, hrw]
    assert [c.announcement for c in early_warning.choose(sub(), both, {})] == both
    assert early_warning.choose(sub(kinds=("added",)), both, {}) == []
    assert early_warning.choose(sub(registers=("other_register",)), both, {}) == []
    watched = early_warning.choose(sub(kinds=("added",), watchlist=("fidh",)), both, {})
    assert [c.announcement.organisation for c in watched] == ["International Federation for Human Rights"]
    assert watched[0].hits[0].matched == "FIDH"
    first_watched = early_warning.choose(sub(watchlist=("FIDH",)), both, {})
    assert [c.announcement.acronym for c in first_watched] == ["FIDH", "HRW"]
    told = {"s": {"acronym:hrw"}}
    assert [c.announcement.acronym for c in early_warning.choose(sub(), both, told)] == ["FIDH"]


def test_message_in_both_languages_cites_every_report():
    (voc,) = early_warning.group([
        event(VOC_RU, published_on="2026-08-05", url="https://genproc.example/1", country="США",
              decision_date="2026-08-04", authority="Prosecutor General's Office", event_id=1),
        event(VOC_RU, published_on="2026-08-06", url="https://tass.example/2", event_id=2)], date(2026, 8, 6))
    chosen = early_warning.choose(sub(watchlist=("фонд памяти жертв коммунизма",)), [voc], {})
    english = early_warning.compose(chosen, "en")
    assert english.title == f"WATCHLIST MATCH — Announced, not yet in the register: {VOC_RU}"
    for part in ("1. [WATCHLIST MATCH] declared undesirable", f"{VOC_RU}, США", "Decision: 2026-08-04",
                 "By: Prosecutor General's Office", "First reported 2026-08-05", "https://genproc.example/1",
                 "Also reported by: https://tass.example/2", "does not show this yet"):
        assert part in english.text
    russian = early_warning.compose(chosen, "ru")
    assert russian.title.endswith(f"Объявлено, но ещё не в перечне: {VOC_RU}")
    assert "Решение: 04.08.2026" in russian.text and "Впервые сообщено 05.08.2026" in russian.text
    body = early_warning.payload_body(chosen, "2026-08-06T10:00:00+00:00")
    assert body["kind"] == "announced"
    assert [r["url"] for r in body["announcements"][0]["reports"]] == [
        "https://genproc.example/1", "https://tass.example/2"]
    assert body["announcements"][0]["watchlist_matches"][0]["query"] == "фонд памяти жертв коммунизма"


# --- end to end ---------------------------------------------------------------------------------

def announcements(ws, config, *args: str):
    result = ws.regwatch("announcements", "--config", str(config), *args)
    assert result.code == 0, result.output
    return result


def announced_calls(receiver: WebhookReceiver) -> list[dict]:
    return [c.json for c in receiver.calls if c.json["kind"] == "announced"]


def test_an_announced_designation_is_told_once_then_the_register_confirms_it(crawled, webhook, smtp, tmp_path):
    config = write_config(tmp_path / "regwatch.toml", webhook_sub(webhook),
                          mail_sub(smtp, extra='language = "ru"'),
                          webhook_sub(webhook, "additions-only", 'kinds = ["added"]'))
    store_article(crawled, "https://example.org/genproc/voc", VOC, TODAY, "ru")
    result = announcements(crawled, config, "--pending")
    assert "2 early-warning alerts queued" in result.stderr and "2 delivered" in result.stderr

    (call,) = webhook.calls  # "additions-only" does not want announcements
    assert call.signature_ok and call.json["kind"] == "announced"
    assert call.json["delivery_id"].startswith("ru_minjust_undesirable/announced/")
    assert call.json["delivery_id"].endswith("/newsroom")
    (announced,) = call.json["announcements"]
    assert (announced["organisation"], announced["kind"], announced["country"]) == (VOC_RU, "designated", "США")
    # the text states no day: the decision came on or before the article's
    assert (announced["decision_date"], announced["decision_date_basis"]) == (TODAY, "article")
    assert f"Decision: on or before {TODAY} (the article's date)" in call.json["message"]["text"]
    assert [r["url"] for r in announced["reports"]] == ["https://example.org/genproc/voc"]
    assert VOC_RU in call.json["message"]["title"]
    (mail,) = smtp.messages
    assert "Объявлено, но ещё не в перечне" in mail["Subject"] and "example.org/genproc/voc" in mail_text(mail)

    # The same decision again, from another outlet: nothing new to tell.
    store_article(crawled, "https://example.org/tass/voc", VOC.replace("Генеральной прокуратурой",
                                                                    "Как сообщили в ТАСС, Генеральной прокуратурой"),
                  TODAY, "ru")
    again = announcements(crawled, config)
    assert "queued" not in again.stderr and len(webhook.calls) == 1 and len(smtp.messages) == 1

    # The register lists it: the crawl reports the addition, the event is confirmed, and
    # no early warning is sent for it again.
    crawled.fake.serve(load_state(SECOND_DAY))
    crawl = crawled.regwatch("crawl", "--config", str(config))
    assert crawl.code == 0, crawl.output
    assert [c.json["kind"] for c in webhook.calls[1:]] == ["changes", "changes"]
    pending = json.loads(announcements(crawled, config, "--pending", "--json").stdout)
    assert pending == []
    assert len(announced_calls(webhook)) == 1 and len(smtp.messages) == 2

    alerts = json.loads(crawled.regwatch("alerts", "--json").stdout)
    assert sorted(a["kind"] for a in alerts) == ["announced", "announced", "changes", "changes", "changes"]


def test_a_watchlist_hit_reaches_a_subscriber_that_wants_only_additions(crawled, webhook, tmp_path):
    config = write_config(tmp_path / "regwatch.toml",
                          webhook_sub(webhook, "ngo", f'kinds = ["added"]\nwatchlist = ["{VOC_RU.upper()}"]'))
    store_article(crawled, "https://example.org/genproc/voc", VOC, TODAY, "ru")
    announcements(crawled, config)
    (call,) = announced_calls(webhook)
    assert call["message"]["title"].startswith("WATCHLIST MATCH")
    assert call["announcements"][0]["watchlist_matches"][0]["query"] == VOC_RU.upper()


def test_no_warning_for_old_announcements_or_what_the_register_shows(crawled, webhook, tmp_path):
    config = write_config(tmp_path / "regwatch.toml", webhook_sub(webhook))
    long_ago = (date.today() - timedelta(days=early_warning.NEWS_WINDOW_DAYS + 5)).isoformat()
    store_article(crawled, "https://example.org/old/voc", VOC, long_ago, "ru")
    fidh = ("Генеральная прокуратура признала нежелательной деятельность Международной федерации "
            "за права человека (FIDH).")
    store_article(crawled, "https://example.org/fidh", fidh, TODAY, "ru")
    result = announcements(crawled, config, "--json")
    assert webhook.calls == [] and "queued" not in result.stderr
    statuses = {e["url"]: e["status"] for e in json.loads(result.stdout)}
    assert statuses == {"https://example.org/old/voc": "pending", "https://example.org/fidh": "confirmed"}


def test_kinds_accept_announced_and_name_it_when_unknown(tmp_path):
    from pipelines.alerts.config import ConfigError, load_config

    path = tmp_path / "regwatch.toml"
    path.write_text('[[subscription]]\nname = "n"\nwebhook = "https://example.org/h"\nsecret = "x"\n'
                    'kinds = ["announced"]\n', encoding="utf-8")
    assert load_config(path).subscriptions[0].kinds == ("announced",)
    path.write_text(path.read_text(encoding="utf-8").replace('"announced"', '"anounced"'), encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown change kinds anounced; known: .*announced"):
        load_config(path)


def test_the_registers_alert_says_when_the_first_word_came(crawled, webhook, tmp_path):
    """Announced on 5 August (an old article by now: no early warning), listed on 14 August:
    the crawl's alert for the addition says when and where it was first announced."""
    config = write_config(tmp_path / "regwatch.toml", webhook_sub(webhook),
                          webhook_sub(webhook, "ru", 'language = "ru"'))
    store_article(crawled, "https://example.org/genproc/voc", VOC, "2026-08-05", "ru")
    assert scenes.crawl_workspace(crawled, load_state(SECOND_DAY), config).ok
    by_subscriber = {c.json["delivery_id"].rsplit("/", 1)[1]: c.json for c in webhook.calls}
    english, russian = by_subscriber["newsroom"], by_subscriber["ru"]
    assert english["first_announced"] == {"ru_minjust_undesirable/387": {
        "published_on": "2026-08-05", "url": "https://example.org/genproc/voc",
        "title": "https://example.org/genproc/voc", "lag_days": 9}}
    assert ("First announced 2026-08-05, 9 days before the inclusion order: https://example.org/genproc/voc"
            in english["message"]["text"])
    assert ("Впервые объявлено 05.08.2026, за 9 дней до распоряжения о включении: "
            "https://example.org/genproc/voc") in russian["message"]["text"]
    assert len(english["changes"]) == 23 and len(english["first_announced"]) == 1  # only VOC was announced
