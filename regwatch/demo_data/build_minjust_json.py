"""Build the recorded states of the registers of foreign agents and extremist organisations
(in the official service's reply shapes: /info, /values rows and the /export workbook)
from the public mirror in ../shared/data/ru_registries_mirror/ (see its README and each
folder's PROVENANCE.md).

    python regwatch/demo_data/build_minjust_json.py [MIRROR_DIR]

The mirror is already normalised (its own keys): this lays its rows out as the JSON
service serves them, and cuts an earlier state from each file by the dates in it. Run
again, it writes the same JSON; the workbook's bytes differ, as the service's do (its
cells do not). Needs only the standard library and openpyxl (a dependency of regwatch).
"""

from __future__ import annotations

import json
import re
import sys
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
MIRROR = HERE.parents[2] / "shared" / "data" / "ru_registries_mirror"
MSK = timezone(timedelta(hours=3))

FOREIGN_AGENTS = {
    "folder": "minjust_foreign_agents",
    "file": "minjust_foreign_agents_2026-07-31.json",
    "registry_id": "39b95df9-9a68-6b6d-e1e3-e6388507067e",
    "title": "Реестр иностранных агентов",
    # Assumed titles (the real /info titles are not publicly recorded), in the order public
    # client code gives the fields.
    "columns": [("field_1_i", "№ п/п"), ("field_2_s", "Полное наименование / ФИО"),
                ("field_3_s", "Основания включения"),
                ("field_4_s", "Дата принятия решения о включении в реестр"),
                ("field_5_s", "Дата принятия решения об исключении из реестра"),
                ("field_6_s", "Доменные имена информационных ресурсов"),
                ("field_7_s", "Вид иностранного агента"),
                ("field_8_s", "Регистрационный номер (ОГРН)"), ("field_9_s", "ИНН")],
    "states": ("2026-04-30", "2026-07-31"),  # the earlier one cut from the mirror's
}
EXTREMIST = {
    "folder": "minjust_extremist",
    "file": "minjust_extremist_orgs.json",
    "registry_id": "59961ebb-9f0e-d885-7ebc-b90399923b03",
    "title": ("Перечень некоммерческих организаций, в отношении которых судом принято вступившее "
              "в законную силу решение о ликвидации или запрете деятельности по основаниям, "
              "предусмотренным Федеральным законом «О противодействии экстремистской деятельности»"),
    "columns": [("field_1_i", "№ п/п"), ("field_2_s", "Наименование организации"),
                ("field_3_s", "Решение суда"), ("field_4_s", "Дата размещения сведений")],
    "states": ("2026-06-30", "2026-09-19"),
}

_PLACED = re.compile(r"дата размещения сведений:?\s*(\d{2}\.\d{2}\.\d{4})")
# The court decision(s) inside a name: «(решение … от 19.04.2007 и апелляционное определение …)»,
# brackets inside it allowed one level deep.
_DECISION = re.compile(r"\(((?:заочное решени|решени|приговор|апелляционн|определени|кассационн|постановлени)"
                       r"[^()]*(?:\([^()]*\)[^()]*)*)\)")
_DOMAIN_IN_NAME = re.compile(r"(?:https?://)?\b((?:[a-z0-9-]+\.)+(?:ru|org|com|net|io|info|media|press|me|eu|lv))\b",
                             re.IGNORECASE)


def day(text: str | None) -> date | None:
    if not text:
        return None
    d, m, y = (int(x) for x in text.split("."))
    return date(y, m, d)


def agent_kind(row: dict) -> str:
    """The register's kind of agent, derived from the mirror's kind and legal basis (the
    mirror keeps only person/org; the wording is assumed, see PROVENANCE.md)."""
    decision = row["decision"] or ""
    if row["kind"] == "person":
        return "Физическое лицо"
    if "№ 82-ФЗ" in decision:
        return "Незарегистрированное общественное объединение"
    if "№ 2124-1" in decision:
        return "Иностранное средство массовой информации"
    if "№ 7-ФЗ" in decision:
        return "Некоммерческая организация"
    if row["ogrn"]:
        return "Юридическое лицо"
    return "Иностранная структура без образования юридического лица"


