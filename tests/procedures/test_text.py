import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.text import fold, search_words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đăng ký khai sinh", "dang ky khai sinh"),
        ("ĐĂNG KÝ", "dang ky"),
        ("dang ky kết hôn", "dang ky ket hon"),
        ("  Hộ   tịch\n\tCần Thơ ", "ho tich can tho"),
        ("đ Đ", "d d"),
        ("Nghị định 123/2015/NĐ-CP", "nghi dinh 123/2015/nd-cp"),
        ("Thủ tục\x00có NUL\u200bvà ZWSP", "thu tuc co nul va zwsp"),
        ("ﬁ Ⅳ", "fi iv"),  # compatibility forms
        ("", ""),
        (None, ""),
    ],
)
def test_fold(text, expected):
    assert fold(text) == expected


def test_decomposed_and_composed_vietnamese_fold_alike():
    import unicodedata

    word = "Nguyễn Thị Ánh"
    assert fold(unicodedata.normalize("NFD", word)) == fold(word) == "nguyen thi anh"


@given(st.text(max_size=200))
def test_fold_is_idempotent_ascii_and_lowercase(text):
    once = fold(text)
    assert fold(once) == once
    assert once == once.strip()
    assert "  " not in once
    assert "đ" not in once and "\x00" not in once


def test_search_words_bounded():
    words = search_words("khai " * 500 + " ".join(f"tu{i}" for i in range(50)))
    assert len(words) <= 10
    assert words[0] == "khai"
    assert search_words("x" * 1000) == ["x" * 40]
    assert search_words("") == []
