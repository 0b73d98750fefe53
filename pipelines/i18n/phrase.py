"""Text composed now and said later in the reader's language: a message id with its
values (`Phrase`), and English text that remembers the phrases it was made of
(`Explained`), so code that only passes text along (the matcher's `how`, the CLI's
and the API's English) needs no change while a page can say it again in Russian."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from pipelines.i18n.catalog import Translator, translator


@dataclass(frozen=True)
class Phrase:
    """A message id and its values; a value may itself be a Phrase, or a tuple of them
    (said joined by ", ")."""

    msgid: str
    values: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, msgid: str, **values: object) -> Phrase:
        return cls(msgid, tuple(values.items()))

    def said_by(self, t: Translator) -> str:
        return t(self.msgid, **{name: _said(value, t) for name, value in self.values})


def _said(value: object, t: Translator) -> object:
    if isinstance(value, Phrase):
        return value.said_by(t)
    if isinstance(value, tuple) and all(isinstance(part, Phrase) for part in value):
        return ", ".join(part.said_by(t) for part in value)
    return value


class Explained(str):
    """The English of some phrases, joined; a plain string among them is said as is."""

    parts: tuple[Phrase | str, ...]

    def __new__(cls, *parts: Phrase | str) -> Self:
        flat: list[Phrase | str] = []
        for part in parts:  # an Explained among the parts lends its own phrases
            flat.extend(part.parts if isinstance(part, Explained) else (part,))
        made = super().__new__(cls, _join(flat, translator("en")))
        made.parts = tuple(flat)
        return made

    def said_in(self, language: str) -> str:
        return _join(self.parts, translator(language))


def _join(parts: list[Phrase | str] | tuple[Phrase | str, ...], t: Translator) -> str:
    return "".join(part.said_by(t) if isinstance(part, Phrase) else part for part in parts)


def said_in(text: str, language: str) -> str:
    """`text` in `language` when it was composed of phrases; as it is otherwise."""
    return text.said_in(language) if isinstance(text, Explained) else text