def foreign_agent_cells(row: dict, cut: date) -> dict[str, str]:
    excluded = day(row["excluded_at"])
    return {"field_2_s": row["name"], "field_3_s": row["decision"] or "",
            "field_4_s": row["included_at"],
            "field_5_s": row["excluded_at"] if excluded and excluded <= cut else "",
            # the mirror has no domains: those a name itself gives («Agentura.ru», https://theins.ru)
            "field_6_s": ", ".join(dict.fromkeys(m.lower() for m in _DOMAIN_IN_NAME.findall(row["name"]))),
            "field_7_s": agent_kind(row), "field_8_s": row["ogrn"] or "", "field_9_s": row["inn"] or ""}


def extremist_cells(row: dict, cut: date) -> dict[str, str]:
    placed = _PLACED.search(row["name"])
    decision = row["decision"] or "; ".join(m.group(1).strip() for m in _DECISION.finditer(row["name"]))
    return {"field_2_s": row["name"], "field_3_s": decision,
            "field_4_s": placed.group(1) if placed else ""}


def in_state(spec: dict, row: dict, cut: date) -> bool:
    """Was the row on the list on `cut`? Foreign agents: by the inclusion date; extremist
    organisations: by the date the ministry placed it (rows without one are older)."""
    if spec is FOREIGN_AGENTS:
        return day(row["included_at"]) <= cut  # type: ignore[operator]
    placed = _PLACED.search(row["name"])
    return placed is None or day(placed.group(1)) <= cut  # type: ignore[operator]


def build_state(spec: dict, rows: list[dict], state: str, leave_out_empty: bool) -> tuple[dict, list[dict]]:
    cut = date.fromisoformat(state)
    stamp = int(datetime(cut.year, cut.month, cut.day, 18, 0, tzinfo=MSK).timestamp() * 1000)
    cells_of = foreign_agent_cells if spec is FOREIGN_AGENTS else extremist_cells
    out = []
    for row in rows:
        if not in_state(spec, row, cut):
            continue
        number = int(row["id"].rsplit("-", 1)[1])
        cells = cells_of(row, cut)
        if leave_out_empty:  # the service's two habits: "" or no key at all (see the fixtures README)
            cells = {k: v for k, v in cells.items() if v}
        out.append({"id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{spec['registry_id']}/{number}")),
                    "grid_s": spec["registry_id"], "field_1_i": number, **cells,
                    "lastModified_l": stamp, "_version_": 1790000000000000000 + number})
    out.sort(key=lambda r: r["field_1_i"])
    info = {"title": spec["title"], "lastModified": stamp,
            "columns": [{"name": n, "title": t, "hidden": False} for n, t in spec["columns"]]}
    return info, out


def write_export(path: Path, info: dict, values: list[dict]) -> None:
    """The /export workbook: sheet «Лист 1», A1 the title, A2 the data date, row 3 the
    column titles, the rows from row 4 (as the service lays it out, see the fixtures README)."""
    from openpyxl import Workbook  # only here: the JSON needs no third-party package

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Лист 1")
    sheet.append([info["title"]])
    sheet.append([datetime.fromtimestamp(info["lastModified"] / 1000, MSK).replace(tzinfo=None)])
    keys = [c["name"] for c in info["columns"]]
    sheet.append([c["title"] for c in info["columns"]])
    for row in values:
        sheet.append([row.get(key, "") for key in keys])
    workbook.save(path)


def write_json(path: Path, data: object) -> None:
    """A list one item a line (a diff of two states reads row by row), else indented."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, list):
        text = "[\n" + ",\n".join(json.dumps(x, ensure_ascii=False) for x in data) + "\n]\n"
    else:
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    mirror = Path(sys.argv[1]) if len(sys.argv) > 1 else MIRROR
    for spec in (FOREIGN_AGENTS, EXTREMIST):
        rows = json.loads((mirror / spec["file"]).read_text(encoding="utf-8"))["entries"]
        for i, state in enumerate(spec["states"]):
            info, values = build_state(spec, rows, state, leave_out_empty=(i == 0))
            folder = HERE / spec["folder"] / state
            write_json(folder / "info.json", info)
            write_json(folder / "rows.json", values)
            write_export(folder / "export.xlsx", info, values)
            print(f"{folder.relative_to(HERE)}: {len(values)} rows")


if __name__ == "__main__":
    main()
