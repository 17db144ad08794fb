import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from frpdesk.catalog.models import EligiblePlan


@pytest.mark.django_db
def test_a_catalog_row_links_to_its_own_history(client: Client, program_admin) -> None:
    client.force_login(program_admin)
    plan = EligiblePlan.objects.get(string_id="SPE_E3")
    client.post(
        f"/catalog/eligible-plans/{plan.pk}/edit/",
        {"string_id": "SPE_E3", "note": "Microsoft 365 E3"},
    )
    other = EligiblePlan.objects.get(string_id="SPE_E5")
    client.post(
        f"/catalog/eligible-plans/{other.pk}/edit/", {"string_id": "SPE_E5", "note": "E5 note"}
    )

    content_type = ContentType.objects.get_for_model(EligiblePlan)
    history_url = f"/history/?content_type={content_type.pk}&amp;object_pk={plan.pk}"
    assert history_url in client.get("/catalog/eligible-plans/?search=SPE_E3").content.decode()

    body = client.get(
        "/history/", {"content_type": content_type.pk, "object_pk": plan.pk}
    ).content.decode()
    assert "Microsoft 365 E3" in body
    assert "E5 note" not in body


@pytest.mark.django_db
def test_roles_without_history_get_no_history_link(client: Client, executive) -> None:
    client.force_login(executive)
    assert 'data-testid="history"' not in client.get("/catalog/eligible-plans/").content.decode()
