"""Our own organisation as the FastTrack program knows it."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import BaseConstraint, Q
from django_countries.fields import CountryField

from frpdesk.catalog.models import Workload
from frpdesk.core.choices import customer_sizes, industries, labels, languages
from frpdesk.core.fields import StringListField, partner_id_validator
from frpdesk.core.models import TimeStampedModel

mpn_id_help = "Microsoft AI Cloud Partner Program ID (PartnerID, formerly MPN ID): digits only."


class PartnerProfile(TimeStampedModel):
    """The single profile of the partner running this frpdesk (primary key 1)."""

    organisation_name = models.CharField(max_length=200)
    partner_id = models.CharField(
        "PartnerID (MPN ID)",
        max_length=12,
        help_text=mpn_id_help,
        validators=[partner_id_validator],
    )
    location_partner_id = models.CharField(
        "Location PartnerID",
        max_length=12,
        blank=True,
        validators=[partner_id_validator],
        help_text="The PartnerID of the location that claims and receives incentives.",
    )
    location_city = models.CharField("Location city", max_length=120, blank=True)
    location_country = CountryField("Location country", blank=True)
    website = models.URLField(blank=True)

    class Meta:
        verbose_name = "partner profile"

    def __str__(self) -> str:
        return self.organisation_name


class ProgramMembership(TimeStampedModel):
    profile = models.ForeignKey(
        PartnerProfile, on_delete=models.CASCADE, related_name="memberships"
    )
    name = models.CharField(
        max_length=200, help_text="As Partner Center shows it, e.g. “Contoso US – FRP”."
    )
    program = models.CharField(max_length=120, default="FastTrack Ready Partner")
    location_partner_id = models.CharField(
        "Location PartnerID", max_length=12, blank=True, validators=[partner_id_validator]
    )
    joined_on = models.DateField(null=True, blank=True)
    renews_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "name"], name="unique_program_membership")
        ]

    def __str__(self) -> str:
        return self.name


class ProgramContact(TimeStampedModel):
    """A person of ours the program knows; exactly one is the single point of contact (SPOC)."""

    profile = models.ForeignKey(PartnerProfile, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=120, blank=True)
    is_spoc = models.BooleanField(
        "Single point of contact",
        default=False,
        help_text="The one person Microsoft contacts for program administration.",
    )

    class Meta:
        ordering = ["-is_spoc", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile"], condition=Q(is_spoc=True), name="one_spoc_per_partner"
            ),
            models.UniqueConstraint(
                fields=["profile", "email"], name="unique_program_contact_email"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def get_constraints(self) -> list[tuple[type[models.Model], Sequence[BaseConstraint]]]:
        # The services check "exactly one SPOC" over the whole list, with a clearer message, and
        # move the flag safely; row-by-row form validation would refuse every change of SPOC.
        return [
            (model, [c for c in constraints if c.name != "one_spoc_per_partner"])
            for model, constraints in super().get_constraints()
        ]


class Endorsement(TimeStampedModel):
    """We are endorsed to deliver a workload between two dates (open-ended without an end)."""

    profile = models.ForeignKey(
        PartnerProfile, on_delete=models.CASCADE, related_name="endorsements"
    )
    workload = models.ForeignKey(Workload, on_delete=models.PROTECT, related_name="endorsements")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["workload__sort_order", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="endorsement_ends_after_start",
                violation_error_message="An endorsement cannot end before it starts.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.workload} from {self.valid_from}"

    def clean(self) -> None:
        if (
            self.valid_to is not None
            and self.valid_from is not None
            and self.valid_to < self.valid_from
        ):
            raise ValidationError(
                {
                    "valid_to": "Valid to must be on or after valid from; leave it empty for no end date."
                }
            )

    def is_active(self, on: datetime.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


class ReferralProfile(TimeStampedModel):
    """How Microsoft routes FastTrack referrals to us."""

    profile = models.OneToOneField(
        PartnerProfile, on_delete=models.CASCADE, related_name="referral_profile"
    )
    languages = StringListField(item_choices=languages)
    industries = StringListField(item_choices=industries)
    target_customer_sizes = StringListField(item_choices=customer_sizes)
    countries_served = CountryField(multiple=True, blank=True)
    referral_contact = models.ForeignKey(
        ProgramContact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Receives referral notifications and reminders.",
    )
    referrals_paused_until = models.DateField(
        null=True,
        blank=True,
        help_text="New referrals are paused until this date (at most 30 days ahead).",
    )

    def __str__(self) -> str:
        return f"Referral profile of {self.profile}"

    @property
    def labels(self) -> dict[str, list[str]]:
        """The chosen languages, industries and sizes by their display names."""
        return {
            name: labels(choices(), getattr(self, name))
            for name, choices in (
                ("languages", languages),
                ("industries", industries),
                ("target_customer_sizes", customer_sizes),
            )
        }

    def paused_on(self, day: datetime.date) -> bool:
        return self.referrals_paused_until is not None and day <= self.referrals_paused_until
