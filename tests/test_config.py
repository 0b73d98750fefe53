"""regwatch.toml and the environment shortcuts: what they give, and the errors that name
the file, the subscription and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.alerts.config import ConfigError, load_config

HOOK = 'webhook = "https://example.org/hook"\nsecret = "x"\n'


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "regwatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_full_file(tmp_path):
    path = config(tmp_path, f"""
[[subscription]]
name = "newsroom"
{HOOK}
language = "ru"
kinds = ["added", "excluded"]
registers = ["ru_minjust_undesirable"]
watchlist = ["Our Foundation", "  ", "OF"]
max_items = 5

[[subscription]]
name = "mail"
url = "mailtos://user:pw@mail.example.org?to=a@example.org"

[operator]
url = "tgram://123456:token/987"
failures_before_alert = 4

[delivery]
max_attempts = 3
backoff_seconds = 2
""")
    loaded = load_config(path, environ={})
    first, second = loaded.subscriptions
    assert (first.name, first.channel, first.language, first.kinds, first.max_items) == (
        "newsroom", "webhook", "ru", ("added", "excluded"), 5)
    assert first.watchlist == ("Our Foundation", "OF")  # blank names dropped
    assert (second.channel, second.language, second.kinds) == ("apprise", "en", ())
    assert loaded.operator.channel == "apprise" and loaded.failures_before_alert == 4
    assert loaded.delivery.max_attempts == 3
    assert [loaded.delivery.backoff(n) for n in (1, 2, 3)] == [2, 4, 8]
    assert loaded.subscription("operator") is loaded.operator


def test_environment_shortcuts_need_no_file():
    loaded = load_config(None, environ={"REGWATCH_WEBHOOK_URL": "https://example.org/h",
                                        "REGWATCH_WEBHOOK_SECRET": "s",
                                        "REGWATCH_OPERATOR_URL": "mailto://127.0.0.1"})
    (hook,) = loaded.subscriptions
    assert (hook.name, hook.channel, hook.url, hook.secret) == ("webhook", "webhook",
                                                                 "https://example.org/h", "s")
    assert loaded.operator.url == "mailto://127.0.0.1"
    assert load_config(None, environ={}).subscriptions == ()


def test_secret_from_the_environment(tmp_path):
    path = config(tmp_path, '[[subscription]]\nname = "n"\nwebhook = "https://e.org/h"\n'
                            'secret_env = "HOOK_SECRET"\n')
    (hook,) = load_config(path, environ={"HOOK_SECRET": "from-env"}).subscriptions
    assert hook.secret == "from-env"
    assert "from-env" not in repr(hook) and "e.org" not in repr(hook)


@pytest.mark.parametrize("text, problem", [
    (f'[[subscription]]\nname = "n"\n{HOOK}watchlst = ["x"]\n', "unknown key watchlst"),
    ('[[subscription]]\nname = "n"\nwebhook = "https://e.org/h"\n', "needs a secret"),
    ('[[subscription]]\nname = "n"\nwebhook = "ftp://e.org/h"\nsecret = "x"\n', "http:// or https://"),
    (f'[[subscription]]\nname = "n"\n{HOOK}url = "mailto://x"\n', "exactly one of url"),
    (f'[[subscription]]\nname = "n"\n{HOOK}kinds = ["deleted"]\n', "unknown change kinds deleted"),
    (f'[[subscription]]\nname = "n"\n{HOOK}language = "de"\n', "language must be one of en, ru"),
    (f'[[subscription]]\n{HOOK}', "needs a name"),
    (f'[[subscription]]\nname = "operator"\n{HOOK}', "reserved"),
    (f'[[subscription]]\nname = "n"\n{HOOK}\n[[subscription]]\nname = "n"\n{HOOK}', "two subscriptions are named 'n'"),
    (f'[[subscription]]\nname = "n"\n{HOOK}max_items = 0\n', "max_items must be a whole number"),
    ('[delivery]\nmax_attempts = -1\n', "delivery.max_attempts must be a positive number"),
    ('[operator]\nfailures_before_alert = "3"\n', "failures_before_alert must be a whole number"),
    ('subscription = "x"\n', "[[subscription]] tables"),
    ('[[subscription]\n', "not valid TOML"),
    (f'[[subscriptions]]\nname = "n"\n{HOOK}', "unknown key subscriptions"),
    ('[operator]\nurll = "mailto://x"\n', "[operator] unknown key urll"),
    ('operator = "mailto://x"\n', "[operator] must be a table"),
    ('[delivery]\nretries = 3\n', "[delivery] unknown key retries"),
    ('delivery = 3\n', "[delivery] must be a table"),
    ('[[false_positive]]\nquery = "x"\nentry = "a/1"\n', "[false_positive[0]] unknown key entry"),
    ('[[false_positive]]\nquery = "x"\nentry_id = "a/1"\n[false_positive.extra]\nnote = "y"\n',
     "unknown key extra"),
])
def test_a_bad_file_is_named_with_its_problem(tmp_path, text, problem):
    path = config(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    assert problem in str(caught.value)
    assert str(path) in str(caught.value)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="cannot read the configuration"):
        load_config(tmp_path / "absent.toml", environ={})


def test_the_cli_stops_on_a_bad_file_before_fetching(crawled, tmp_path):
    path = config(tmp_path, '[[subscription]]\nname = "n"\nwebhook = "https://e.org/h"\n')
    for command in (["crawl", "--config", str(path)], ["deliver", "--config", str(path)],
                    ["schedule", "--once", "--config", str(path)]):
        result = crawled.regwatch(*command)
        assert result.code == 2, result.output
        assert str(path) in result.stderr and "needs a secret" in result.stderr
    assert crawled.fake.requests == []


@pytest.mark.parametrize("content", [b"[delivery]\nmax_attempts = 3  # \xe9 Latin-1\n",
                                     b"\x00\x01\x02\xff\xfe binary"], ids=["legacy-encoding", "binary"])
def test_a_file_that_is_not_utf8_is_named_in_one_line(crawled, tmp_path, content):
    path = tmp_path / "regwatch.toml"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match="not UTF-8 text"):
        load_config(path, environ={})
    result = crawled.regwatch("crawl", "--config", str(path))
    assert result.code == 2, result.output
    assert "Traceback" not in result.output
    (line,) = [line for line in result.stderr.splitlines() if str(path) in line]
    assert "the configuration is not UTF-8 text" in line
    assert crawled.fake.requests == []


def test_the_cli_names_the_file_and_an_unknown_key(crawled, tmp_path):
    path = config(tmp_path, '[operator]\nurl = "mailto://127.0.0.1"\nfailures_befor_alert = 2\n')
    result = crawled.regwatch("crawl", "--config", str(path))
    assert result.code == 2, result.output
    assert f"{path}: [operator] unknown key failures_befor_alert" in result.stderr
    assert "Traceback" not in result.output and crawled.fake.requests == []
