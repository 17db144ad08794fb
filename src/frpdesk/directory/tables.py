import django_tables2 as tables

from frpdesk.core.tables import ActionsColumn, ListColumn
from frpdesk.directory.models import DirectoryPartner


class DirectoryPartnerTable(tables.Table):
    name = tables.Column(linkify=("directory:detail", {"pk": tables.A("pk")}))
    countries = ListColumn(accessor="country_names", verbose_name="Countries")
    endorsed_workloads = ListColumn(verbose_name="Endorsed workloads")
    actions = ActionsColumn("directory:edit", "directory:delete")

    class Meta:
        model = DirectoryPartner
        fields = (
            "name",
            "partner_id",
            "contact_name",
            "contact_email",
            "countries",
            "endorsed_workloads",
        )
        order_by = ("name",)
        empty_text = "No partners match these filters."
