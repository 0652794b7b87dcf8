"""The statistics table's cells are rendered in Python (thousands of cells province-wide): the
HTML must be what the template tags gave."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from dossiers import statistics
from dossiers.views import stats as views

TEMPLATE = Template(
    "{% load humanize %}{% for cell in cells %}<td>{% if cell.value %}"
    '<a href="{{ cell.url }}">{{ cell.value|intcomma }}</a>{% else %}0{% endif %}</td>{% endfor %}'
)
PERIOD = statistics.Period(datetime.date(2025, 12, 15), datetime.date(2026, 3, 14))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_cells_render_as_the_template_did(language):
    values = [0, 7, 999, 1000, 12345, 1234567, 1000000000]
    stats = statistics.Stats(**dict(zip(statistics.FIGURES, values * 3, strict=False)))
    figures = list(statistics.FIGURES)
    with translation.override(language):
        prefix = views._drill_url(agency_id=12, children=True, period=PERIOD, figure="")
        cells, html = views._cells(stats, figures, prefix=prefix, number=views._number_format())
        expected = TEMPLATE.render(Context({"cells": cells}))
    assert html == expected
    assert cells[1]["url"] == views._drill_url(
        agency_id=12, children=True, period=PERIOD, figure=figures[1]
    )
    assert "&amp;children=1&amp;" in html
