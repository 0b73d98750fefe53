"""Who gets told what: subscriptions, the operator's channel and delivery settings, from
`regwatch.toml` (path from --config or REGWATCH_CONFIG) and two environment shortcuts.

The simplest set-up needs no file: REGWATCH_WEBHOOK_URL and REGWATCH_WEBHOOK_SECRET
subscribe one signed webhook to every change of every register; REGWATCH_OPERATOR_URL
(an Apprise URL) tells the operator about outages and failed deliveries.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipelines.register.models import (
    ADDED,
    EXCLUDED_KIND,
    MODIFIED,
    REINSTATED,
    REMOVED,
    RENUMBERED,
)
from scraper.registers.metadata import source_names

if TYPE_CHECKING:  # imported where used: `regwatch check` reads this file and needs no alert text
    from pipelines.alerts.compose import Subscription

# What a subscription's `kinds` may name: the register's changes, and `announced` (a
# designation announced that the register does not show yet: pipelines.announcements.early_warning).
ANNOUNCED = "announced"
ALERT_KINDS = (ADDED, EXCLUDED_KIND, REINSTATED, REMOVED, MODIFIED, RENUMBERED, ANNOUNCED)
LANGUAGES = ("en", "ru")
OPERATOR = "operator"  # the operator's subscription name (reserved)


class ConfigError(ValueError):
    """A configuration problem; the message names the file (or variable) and the key."""


@dataclass(frozen=True)
class Delivery:
    max_attempts: int = 8  # N: then the alert is given up and the operator told
    backoff_seconds: float = 30.0  # the first retry; each next one waits twice as long…
    max_backoff_seconds: float = 3600.0  # …up to this
    timeout_seconds: float = 10.0  # to connect and send the alert
    # …then the receiver may take this long to answer: one that is slow but works is not a
    # failure (retrying it would deliver the same alert again and again, then give up).
    answer_timeout_seconds: float = 120.0

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after the `attempts`-th failure."""
        return min(self.backoff_seconds * 2 ** max(attempts - 1, 0), self.max_backoff_seconds)


@dataclass(frozen=True)
class FalsePositive:
    """A `regwatch check` match a person ruled out: this query does not name this entry."""

    query: str
    entry_id: str  # e.g. "ru_minjust_undesirable/159"
    note: str = ""  # who ruled it out, when, why


@dataclass(frozen=True)
class AlertConfig:
    subscriptions: tuple[Subscription, ...] = ()
    operator: Subscription | None = None
    failures_before_alert: int = 3  # K consecutive failed crawls or probes of a source
    delivery: Delivery = field(default_factory=Delivery)
    origin: str = "defaults"  # where it was read from, for messages
    false_positives: tuple[FalsePositive, ...] = ()  # [[false_positive]] tables, for `regwatch check`

    def subscription(self, name: str) -> Subscription | None:
        if self.operator is not None and name == OPERATOR:
            return self.operator
        return next((s for s in self.subscriptions if s.name == name), None)


_SUBSCRIPTION_KEYS = {"name", "url", "webhook", "secret", "secret_env", "language", "registers",
                      "kinds", "watchlist", "max_items"}
_OPERATOR_KEYS = {"url", "webhook", "secret", "secret_env", "language", "failures_before_alert"}
_FALSE_POSITIVE_KEYS = {"query", "entry_id", "note"}
_TOP_KEYS = {"subscription", "operator", "delivery", "false_positive"}


