"""Build the recorded states of the FSB's terrorist list (terror.htm) from the mirror.

    python regwatch/demo_data/fsb_terrorist/build.py [MIRROR_JSON]

MIRROR_JSON defaults to ../shared/data/ru_registries_mirror/fsb_terrorist_orgs.json
(ITSalt/ru-registries-mirror, MIT; fetched 2026-09-16, 77 rows). Writes, beside this
file, one folder per state with `terror.htm`, the page in the HTML shape README.md
describes, encoded as windows-1251 like the official page. The output depends on the
mirror file alone (no clock, no randomness): running it again gives the same bytes,
which tests/test_fsb_page.py checks when the mirror is at hand.

The states:
- 2026-09-16: every row of the mirror, as fetched that day;
- 2024-12-31: rows 1-60, the list as it stood at the end of 2024. The list is numbered
  in the order rows were added; row 60 took effect on 28.12.2024 and row 61 on
  30.01.2025, so the rows numbered 61 and up were added in 2025 or later. Row 11's
  second decision (the suspension of the ban on the Taliban, in force 20.05.2025) is
  cut from its cell, as it was not yet there.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
DEFAULT_MIRROR = HERE.parents[2].parent / "shared" / "data" / "ru_registries_mirror" / "fsb_terrorist_orgs.json"

TITLE = ("Единый федеральный список организаций, в том числе иностранных и международных "
         "организаций, признанных в соответствии с законодательством Российской Федерации "
         "террористическими")
EARLIER, LATER = "2024-12-31", "2026-09-16"
EARLIER_LAST_ROW = 60
SECOND_TABLE_FROM = 73  # the live page keeps its newest rows in a table of their own
SUSPENSION = "Запрет деятельности приостановлен."


def cell(text: str) -> str:
    """Published text → HTML as the page writes it: non-breaking spaces after «от» and
    «№», a line break before the decision's number, a long name over two paragraphs."""
    escaped = html.escape(text, quote=False)
    escaped = re.sub(r"\b(от|№) ", r"\1&nbsp;", escaped)
    escaped = escaped.replace(" №", "<br>\n№", 1)
    if len(text) > 150 and ", " in text[len(text) // 2:]:
        cut = escaped.index(", ", len(escaped) // 2) + 1
        return f"<p><span>{escaped[:cut]}</span></p>\n<p><span>{escaped[cut + 1:]}</span></p>"
    return f"<p><span>{escaped}</span></p>"


def decision_cell(text: str, with_later: bool) -> str:
    first, found, later = text.partition(SUSPENSION)
    paragraphs = [cell(first.strip())]
    if found and with_later:
        paragraphs += [f"<p><em>{SUSPENSION}</em></p>", cell(later.strip())]
    return "\n".join(paragraphs)


def row_html(number: int, entry: dict, with_later: bool) -> str:
    return (f'<tr>\n<td valign="top"><p>{number}.&nbsp;</p></td>\n'
            f'<td valign="top">{cell(entry["name"])}</td>\n'
            f'<td valign="top">{decision_cell(entry["decision"], with_later)}</td>\n</tr>')


HEADER = ('<tr>\n<td><p><strong>№ п/п</strong></p></td>\n'
          '<td><p><strong>Наименование организации</strong></p></td>\n'
          '<td><p><strong>Реквизиты решения суда о признании организации террористической</strong>'
          '</p></td>\n</tr>')


def page(entries: list[dict], later: bool) -> bytes:
    tables: list[list[str]] = [[HEADER]]
    for number, entry in enumerate(entries, start=1):
        if number == SECOND_TABLE_FROM:
            tables.append([])
        tables[-1].append(row_html(number, entry, later))
    body = "\n".join('<table border="1" cellpadding="3" cellspacing="0" class="terror">\n<tbody>\n'
                     + "\n".join(rows) + "\n</tbody>\n</table>" for rows in tables)
    text = f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">
<title>ФСБ России - Единый федеральный список организаций, признанных террористическими</title>
</head>
<body>
<div id="header"><a href="/">Федеральная служба безопасности Российской Федерации</a></div>
<div id="menu"><a href="/fsb/npd.htm">Нормативные правовые документы</a></div>
<div class="content">
<h1>{TITLE}</h1>
{body}
</div>
<div id="footer">&copy; ФСБ России</div>
</body>
</html>
"""
    # characters windows-1251 lacks become character references, as a CMS writes them
    return text.encode("cp1251", errors="xmlcharrefreplace")


def build(mirror: Path, out: Path = HERE) -> list[Path]:
    data = json.loads(mirror.read_text(encoding="utf-8"))
    entries = data["entries"]
    if len(entries) != data["entry_count"] or not data["fetched_at"].startswith(LATER):
        raise SystemExit(f"{mirror}: not the mirror file this builder was written for "
                         f"({len(entries)} rows fetched {data['fetched_at']})")
    written = []
    for state, rows, later in ((EARLIER, entries[:EARLIER_LAST_ROW], False), (LATER, entries, True)):
        folder = out / state
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "terror.htm").write_bytes(page(rows, later))
        written.append(folder / "terror.htm")
    return written


if __name__ == "__main__":
    for path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_MIRROR):
        print(path)
