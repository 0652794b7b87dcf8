"""Both language catalogues are complete and compiled (the English interface is a real one)."""

import re
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def blocks(text: str):
    for block in re.split(r"\n\s*\n", text):
        if 'msgid "' in block and not block.lstrip().startswith('msgid ""\nmsgstr ""\n"Project'):
            yield block


def test_english_catalogue_has_no_missing_or_fuzzy_entry():
    missing, fuzzy = [], []
    for block in blocks(PO.read_text(encoding="utf-8")):
        if block.lstrip().startswith("#~"):
            continue  # obsolete
        msgid = re.search(r'^msgid "(.*)"$', block, re.M)
        if msgid is None or (msgid.group(1) == "" and "Project-Id-Version" in block):
            continue
        if "#, fuzzy" in block or re.search(r"^#,.*\bfuzzy\b", block, re.M):
            fuzzy.append(msgid.group(1))
        # an empty translation: `msgstr ""` (or `msgstr[n] ""`) with no continuation line
        if re.search(r'^msgstr(\[\d\])? ""\n(?!")', block + "\n", re.M):
            missing.append(msgid.group(1))
    assert not fuzzy, f"fuzzy entries: {fuzzy[:10]}"
    assert not missing, f"untranslated entries: {missing[:10]}"


def test_compiled_catalogues_translate_both_ways():
    with translation.override("en"):
        assert gettext("Thủ tục hành chính") == "Administrative procedures"
    with translation.override("vi"):
        assert gettext("Thủ tục hành chính") == "Thủ tục hành chính"
        assert gettext("Email Addresses") == "Địa chỉ email"  # allauth, from locale_allauth
