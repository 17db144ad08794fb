"""The catalog pages' filters with values people (or a fuzzer) type into the URL."""

import pytest


@pytest.mark.parametrize("year", ["99999999999", "1e30", "0"])
def test_a_year_out_of_range_is_a_form_error_not_a_server_error(
    client, program_admin, year: str
) -> None:
    """Found by the API fuzz test's sweep of the filters: ``date__year`` with 99999999999 raised
    ValueError in the database layer (a 500 on SQLite and PostgreSQL)."""
    client.force_login(program_admin)
    response = client.get("/catalog/holidays/", {"year": year})
    assert response.status_code == 200
