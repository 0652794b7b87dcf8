"""Text folding for accent-insensitive search, shared by every app.

`fold("Đăng  Ký KHAI sinh")` → `"dang ky khai sinh"`: Unicode NFKD, combining marks dropped,
đ/Đ mapped to d, case-folded, control and format characters turned into spaces, whitespace
collapsed. Store `fold(...)` of the searchable text in a column and compare it with
`fold(query)`: the result is identical on SQLite and PostgreSQL.
"""

import unicodedata

_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ı": "i"})


def fold(text: str | None) -> str:
    """Lower-case, diacritic-free, single-spaced form of `text` ("" for None)."""
    if not text:
        return ""
    text = str(text).translate(_SPECIAL)
    out = []
    for ch in unicodedata.normalize("NFKD", text):
        cat = unicodedata.category(ch)
        if cat == "Mn":  # combining mark: the diacritic itself
            continue
        if cat[0] in "CZ":  # controls, format chars, separators (incl. NUL, NBSP, LSEP)
            out.append(" ")
            continue
        out.append(ch)
    return " ".join("".join(out).casefold().split())


def search_words(query: str | None, *, max_words: int = 10, max_len: int = 40) -> list[str]:
    """The folded words of a user's search query, bounded for safety (long input is cut)."""
    words = fold((query or "")[:1000]).split()
    seen: list[str] = []
    for word in words:
        word = word[:max_len]
        if word not in seen:
            seen.append(word)
        if len(seen) >= max_words:
            break
    return seen


def parse_id(value) -> int | None:
    """A primary key from a query or form value; None for anything else.

    `str.isdigit()` accepts "²" and other Unicode digits that `int()` refuses, and an id of
    thousands of digits overflows the database: only 1–18 ASCII digits pass.
    """
    text = str(value if value is not None else "")
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        return None
    return int(text)
