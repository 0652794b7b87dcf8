import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from reports.registry import (
    AlreadyRegistered,
    ReportBuilder,
    UnknownReport,
    builders,
    get_builder,
    register,
)


def test_agency_directory_builders_are_autodiscovered():
    kinds = [builder.kind for builder in builders()]
    assert "agencies.directory.xlsx" in kinds
    assert "agencies.directory.pdf" in kinds
    assert kinds == sorted(kinds)
    assert get_builder("agencies.directory.pdf").file_extension == "pdf"


def test_duplicate_kind_is_rejected(test_builders):
    @test_builders
    class First(ReportBuilder):
        kind = "tests.duplicate"
        label = "Một"

    with pytest.raises(AlreadyRegistered):

        @register
        class Second(ReportBuilder):
            kind = "tests.duplicate"
            label = "Hai"

    assert type(get_builder("tests.duplicate")) is First


def test_duplicate_of_a_real_report_is_rejected():
    with pytest.raises(AlreadyRegistered):

        @register
        class Clash(ReportBuilder):
            kind = "agencies.directory.xlsx"


def test_builder_without_kind_or_with_unknown_extension_is_rejected():
    with pytest.raises(ImproperlyConfigured):

        @register
        class NoKind(ReportBuilder):
            pass

    with pytest.raises(ImproperlyConfigured):

        @register
        class BadExtension(ReportBuilder):
            kind = "tests.bad-extension"
            file_extension = "exe"

    with pytest.raises(UnknownReport):
        get_builder("tests.bad-extension")


def test_unknown_kind_raises_lookup_error():
    with pytest.raises(LookupError):
        get_builder("does.not.exist")


def test_clean_params_uses_the_params_form():
    builder = get_builder("agencies.directory.xlsx")
    assert builder.clean_params({"ngay": "2025-07-01"}) == {"ngay": "2025-07-01"}
    assert builder.clean_params({"ngay": "01/07/2025"}) == {"ngay": "2025-07-01"}
    assert builder.clean_params({}) == {"ngay": None}
    with pytest.raises(ValidationError):
        builder.clean_params({"ngay": "31/02/2025"})
