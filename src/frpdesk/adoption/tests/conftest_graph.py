"""Fixtures for the Microsoft Graph connector: a running fake Graph with the settings pointing at
it, and a Fabrikam customer connected to it. Import them into a test module:

    from frpdesk.adoption.tests.conftest_graph import fake_graph, fabrikam  # noqa: F401
"""

from collections.abc import Iterator
from typing import Any

import pytest

from frpdesk.adoption.graph import save_graph_connection
from frpdesk.adoption.models import GraphConnection
from frpdesk.adoption.tests.fake_graph import FABRIKAM_TENANT, FakeGraph
from frpdesk.customers.models import Customer
from frpdesk.customers.tests.factories import CustomerFactory


@pytest.fixture
def fake_graph(settings: Any) -> Iterator[FakeGraph]:
    """A fake Graph + login service on loopback; FRPDESK_GRAPH_URL and _LOGIN_URL point at it."""
    with FakeGraph() as graph:
        settings.FRPDESK_GRAPH_URL = graph.url
        settings.FRPDESK_GRAPH_LOGIN_URL = graph.url
        yield graph


@pytest.fixture
def fabrikam(db: None) -> Customer:
    """Tenant A of the samples, without a connection."""
    customer: Customer = CustomerFactory(name="Fabrikam Industries", tenant_id=FABRIKAM_TENANT)
    return customer


@pytest.fixture
def fabrikam_connection(fabrikam: Customer, fake_graph: FakeGraph) -> GraphConnection:
    """Fabrikam connected with the app registration the fake login service knows."""
    return save_graph_connection(
        acting_user=None,
        customer=fabrikam,
        tenant_id=fake_graph.tenant_id,
        client_id=fake_graph.client_id,
        client_secret=fake_graph.client_secret,
        enabled=True,
    )
