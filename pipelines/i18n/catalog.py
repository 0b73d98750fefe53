"""Every text a person reads, in English and Russian, from the gettext catalogs beside
this module (`locale/<language>/LC_MESSAGES/regwatch.po`, keyed by stable message ids).

The PO files are the source of truth: they are compiled the first time a language is
asked for (Babel), so there is no build step and no .mo file to go stale; the compiled
catalog is kept in the user's cache under the PO text's hash, for the next process.
"""

from __future__ import annotations

import gettext
import io
import os
from collections.abc import Mapping
from contextlib import suppress
from functools import cache
from pathlib import Path

from pipelines.storage.atomic import atomic_write_bytes

LANGUAGES = ("en", "ru")
DEFAULT = "en"
DOMAIN = "regwatch"
LOCALE_DIR = Path(__file__).parent / "locale"


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


class _Missing(gettext.NullTranslations):
    """The last fallback: an unknown id is a bug (or a case for `Translator.get`), never
    the id shown to a reader."""

    def gettext(self, message: str) -> str:
        raise KeyError(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        raise KeyError(msgid1)


@cache
def _translations(language: str) -> gettext.GNUTranslations:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: one of {', '.join(LANGUAGES)}")
    source = po_path(language).read_bytes()
    translations = gettext.GNUTranslations(io.BytesIO(_compiled(language, source)))
    translations.add_fallback(_Missing())
    return translations


def _compiled(language: str, source: bytes) -> bytes:
    """The PO file compiled, from the user's cache when this very text was compiled before
    (Babel takes a tenth of a second to parse it: `regwatch check` at a terminal pays it once)."""
    import hashlib  # here: `regwatch --help` never loads OpenSSL

    cached = _cache_dir() / f"{language}.{hashlib.sha256(source).hexdigest()[:20]}.mo"
    with suppress(OSError):
        return cached.read_bytes()
    from babel.messages.mofile import write_mo  # here: a command that prints no text never loads Babel
    from babel.messages.pofile import read_po

    compiled = io.BytesIO()
    write_mo(compiled, read_po(io.BytesIO(source), locale=language, domain=DOMAIN))
    with suppress(OSError):  # a read-only home: compiled again next time
        atomic_write_bytes(cached, compiled.getvalue())
    return compiled.getvalue()


def _cache_dir() -> Path:
    home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(home) / "regwatch" / "i18n"


class Translator:
    """The catalog of one language: `t("web.nav.register")`, `t("alert.hit", query=…)`,
    `t.plural("alert.count.days", 3)`. Placeholders are `{name}` (str.format); a text
    without values is returned as written."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._translations = _translations(language)

    def __call__(self, msgid: str, **values: object) -> str:
        text = self._translations.gettext(msgid)
        return text.format(**values) if values else text

    def plural(self, msgid: str, n: int, **values: object) -> str:
        """The form that goes with `n` (Russian has three: 1 день, 2 дня, 5 дней); `{n}` is n."""
        return self._translations.ngettext(msgid, msgid, n).format(n=n, **values)

    def knows(self, msgid: str) -> bool:
        try:
            self._translations.gettext(msgid)
        except KeyError:
            return False
        return True

    def get(self, msgid: str, fallback: str) -> str:
        """A phrase the catalog may lack (a new field, an unknown authority): `fallback` then."""
        return self(msgid) if self.knows(msgid) else fallback


@cache
def translator(language: str) -> Translator:
    """The translator of `language` ("en" or "ru"); ValueError for any other."""
    return Translator(language)


def language_of(environ: Mapping[str, str] | None = None) -> str:
    """The language a command speaks, from the locale variables as gettext reads them
    (LC_ALL, then LC_MESSAGES, then LANG; the first one set wins): Russian for ru*,
    English for anything else."""
    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if value := environ.get(name):
            return "ru" if value.lower().startswith("ru") else DEFAULT
    return DEFAULT
