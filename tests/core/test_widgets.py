"""core.widgets.Select renders long flat lists in Python with the same HTML as Django's."""

import re

from django import forms

from core.widgets import Select


def _normalise(html: str) -> str:
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


def test_same_html_as_djangos_select_with_escaping_and_selection():
    choices = [("", "Tất cả"), (1, "Sở Tư pháp"), (2, 'UBND "A" & <B>'), (3, "Phường Cái Khế")]
    attrs = {"class": "form-select", "id": "id_unit", "required": True, "disabled": False}
    ours = Select(choices=choices).render("unit", 2, attrs=attrs)
    django = forms.Select(choices=choices).render("unit", 2, attrs=attrs)
    assert _normalise(ours) == _normalise(django)
    assert "&quot;A&quot; &amp; &lt;B&gt;" in ours
    assert '<option value="2" selected>' in ours and ours.count(" selected") == 1


def test_model_choices_and_no_selection():
    class Form(forms.Form):
        unit = forms.ChoiceField(choices=[(7, "Một"), (8, "Hai")], widget=Select)

    html = str(Form()["unit"])
    assert html.startswith('<select name="unit"') and "selected" not in html
    assert html.count("<option") == 2
