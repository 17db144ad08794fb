import factory

from frpdesk.directory.models import DirectoryPartner


class DirectoryPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DirectoryPartner
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Partner {n}")
    partner_id = factory.Sequence(lambda n: f"{5000000 + n}")
    contact_name = "Jo Doe"
    contact_email = factory.Sequence(lambda n: f"jo{n}@partner.example")
    countries = ["US"]
    languages = ["en"]

    @factory.post_generation
    def endorsed_workloads(self, create: bool, codes: list[str] | None, **kwargs: object) -> None:
        if create and codes:
            from frpdesk.catalog.models import Workload

            self.endorsed_workloads.set(Workload.objects.filter(code__in=codes))
