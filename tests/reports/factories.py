import factory

from reports.models import ExportJob
from tests.factories import UserFactory


class ExportJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExportJob

    kind = "agencies.directory.xlsx"
    parameters = factory.LazyFunction(dict)
    requested_by = factory.SubFactory(UserFactory)
