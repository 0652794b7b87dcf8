"""Dossier's get_<field>_display read the enum label (no per-call dict of choices) and must
answer exactly as Django's generated methods do."""

import pytest
from django.utils import translation

from dossiers.models import STATUS_BADGE, Channel, Dossier, DossierEvent, Outcome, Status, Step


def _django_display(instance, field_name):
    field = type(instance)._meta.get_field(field_name)
    return instance._get_FIELD_display(field)


@pytest.mark.parametrize(
    ("model", "field_name", "values"),
    [
        (Dossier, "status", [*Status.values, 99, None]),
        (Dossier, "channel", [*Channel.values, 0]),
        (Dossier, "step", [*Step.values, "unknown"]),
        (Dossier, "outcome", [*Outcome.values, ""]),
        (DossierEvent, "kind", [*DossierEvent.Kind.values, "x"]),
        (DossierEvent, "to_status", [*Status.values, None]),
        (DossierEvent, "from_status", [*Status.values, None]),
    ],
)
@pytest.mark.parametrize("language", ["vi", "en"])
def test_labels_match_djangos(model, field_name, values, language):
    with translation.override(language):
        for value in values:
            instance = model(**{field_name: value})
            ours = getattr(instance, f"get_{field_name}_display")()
            assert ours == _django_display(instance, field_name)
            assert type(ours) is type(_django_display(instance, field_name))


def test_every_status_has_a_badge_colour_or_the_neutral_one():
    assert Dossier(status=Status.SUBMITTED).status_badge == "text-bg-info"
    assert Dossier(status=Status.REFUSED).status_badge == "text-bg-secondary"
    assert set(STATUS_BADGE) <= set(Status)
