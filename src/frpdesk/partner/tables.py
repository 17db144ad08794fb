import datetime

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from frpdesk.core.tables import ActionsColumn
from frpdesk.partner.models import Endorsement, ProgramContact, ProgramMembership


class ProgramMembershipTable(tables.Table):
    actions = ActionsColumn("partner:membership-edit", "partner:membership-delete")

    class Meta:
        model = ProgramMembership
        fields = ("name", "program", "location_partner_id", "joined_on", "renews_on")
        orderable = False
        empty_text = "No program memberships recorded."


class ProgramContactTable(tables.Table):
    is_spoc = tables.BooleanColumn(verbose_name="SPOC", yesno="✔,")

    class Meta:
        model = ProgramContact
        fields = ("name", "title", "email", "phone", "is_spoc")
        orderable = False
        empty_text = "No program contacts yet: add one and mark them as single point of contact."


class EndorsementTable(tables.Table):
    status = tables.Column("Status", empty_values=(), orderable=False)
    actions = ActionsColumn("partner:endorsement-edit", "partner:endorsement-delete")

    class Meta:
        model = Endorsement
        fields = ("workload", "valid_from", "valid_to", "status")
        orderable = False
        empty_text = "No endorsements recorded."

    def render_valid_to(self, value: datetime.date | None) -> str:
        return value.isoformat() if value else "open-ended"

    def render_status(self, record: Endorsement) -> SafeString:
        today = timezone.localdate()
        if record.is_active(today):
            return format_html('<span class="badge text-bg-success">{}</span>', "Active")
        if record.valid_from > today:
            return format_html('<span class="badge text-bg-info">{}</span>', "Upcoming")
        return format_html('<span class="badge text-bg-secondary">{}</span>', "Expired")
