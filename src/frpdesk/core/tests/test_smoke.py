import pytest
from django.test import Client


@pytest.mark.django_db
def test_home_page_renders_for_program_admin(
    client: Client, program_admin, partner_profile
) -> None:
    client.force_login(program_admin)
    response = client.get("/")
    assert response.status_code == 200
    assert "Contoso Consulting" in response.content.decode()
    assert "Avery Morgan" in response.content.decode()


@pytest.mark.browser
def test_login_in_browser(web, program_admin) -> None:
    web.login(program_admin)
    web.screenshot("home")
    assert web.page.title().startswith("Home")