def read_toml(path: Path, what: str) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the {what}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: the {what} is not UTF-8 text (byte {exc.start + 1} "
                          f"is {exc.object[exc.start:exc.start + 1]!r}); save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def config_path(option: str | None, environ: Mapping[str, str] | None = None) -> Path | None:
    env = os.environ if environ is None else environ
    value = option or env.get("REGWATCH_CONFIG") or ""
    return Path(value) if value else None


def load_config(path: Path | None, environ: Mapping[str, str] | None = None) -> AlertConfig:
    """The file (if any) plus the environment shortcuts. Raises ConfigError naming the problem."""
    env = os.environ if environ is None else environ
    data: dict[str, Any] = {}
    origin = "environment"
    if path is not None:
        origin = str(path)
        data = read_toml(path, "configuration")
    no_unknown_keys(origin, "", data, _TOP_KEYS)
    subscriptions = [_subscription(origin, f"subscription[{i}]", s, env)
                     for i, s in enumerate(_tables(origin, "subscription", data.get("subscription", [])))]
    if env.get("REGWATCH_WEBHOOK_URL"):
        subscriptions.append(_subscription("environment", "REGWATCH_WEBHOOK_URL", {
            "name": "webhook", "webhook": env["REGWATCH_WEBHOOK_URL"],
            "secret": env.get("REGWATCH_WEBHOOK_SECRET", "")}, env))
    _unique_names(origin, subscriptions)
    if not isinstance(data.get("operator", {}), dict):
        raise ConfigError(f"{origin}: [operator] must be a table")
    operator_table = dict(data.get("operator", {}))
    if env.get("REGWATCH_OPERATOR_URL") and not ({"url", "webhook"} & operator_table.keys()):
        operator_table["url"] = env["REGWATCH_OPERATOR_URL"]
    no_unknown_keys(origin, "operator", operator_table, _OPERATOR_KEYS)
    failures = _positive_int(origin, "operator.failures_before_alert",
                             operator_table.pop("failures_before_alert", 3))
    operator = (_subscription(origin, "operator", {"name": OPERATOR, **operator_table}, env)
                if {"url", "webhook"} & operator_table.keys() else None)
    false_positives = tuple(_false_positive(origin, f"false_positive[{i}]", t) for i, t in
                            enumerate(_tables(origin, "false_positive", data.get("false_positive", []))))
    return AlertConfig(tuple(subscriptions), operator, failures,
                       _delivery(origin, data.get("delivery", {})), origin, false_positives)


def _subscription(origin: str, where: str, table: Mapping[str, Any],
                  env: Mapping[str, str]) -> Subscription:
    from pipelines.alerts.compose import Subscription

    no_unknown_keys(origin, where, table, _SUBSCRIPTION_KEYS)
    name = str(table.get("name") or "").strip()
    if not name:
        raise ConfigError(f"{origin}: {where} needs a name")
    if name == OPERATOR and where != "operator":
        raise ConfigError(f"{origin}: {where}: the name {OPERATOR!r} is reserved")
    where = f"{where} ({name})"
    if ("url" in table) == ("webhook" in table):
        raise ConfigError(f"{origin}: {where} needs exactly one of url (an Apprise URL) "
                          "or webhook (an https:// URL to POST signed JSON to)")
    channel = "webhook" if "webhook" in table else "apprise"
    url = str(table.get("webhook") or table.get("url") or "")
    secret = str(table.get("secret") or "")
    if table.get("secret_env"):
        secret = env.get(str(table["secret_env"]), "")
    if channel == "webhook":
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"{origin}: {where}: webhook must be an http:// or https:// URL")
        if not secret:
            raise ConfigError(f"{origin}: {where}: a webhook needs a secret to sign its body with "
                              "(secret, secret_env or REGWATCH_WEBHOOK_SECRET)")
    language = str(table.get("language", "en"))
    if language not in LANGUAGES:
        raise ConfigError(f"{origin}: {where}: language must be one of {', '.join(LANGUAGES)}")
    kinds = _strings(origin, f"{where}.kinds", table.get("kinds", []))
    unknown = sorted(set(kinds) - set(ALERT_KINDS))
    if unknown:
        raise ConfigError(f"{origin}: {where}: unknown change kinds {', '.join(unknown)}; "
                          f"known: {', '.join(ALERT_KINDS)}")
    registers = _strings(origin, f"{where}.registers", table.get("registers", []))
    known = source_names()
    if unknown := sorted(set(registers) - set(known)):  # a typo would silence every alert
        raise ConfigError(f"{origin}: {where}: unknown registers {', '.join(unknown)}; "
                          f"known: {', '.join(known)}")
    return Subscription(
        name=name, channel=channel, url=url, secret=secret, language=language,
        registers=registers, kinds=kinds, watchlist=_strings(origin, f"{where}.watchlist", table.get("watchlist", [])),
        max_items=_positive_int(origin, f"{where}.max_items", table.get("max_items", 30)))


def _false_positive(origin: str, where: str, table: Mapping[str, Any]) -> FalsePositive:
    no_unknown_keys(origin, where, table, _FALSE_POSITIVE_KEYS)
    values = {key: table.get(key, "") for key in _FALSE_POSITIVE_KEYS}
    if not all(isinstance(value, str) for value in values.values()):
        raise ConfigError(f"{origin}: {where}: query, entry_id and note must be text")
    query, entry_id = values["query"].strip(), values["entry_id"].strip()
    if not query:
        raise ConfigError(f"{origin}: {where} needs a query (the name as it was checked)")
    if "/" not in entry_id:
        raise ConfigError(f"{origin}: {where} needs an entry_id such as "
                          f"\"ru_minjust_undesirable/159\", not {entry_id!r}")
    return FalsePositive(query, entry_id, values["note"].strip())


def _delivery(origin: str, table: Any) -> Delivery:
    if not isinstance(table, dict):
        raise ConfigError(f"{origin}: [delivery] must be a table")
    defaults = Delivery()
    no_unknown_keys(origin, "delivery", table, set(defaults.__dataclass_fields__))
    values: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ConfigError(f"{origin}: delivery.{key} must be a positive number, not {value!r}")
        values[key] = int(value) if key == "max_attempts" else float(value)
    return Delivery(**values)


def _tables(origin: str, key: str, value: Any) -> list[dict]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(f"{origin}: {key} must be written as [[{key}]] tables")
    return value


def _strings(origin: str, where: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{origin}: {where} must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def _positive_int(origin: str, where: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{origin}: {where} must be a whole number of at least 1, not {value!r}")
    return value


def no_unknown_keys(origin: object, where: str, table: Mapping[str, Any], known: set[str],
                    error: type[ConfigError] = ConfigError) -> None:
    """`error` naming the file, the table and every key of `table` not in `known`."""
    unknown = sorted(set(table) - known)
    if unknown:
        place = f"[{where}] " if where else ""
        raise error(f"{origin}: {place}unknown key {', '.join(unknown)}; "
                    f"known: {', '.join(sorted(known))}")


def _unique_names(origin: str, subscriptions: list[Subscription]) -> None:
    seen: set[str] = set()
    for sub in subscriptions:
        if sub.name in seen:
            raise ConfigError(f"{origin}: two subscriptions are named {sub.name!r}")
        seen.add(sub.name)
