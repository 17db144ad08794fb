"""Other FastTrack Ready Partners we can hand work to."""

from django.db import models
from django_countries.fields import CountryField

from frpdesk.catalog.models import Workload
from frpdesk.core.choices import labels, languages
from frpdesk.core.fields import StringListField, partner_id_validator
from frpdesk.core.models import TimeStampedModel


class DirectoryPartner(TimeStampedModel):
    name = models.CharField(max_length=200)
    partner_id = models.CharField(
        "PartnerID (MPN ID)", max_length=12, unique=True, validators=[partner_id_validator]
    )
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    countries = CountryField(multiple=True, blank=True)
    languages = StringListField(item_choices=languages)
    endorsed_workloads = models.ManyToManyField(
        Workload, related_name="directory_partners", blank=True
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "directory partner"

    def __str__(self) -> str:
        return self.name

    @property
    def country_names(self) -> list[str]:
        return [country.name for country in self.countries]

    @property
    def language_names(self) -> list[str]:
        return labels(languages(), self.languages)
