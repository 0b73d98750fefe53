"""The words of the web pages in English and Russian, and how a request picks one.

`?lang=en|ru` wins; else the first of the two named in Accept-Language; else English.
Every string is plain text: the templates escape it like any other value.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pipelines.publish.dictionary import COLUMN_MEANINGS  # noqa: F401 (the pages' data dictionary)

LANGUAGES = ("en", "ru")
DEFAULT = "en"

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "site_tagline": "Russia's register of “undesirable” organisations, with its history",
        "nav_register": "Register",
        "nav_check": "Am I listed?",
        "nav_changes": "Changes", "nav_announcements": "Announced",
        "nav_chart": "Chart",
        "nav_downloads": "Downloads",
        "nav_api": "API",
        "switch_language": "Русский",
        "skip_to_content": "Skip to content",
        "footer_source": "Official source",
        "footer_checked": "Register last checked {checked} ({outcome}).",
        "footer_shows": "Data shown: the register as read on {taken}.",
        "footer_not_advice": "regwatch copies the official register as published; it is not legal advice "
                             "and not affiliated with the Ministry of Justice.",
        "outcome_baseline": "first read", "outcome_changed": "changes found",
        "outcome_unchanged": "no change", "outcome_held": "held for confirmation",
        "outcome_refused": "reply refused as incomplete or broken",
        "stale_warning": "The last attempt to read the register ({checked}) failed: {message}. "
                         "The data below is the last good read, of {taken}.",
        "nothing_title": "Nothing crawled yet",
        "nothing_text": "regwatch has not read the register yet, so there is nothing to show. "
                        "An operator starts the first read with `regwatch crawl`.",
        # register
        "register_title": "Register of “undesirable” organisations",
        "register_summary": "{total} entries: {listed} listed, {excluded} excluded. "
                            "As read on {taken}.",
        "search_label": "Name contains",
        "search_hint": "any part of the name, in any script; case, accents and quotes ignored",
        "status_label": "Status", "country_label": "Country", "year_label": "Year designated",
        "all": "All", "no_country": "Not stated",
        "apply": "Apply", "reset": "Reset filters",
        "showing": "Showing {first}–{last} of {total}",
        "no_results": "No entry matches these filters.",
        "col_number": "No.", "col_name": "Name as published", "col_country": "Country",
        "col_listed_on": "Listed on", "col_status": "Status",
        "sort_by": "Sort by {column}",
        "page_prev": "Previous", "page_next": "Next", "page_of": "Page {page} of {pages}",
        "status_listed": "listed", "status_excluded": "excluded",
        "filters": "Filters",
        "sort_number": "Number", "sort_name": "Name", "sort_country": "Country",
        "sort_listed_on": "Date listed", "sort_status": "Status",
        "sort_label": "Sort by", "order_label": "Order",
        "order_asc": "ascending", "order_desc": "descending",
        # check
        "check_title": "Am I listed?",
        "check_intro": "Type the name of an organisation in any language or spelling. regwatch "
                       "compares it with every name, Russian name, original name and acronym in "
                       "the register as read on {taken}.",
        "check_label": "Organisation name",
        "check_button": "Check",
        "check_empty": "Type a name to check.",
        "verdict_listed": "LISTED",
        "verdict_listed_text": "This name is in the register of “undesirable” organisations.",
        "verdict_excluded": "ON THE REGISTER, EXCLUDED",
        "verdict_excluded_text": "This name is in the register, but the entry was excluded "
                                        "on {day}.",
        "verdict_possible": "Possible match — not confirmed",
        "verdict_possible_text": "No entry has exactly this name. The entries below resemble it; "
                                 "check each against the official register before drawing any "
                                 "conclusion.",
        "verdict_none": "Not listed",
        "verdict_none_text": "No entry of the register as read on {taken} matches this name. "
                             "Spellings and transliterations are compared, translations are not: "
                             "try the name as the organisation writes it, too. The register grows "
                             "every week: check again before relying on it.",
        "verdict_for": "Result for “{query}”",
        "match_entry": "Entry", "match_score": "Similarity", "match_part": "Matched name",
        "match_how": "How",
        "part_name": "full published name", "part_name_ru": "Russian name",
        "part_name_original": "original-language name", "part_acronym": "acronym",
        "other_matches": "Other entries that match or resemble this name",
        "possible_matches": "Entries that resemble this name",
        "ruled_out": "Ruled out by the operator as a known false match: № {number} · {name}.",
        "match_listed_on": "Listed on {listed_on} (order {order}); Prosecutor General's decision of {designated_on}.",
        "match_matched": "Matched “{text}”, the {part}: {how}.",
        "match_alias": "The register does not print “{text}”; an announcement names the organisation so:",
        "score": "{score} / 100",
        # entry
        "entry_fields": "As it stands",
        "entry_history": "History",
        "entry_first_seen": "First seen by regwatch on {day}.",
        "entry_removed": "This entry is no longer in the published register.",
        "timeline_first_seen": "first seen by regwatch, in its first read of the register",
        "entry_no_changes": "No change since regwatch first saw it.",
        "entry_versions": "Published text",
        "entry_version_from": "As published from {day}",
        "entry_official": "See it in the official register",
        "entry_json": "This entry as JSON",
        "change_detail": "{field}: “{old}” → “{new}”",
        # announcements
        "announcements_title": "Announced designations",
        "announcements_intro": "The Prosecutor General's Office decides days or weeks before the register "
                               "lists an organisation. These are the designations announced by the "
                               "Prosecutor General's Office, news agencies, the media and NGOs, each linked "
                               "to its register entry once the register shows it.",
        "announcements_status": "Status",
        "announcements_none": "No announcement stored yet: `regwatch announcements --fetch` reads the sources.",
        "announced_pending": "announced, not yet in the register",
        "announced_confirmed": "in the register",
        "announced_not_designation": "not a designation (prosecution)",
        "col_announced_on": "Announced", "col_organisation": "Organisation as named",
        "col_event": "Event", "col_register_entry": "Register entry", "col_article": "Article",
        "announced_kind_designated": "declared undesirable", "announced_kind_included": "added to the register",
        "announced_kind_excluded": "excluded", "announced_kind_prosecution": "prosecution of people",
        "announced_decision": "decision {day}", "announced_decision_bound": "decision on or before {day}",
        "announced_lag": "{days} days after the announcement",
        "announced_count": "{count} events",
        # changes
        "changes_title": "Changes to the register",
        "changes_intro": "Every addition, exclusion, reinstatement, removal, edit and renumbering "
                         "regwatch detected, newest first.",
        "changes_feed": "Subscribe to the Atom feed",
        "changes_since": "Detected since", "changes_kind": "Kind",
        "changes_none": "No change detected yet: the first read of the register is its baseline.",
        "col_detected_at": "Detected", "col_kind": "Change", "col_detail": "Detail",
        "kind_added": "added", "kind_excluded": "excluded", "kind_reinstated": "reinstated",
        "kind_removed": "removed", "kind_modified": "edited", "kind_renumbered": "renumbered",
        # downloads
        "downloads_title": "Downloads",
        "downloads_intro": "The files regwatch publishes after every read of the register. UTF-8, "
                           "dates as YYYY-MM-DD, lists joined by “ | ”; a cell a spreadsheet would "
                           "run as a formula starts with an apostrophe.",
        "downloads_latest": "The register now",
        "downloads_history": "History",
        "downloads_snapshots": "Dated snapshots",
        "downloads_snapshots_intro": "The register as it stood after each read that changed it (CSV).",
        "file_csv": "CSV", "file_csv_excel": "for Excel",
        "file_csv_excel_hint": "The same CSV with a UTF-8 byte-order mark, so that Excel shows Cyrillic correctly",
        "col_taken_at": "Read at",
        "file_xlsx": "Excel workbook (XLSX)", "file_json": "JSON",
        "file_changes_csv": "Every change (CSV)", "file_atom": "Atom feed of the latest changes",
        "file_size": "{size}", "file_missing": "not written yet",
        "dictionary_title": "Data dictionary",
        "dictionary_intro": "The columns of the register files, in this order.",
        "dictionary_changes": "The columns of changes.csv.",
        "col_column": "Column", "col_meaning_en": "Meaning", "col_meaning_ru": "Значение",
        # chart
        "chart_title": "Designations per month",
        "chart_intro": "Organisations added to the register each month since 2015 (bars) and the "
                       "running total (line). A designation is dated by the Ministry's inclusion "
                       "order, else by the Prosecutor General's decision; excluded organisations "
                       "still count.",
        "chart_axis_month": "Designations per month",
        "chart_axis_total": "Total since 2015",
        "chart_desc": "Bar chart of designations per month from {first} to {last}, with a line "
                      "for the running total, which reaches {total}.",
        "chart_table": "The same figures as a table",
        "chart_by_year": "By year", "chart_by_month": "By month",
        "col_year": "Year", "col_month": "Month", "col_count": "Designations",
        "col_cumulative": "Running total",
        # errors
        "error_title": "Something is wrong with this request",
        "not_found_title": "Not found",
        "not_found_text": "There is no page at this address.",
        "entry_not_found": "No entry with the id “{entry_id}” was ever in the register.",
        "back_home": "Back to the register",
        "query_too_long": "The text is too long: {length} characters, at most {limit}.",
        "bad_choice": "“{value}” is not a valid {name}; use one of: {choices}.",
        "bad_number": "“{value}” is not a valid {name}: a whole number is expected.",
        "bad_date": "“{value}” is not a date in the form YYYY-MM-DD.",
        "future_date": "{value} is in the future: the register cannot be shown for it yet.",
        "bad_year": "{value} is not a year of the register (2015 to {this_year}).",
        "bad_page": "There is no page {page}: the results have {pages}.",
        "bad_parameters": "The request is not valid: {problems}.",
        "http_error": "This request cannot be answered ({status}: {detail}).",
        "server_error": "The server failed to answer. Please try again; the failure was logged.",
        # api docs
        "api_title": "JSON API",
        "api_intro": "Everything on these pages is available as JSON. Reading needs no key; "
                     "starting a crawl needs the operator's token. The machine-readable "
                     "description (OpenAPI):",
        "api_try": "Try it",
        "api_parameters": "Parameters",
        "api_no_parameters": "none",
    },
    "ru": {
        "site_tagline": "Реестр «нежелательных» организаций России и его история",
        "nav_register": "Реестр",
        "nav_check": "Есть ли мы в списке?",
        "nav_changes": "Изменения", "nav_announcements": "Объявлено",
        "nav_chart": "График",
        "nav_downloads": "Файлы",
        "nav_api": "API",
        "switch_language": "English",
        "skip_to_content": "К содержанию",
        "footer_source": "Официальный источник",
        "footer_checked": "Реестр последний раз проверен {checked} ({outcome}).",
        "footer_shows": "Показан реестр по состоянию на {taken}.",
        "footer_not_advice": "regwatch копирует официальный реестр в том виде, в каком он опубликован; "
                             "это не юридическая консультация, и сайт не связан с Минюстом.",
        "outcome_baseline": "первое чтение", "outcome_changed": "есть изменения",
        "outcome_unchanged": "без изменений", "outcome_held": "ждёт подтверждения",
        "outcome_refused": "ответ отвергнут как неполный или испорченный",
        "stale_warning": "Последняя попытка прочитать реестр ({checked}) не удалась: {message}. "
                         "Ниже — последние достоверные данные, на {taken}.",
        "nothing_title": "Данных пока нет",
        "nothing_text": "regwatch ещё не читал реестр, показывать нечего. "
                        "Оператор запускает первое чтение командой `regwatch crawl`.",
        "register_title": "Реестр «нежелательных» организаций",
        "register_summary": "Записей: {total}; действующих: {listed}, исключённых: {excluded}. "
                            "По состоянию на {taken}.",
        "search_label": "Название содержит",
        "search_hint": "любая часть названия, любым алфавитом; регистр, диакритика и кавычки не важны",
        "status_label": "Статус", "country_label": "Страна", "year_label": "Год включения",
        "all": "Все", "no_country": "Не указана",
        "apply": "Показать", "reset": "Сбросить фильтры",
        "showing": "Записи {first}–{last} из {total}",
        "no_results": "Нет записей, подходящих под эти фильтры.",
        "col_number": "№", "col_name": "Название, как опубликовано", "col_country": "Страна",
        "col_listed_on": "Дата включения", "col_status": "Статус",
        "sort_by": "Сортировать по столбцу «{column}»",
        "page_prev": "Назад", "page_next": "Далее", "page_of": "Страница {page} из {pages}",
        "status_listed": "в реестре", "status_excluded": "исключена",
        "filters": "Фильтры",
        "sort_number": "Номер", "sort_name": "Название", "sort_country": "Страна",
        "sort_listed_on": "Дата включения", "sort_status": "Статус",
        "sort_label": "Сортировка", "order_label": "Порядок",
        "order_asc": "по возрастанию", "order_desc": "по убыванию",
        "check_title": "Есть ли мы в списке?",
        "check_intro": "Введите название организации на любом языке и в любом написании. regwatch "
                       "сравнит его со всеми названиями, русскими и оригинальными, и аббревиатурами "
                       "реестра по состоянию на {taken}.",
        "check_label": "Название организации",
        "check_button": "Проверить",
        "check_empty": "Введите название для проверки.",
        "verdict_listed": "В РЕЕСТРЕ",
        "verdict_listed_text": "Это название есть в реестре «нежелательных» организаций.",
        "verdict_excluded": "В РЕЕСТРЕ, ИСКЛЮЧЕНА",
        "verdict_excluded_text": "Это название есть в реестре, но запись исключена {day}.",
        "verdict_possible": "Возможное совпадение — не подтверждено",
        "verdict_possible_text": "Записи с точно таким названием нет. Записи ниже на него похожи; "
                                 "сверьте каждую с официальным реестром, прежде чем делать выводы.",
        "verdict_none": "В реестре нет",
        "verdict_none_text": "Ни одна запись реестра по состоянию на {taken} не совпадает с этим "
                             "названием. Сравниваются написания и транслитерации, но не переводы: "
                             "попробуйте и название в написании самой организации. Реестр "
                             "пополняется каждую неделю: проверьте ещё раз, прежде чем на это "
                             "полагаться.",
        "verdict_for": "Результат для «{query}»",
        "match_entry": "Запись", "match_score": "Сходство", "match_part": "Совпавшее название",
        "match_how": "Как",
        "part_name": "полное опубликованное название", "part_name_ru": "русское название",
        "part_name_original": "название на языке оригинала", "part_acronym": "аббревиатура",
        "other_matches": "Другие совпадающие или похожие записи",
        "possible_matches": "Похожие записи",
        "ruled_out": "Оператор отметил как известное ложное совпадение: № {number} · {name}.",
        "match_listed_on": "Включена {listed_on} (распоряжение {order}); решение Генпрокуратуры от {designated_on}.",
        "match_matched": "Совпадение: «{text}» ({part}): {how}.",
        "match_alias": "В перечне нет наименования «{text}»; так организацию называет сообщение:",
        "score": "{score} из 100",
        "entry_fields": "Текущие сведения",
        "entry_history": "История",
        "entry_first_seen": "regwatch впервые увидел запись {day}.",
        "entry_removed": "Этой записи больше нет в опубликованном реестре.",
        "timeline_first_seen": "впервые замечена regwatch при первом чтении реестра",
        "entry_no_changes": "С первого чтения запись не менялась.",
        "entry_versions": "Опубликованный текст",
        "entry_version_from": "В редакции с {day}",
        "entry_official": "Открыть официальный реестр",
        "entry_json": "Эта запись в JSON",
        "change_detail": "{field}: «{old}» → «{new}»",
        # announcements
        "announcements_title": "Объявленные решения",
        "announcements_intro": "Генеральная прокуратура принимает решение за дни или недели до того, как "
                               "организация появляется в перечне. Здесь решения, о которых сообщили "
                               "Генпрокуратура, агентства, СМИ и НКО; каждое связано с записью перечня, "
                               "когда она появляется.",
        "announcements_status": "Статус",
        "announcements_none": "Сообщений пока нет: `regwatch announcements --fetch` читает источники.",
        "announced_pending": "объявлено, в перечне ещё нет",
        "announced_confirmed": "в перечне",
        "announced_not_designation": "не признание (уголовное преследование)",
        "col_announced_on": "Сообщено", "col_organisation": "Организация, как названа",
        "col_event": "Событие", "col_register_entry": "Запись перечня", "col_article": "Сообщение",
        "announced_kind_designated": "признана нежелательной", "announced_kind_included": "включена в перечень",
        "announced_kind_excluded": "исключена", "announced_kind_prosecution": "преследование людей",
        "announced_decision": "решение {day}", "announced_decision_bound": "решение не позднее {day}",
        "announced_lag": "через {days} дн. после сообщения",
        "announced_count": "Событий: {count}",
        "changes_title": "Изменения реестра",
        "changes_intro": "Все включения, исключения, восстановления, удаления, правки и перенумерации, "
                         "замеченные regwatch, от новых к старым.",
        "changes_feed": "Подписаться на ленту Atom",
        "changes_since": "Замечены с", "changes_kind": "Вид",
        "changes_none": "Изменений пока нет: первое чтение реестра — точка отсчёта.",
        "col_detected_at": "Замечено", "col_kind": "Изменение", "col_detail": "Подробности",
        "kind_added": "включена", "kind_excluded": "исключена", "kind_reinstated": "восстановлена",
        "kind_removed": "удалена", "kind_modified": "исправлена", "kind_renumbered": "перенумерована",
        "downloads_title": "Файлы",
        "downloads_intro": "Файлы, которые regwatch публикует после каждого чтения реестра. UTF-8, "
                           "даты в виде ГГГГ-ММ-ДД, списки через « | »; ячейка, которую таблица "
                           "выполнила бы как формулу, начинается с апострофа.",
        "downloads_latest": "Реестр сейчас",
        "downloads_history": "История",
        "downloads_snapshots": "Снимки по датам",
        "downloads_snapshots_intro": "Реестр после каждого чтения, в котором он изменился (CSV).",
        "file_csv": "CSV", "file_csv_excel": "для Excel",
        "file_csv_excel_hint": "Тот же CSV с меткой порядка байтов UTF-8, чтобы Excel правильно показал кириллицу",
        "col_taken_at": "Прочитан",
        "file_xlsx": "Книга Excel (XLSX)", "file_json": "JSON",
        "file_changes_csv": "Все изменения (CSV)", "file_atom": "Лента Atom последних изменений",
        "file_size": "{size}", "file_missing": "ещё не записан",
        "dictionary_title": "Описание столбцов",
        "dictionary_intro": "Столбцы файлов реестра, в этом порядке.",
        "dictionary_changes": "Столбцы changes.csv.",
        "col_column": "Столбец", "col_meaning_en": "Meaning", "col_meaning_ru": "Значение",
        "chart_title": "Включения по месяцам",
        "chart_intro": "Сколько организаций включено в реестр за каждый месяц с 2015 года "
                       "(столбцы) и нарастающий итог (линия). Дата включения — дата распоряжения "
                       "Минюста, а если её нет — решения Генпрокуратуры; исключённые организации "
                       "тоже учитываются.",
        "chart_axis_month": "Включений за месяц",
        "chart_axis_total": "Всего с 2015 года",
        "chart_desc": "Столбчатая диаграмма включений по месяцам с {first} по {last} и линия "
                      "нарастающего итога, который достигает {total}.",
        "chart_table": "Те же данные таблицей",
        "chart_by_year": "По годам", "chart_by_month": "По месяцам",
        "col_year": "Год", "col_month": "Месяц", "col_count": "Включений",
        "col_cumulative": "Нарастающий итог",
        "error_title": "С этим запросом что-то не так",
        "not_found_title": "Не найдено",
        "not_found_text": "По этому адресу ничего нет.",
        "entry_not_found": "Записи с идентификатором «{entry_id}» в реестре никогда не было.",
        "back_home": "Вернуться к реестру",
        "query_too_long": "Слишком длинный текст: {length} символов, допустимо не больше {limit}.",
        "bad_choice": "«{value}» — недопустимое значение ({name}); допустимо: {choices}.",
        "bad_number": "«{value}» — недопустимое значение ({name}): нужно целое число.",
        "bad_date": "«{value}» — не дата в виде ГГГГ-ММ-ДД.",
        "future_date": "{value} — дата в будущем: реестра на неё ещё нет.",
        "bad_year": "{value} — не год реестра (с 2015 по {this_year}).",
        "bad_page": "Страницы {page} нет: всего страниц {pages}.",
        "bad_parameters": "Некорректный запрос: {problems}.",
        "http_error": "На этот запрос нельзя ответить ({status}: {detail}).",
        "server_error": "Сервер не смог ответить. Попробуйте ещё раз; сбой записан в журнал.",
        "api_title": "JSON API",
        "api_intro": "Всё, что есть на этих страницах, доступно в JSON. Для чтения ключ не нужен; "
                     "запуск чтения реестра требует токена оператора. Машиночитаемое описание "
                     "(OpenAPI):",
        "api_try": "Пример",
        "api_parameters": "Параметры",
        "api_no_parameters": "нет",
    },
}

# Short labels of the columns and of the raw published cells.
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "entry_id": ("Id", "Идентификатор"), "number": ("Number", "Номер"),
    "name": ("Name as published", "Название, как опубликовано"),
    "name_ru": ("Russian name", "Русское название"),
    "name_original": ("Original name", "Оригинальное название"),
    "acronyms": ("Acronyms", "Аббревиатуры"), "country": ("Country", "Страна"),
    "country_code": ("Country code", "Код страны"),
    "designated_on": ("Prosecutor General's decision", "Решение Генпрокуратуры"),
    "designated_by": ("Decided by", "Кем принято"),
    "listed_on": ("Listed on", "Дата включения"),
    "listing_order": ("Inclusion order", "Распоряжение о включении"),
    "excluded_on": ("Excluded on", "Дата исключения"),
    "exclusion_order": ("Exclusion order", "Распоряжение об исключении"),
    "status": ("Status", "Статус"), "first_seen": ("First seen", "Впервые замечена"),
    "last_changed": ("Last changed", "Последнее изменение"),
    "source_url": ("Official source", "Официальный источник"),
    # raw published cells without an exported column of their own
    "published_on": ("Decision made public on", "Дата обнародования решения"),
    "cancelled_on": ("Decision cancelled on", "Дата отмены решения"),
}

# Country names for the ISO codes the register uses (the register itself writes Russian).
COUNTRY_NAMES_EN: dict[str, str] = {
    "AM": "Armenia", "AT": "Austria", "AU": "Australia", "AZ": "Azerbaijan", "BE": "Belgium",
    "BG": "Bulgaria", "BY": "Belarus", "CA": "Canada", "CH": "Switzerland", "CY": "Cyprus",
    "CZ": "Czechia", "DE": "Germany", "DK": "Denmark", "EE": "Estonia", "ES": "Spain",
    "FI": "Finland", "FR": "France", "GB": "United Kingdom", "GE": "Georgia", "GR": "Greece",
    "HR": "Croatia", "HU": "Hungary", "IE": "Ireland", "IL": "Israel", "IS": "Iceland",
    "IT": "Italy", "JP": "Japan", "KZ": "Kazakhstan", "LI": "Liechtenstein", "LT": "Lithuania",
    "LU": "Luxembourg", "LV": "Latvia", "MC": "Monaco", "MD": "Moldova", "ME": "Montenegro",
    "MN": "Mongolia", "MT": "Malta", "NL": "Netherlands", "NO": "Norway", "PL": "Poland",
    "PT": "Portugal", "RO": "Romania", "RS": "Serbia", "SE": "Sweden", "SI": "Slovenia",
    "SK": "Slovakia", "TR": "Turkey", "UA": "Ukraine", "US": "United States",
}

# The matcher explains a candidate in English (pipelines.matching.index); its phrases in Russian.
_HOW_RU = {
    "exact": "точно как написано",
    "acronym, exact": "аббревиатура, точно как написана",
    "acronym, case and look-alike letters ignored":
        "аббревиатура, без учёта регистра и похожих букв разных алфавитов",
    "folded, the words before the proper name set aside":
        "те же буквы, слова перед собственным названием не учитываются",
    "look-alike letters": "похожие буквы разных алфавитов", "spacing": "пробелы",
    "(in one Latin spelling)": "(в одном латинском написании)",
    "transliterated (one Latin spelling, spaces ignored)":
        "транслитерация (одно латинское написание, пробелы не учитываются)",
    "folded": "те же буквы", "case": "регистр", "diacritics": "диакритика",
    "legal form": "правовая форма", "punctuation": "пунктуация",
    "fuzzy tokens": "похожие слова, балл",
    "query words not in the name": "слова запроса, которых нет в названии",
    "name words not in the query": "слова названия, которых нет в запросе",
}
_HOW_PHRASE = re.compile("|".join(map(re.escape, sorted(_HOW_RU, key=len, reverse=True))))

_ACCEPT_PART = re.compile(r"\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*")


def pick_language(asked: str | None, accept_language: str | None) -> str:
    """?lang= if it names a language we have; else the preferred one of Accept-Language."""
    if asked in LANGUAGES:
        return asked
    ranked = []
    for position, part in enumerate((accept_language or "")[:500].split(",")):
        found = _ACCEPT_PART.fullmatch(part)
        if found and found.group(1).lower() in LANGUAGES:
            try:
                quality = float(found.group(2) or 1)
            except ValueError:
                continue
            ranked.append((-quality, position, found.group(1).lower()))
    return min(ranked)[2] if ranked and min(ranked)[0] < 0 else DEFAULT


def translator(lang: str) -> Callable[..., str]:
    """t("key", name=value) → the string in `lang`, its {placeholders} filled."""
    strings = STRINGS[lang]

    def t(key: str, **values: object) -> str:
        text = strings[key]
        return text.format(**values) if values else text

    return t


def how_text(how: str, lang: str) -> str:
    """The matcher's explanation of a candidate in the page's language."""
    return _HOW_PHRASE.sub(lambda m: _HOW_RU[m.group()], how) if lang == "ru" else how


def column_label(column: str, lang: str) -> str:
    labels = COLUMN_LABELS.get(column)
    return labels[LANGUAGES.index(lang)] if labels else column


def country_label(code: str, lang: str, published: str = "") -> str:
    """"United States (US)" in English, the register's own Russian name in Russian."""
    if lang == "en" and code in COUNTRY_NAMES_EN:
        return f"{COUNTRY_NAMES_EN[code]} ({code})"
    return published or code
