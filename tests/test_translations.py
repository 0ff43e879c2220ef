"""Every user-facing string ships in Vietnamese, and the compiled catalogue is current."""

import ast
import gettext
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "motcua"
VI = SRC / "locale" / "vi" / "LC_MESSAGES"


def _unquote(chunks: list[str]) -> str:
    return "".join(ast.literal_eval(chunk) for chunk in chunks)


def po_entries(path: Path) -> dict[str, tuple[str, bool]]:
    """msgid → (msgstr or msgstr[0], fuzzy) for a .po file, header left out."""
    entries: dict[str, tuple[str, bool]] = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        field, parts = None, {}
        for line in lines:
            if line.startswith("#"):
                continue
            match = re.match(
                r'^(msgid|msgid_plural|msgstr(?:\[0\])?|msgstr\[\d+\]|msgctxt) (".*")$', line
            )
            if match:
                field = match.group(1)
                parts[field] = [match.group(2)]
            elif line.startswith('"') and field:
                parts[field].append(line)
        if "msgid" not in parts:
            continue
        msgid = _unquote(parts["msgid"])
        if msgid:
            translated = _unquote(parts.get("msgstr", parts.get("msgstr[0]", ['""'])))
            entries[msgid] = (translated, fuzzy)
    return entries


def test_every_vietnamese_entry_is_translated_and_none_is_fuzzy():
    entries = po_entries(VI / "django.po")
    assert len(entries) > 100
    missing = [msgid for msgid, (text, _fuzzy) in entries.items() if not text]
    fuzzy = [msgid for msgid, (_text, is_fuzzy) in entries.items() if is_fuzzy]
    assert missing == [] and fuzzy == []


def test_compiled_catalogue_matches_the_source():
    with (VI / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for msgid, (text, _fuzzy) in po_entries(VI / "django.po").items():
        assert compiled.gettext(msgid) == text, f"run `make messages`: {msgid!r} is stale"


def test_template_and_code_strings_are_in_the_catalogue():
    known = po_entries(VI / "django.po").keys()
    template_tag = re.compile(r"""{%\s*translate\s+(["'])(.+?)\1""")
    code_call = re.compile(r"""\b_\(\s*"((?:[^"\\]|\\.)+)"\s*[,)]""")
    absent: list[str] = []
    for path in SRC.rglob("*.html"):
        absent += [
            m.group(2) for m in template_tag.finditer(path.read_text()) if m.group(2) not in known
        ]
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        absent += [
            m.group(1) for m in code_call.finditer(path.read_text()) if m.group(1) not in known
        ]
    assert absent == [], "run `make messages` and translate these"
