"""The directory's FilterSet: the one set of filters behind the list page, its exports and the API."""

from typing import Any

import pytest

from frpdesk.directory.filters import DirectoryPartnerFilter
from frpdesk.directory.models import DirectoryPartner
from frpdesk.directory.tests.factories import DirectoryPartnerFactory

pytestmark = pytest.mark.django_db

# Chosen so that loose matching would show: "AU" next to "US", "en-gb" next to "en",
# several partners per workload and country, contact names that appear in no partner name.
DIRECTORY: dict[str, dict[str, Any]] = {
    "Alpine Cloud": {
        "partner_id": "6100001",
        "contact_name": "Lena Huber",
        "contact_email": "lena@alpine.example",
        "countries": ["DE", "AT", "CH"],
        "languages": ["de", "en"],
        "endorsed_workloads": ["teams", "exchange"],
    },
    "Bondi Digital": {
        "partner_id": "6100002",
        "contact_name": "Mia Clarke",
        "contact_email": "mia@bondi.example",
        "countries": ["AU"],
        "languages": ["en-gb"],
        "endorsed_workloads": ["teams"],
    },
    "Columbus Partners": {
        "partner_id": "6200003",
        "contact_name": "Noah Reyes",
        "contact_email": "noah@columbus.example",
        "countries": ["US", "CA"],
        "languages": ["en", "es"],
        "endorsed_workloads": ["sharepoint"],
    },
    "Danube Data": {
        "partner_id": "6200004",
        "contact_name": "Ola Nowak",
        "contact_email": "ola@danube.example",
        "countries": ["DE"],
        "languages": ["de"],
        "endorsed_workloads": ["intune"],
    },
    "Euro Teams": {
        "partner_id": "6300005",
        "contact_name": "Pierre Martin",
        "contact_email": "pierre@euro.example",
        "countries": ["DE", "FR"],
        "languages": ["fr"],
        "endorsed_workloads": ["teams"],
    },
    "Quiet Partner": {
        "partner_id": "6300006",
        "contact_name": "Quinn Lee",
        "contact_email": "quinn@quiet.example",
        "countries": [],
        "languages": [],
        "endorsed_workloads": [],
    },
}


def build_directory() -> dict[str, DirectoryPartner]:
    """The partners of ``DIRECTORY``, by name."""
    return {
        name: DirectoryPartnerFactory(name=name, **fields) for name, fields in DIRECTORY.items()
    }


# (query, names expected) shared with the API and list page tests.
FILTER_CASES: list[tuple[dict[str, str], set[str]]] = [
    ({}, set(DIRECTORY)),
    ({"workload": "teams"}, {"Alpine Cloud", "Bondi Digital", "Euro Teams"}),
    ({"workload": "intune"}, {"Danube Data"}),
    ({"workload": "copilot"}, set()),
    ({"country": "DE"}, {"Alpine Cloud", "Danube Data", "Euro Teams"}),
    ({"country": "US"}, {"Columbus Partners"}),
    ({"country": "AU"}, {"Bondi Digital"}),
    ({"country": "CH"}, {"Alpine Cloud"}),
    ({"country": "SE"}, set()),
    ({"language": "en"}, {"Alpine Cloud", "Columbus Partners"}),
    ({"language": "de"}, {"Alpine Cloud", "Danube Data"}),
    ({"language": "fr"}, {"Euro Teams"}),
    ({"search": "huber"}, {"Alpine Cloud"}),
    ({"search": "6200"}, {"Columbus Partners", "Danube Data"}),
    ({"search": "@euro."}, {"Euro Teams"}),
    ({"search": "Teams"}, {"Euro Teams"}),
    ({"workload": "teams", "country": "DE"}, {"Alpine Cloud", "Euro Teams"}),
    ({"workload": "teams", "country": "DE", "language": "en"}, {"Alpine Cloud"}),
    ({"workload": "teams", "country": "US"}, set()),
    ({"country": "DE", "search": "danube"}, {"Danube Data"}),
]


def case_id(case: tuple[dict[str, str], set[str]]) -> str:
    return "&".join(f"{key}={value}" for key, value in case[0].items()) or "no-filter"


@pytest.fixture
def directory() -> dict[str, DirectoryPartner]:
    return build_directory()


def filtered(data: dict[str, str]) -> DirectoryPartnerFilter:
    return DirectoryPartnerFilter(data=data, queryset=DirectoryPartner.objects.all())


@pytest.mark.parametrize(("query", "expected"), FILTER_CASES, ids=map(case_id, FILTER_CASES))
def test_filters_match_exactly(directory, query: dict[str, str], expected: set[str]) -> None:
    filterset = filtered(query)
    assert filterset.is_valid(), filterset.errors
    names = [partner.name for partner in filterset.qs]
    assert sorted(names) == sorted(expected)  # and no partner twice


def test_a_partner_endorsed_for_several_workloads_is_listed_once(directory) -> None:
    assert list(filtered({"workload": "exchange"}).qs) == [directory["Alpine Cloud"]]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"workload": "fax"}, "workload"),
        ({"country": "XX"}, "country"),
        ({"country": "us"}, "country"),
        ({"country": "USA"}, "country"),
        ({"language": "en-gb"}, "language"),
        ({"language": '"en'}, "language"),
    ],
)
def test_unknown_values_are_refused_not_ignored(
    directory, query: dict[str, str], field: str
) -> None:
    filterset = filtered(query)
    assert not filterset.is_valid()
    assert field in filterset.errors


@pytest.mark.parametrize("term", ["%", "_", "\\"])
def test_search_treats_wildcards_literally(directory, term: str) -> None:
    assert list(filtered({"search": term}).qs) == []
