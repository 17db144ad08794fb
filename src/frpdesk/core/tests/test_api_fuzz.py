"""Schemathesis against the OpenAPI schema: every operation, generated requests, no server error.

* The schema is the one ``/api/schema/`` serves (``test_served_schema_is_the_fuzzed_one``),
  built at collection so that every operation is its own test (``test_api[GET /api/…]``), which
  pytest-xdist spreads over its processes.
* Requests go to the WSGI application in-process, signed with an API token of a program
  administrator (every operation allowed), so they reach the serializers and services.
* The module seeds a few records of every app once (factories, ``seed`` below); a path's
  ``{id}`` is an existing record's half of the time, a generated number otherwise.
* Database state: every generated request runs in a savepoint rolled back after it, so a DELETE
  or a PUT of a seeded record changes nothing for the next example, and one operation's writes
  never reach another's: examples are independent and the run is reproducible
  (``derandomize=True``, at most ``FRPDESK_FUZZ_API_EXAMPLES`` (8) generated cases per
  operation, valid and invalid ones).
* Checks: ``not_a_server_error`` (no 5xx; a 500 shows the view's traceback), a status the
  schema documents or a 4xx, and the answer's body conforming to its documented schema.
* ``FRPDESK_FUZZ_COVERAGE=1`` adds schemathesis's coverage phase: boundary and malformed values
  of every parameter and field, and methods the path does not document — some 25,000 cases,
  15 to 30 minutes; run it after changing the API (it found the bugs this suite now tests).

``-s`` prints how many cases ran; the same summary is kept in pytest's cache
(``.pytest_cache/v/frpdesk/api_fuzz/<worker>``).
"""

import collections
import json
import os
import sys
import traceback
from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from django.urls import Resolver404, resolve
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error, response_schema_conformance

from frpdesk.wsgi import application

MAX_EXAMPLES = int(os.environ.get("FRPDESK_FUZZ_API_EXAMPLES", "8"))


def _openapi_document() -> dict[str, Any]:
    """The document ``/api/schema/`` serves (drf-spectacular, public: every operation)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document, renderer_context={}))


DOCUMENT = _openapi_document()
schema = schemathesis.openapi.from_dict(
    DOCUMENT,
    config=schemathesis.Config.from_dict(
        {
            "generation": {
                # The token below authenticates every request; generated credentials would
                # only be refused before the view runs.
                "with-security-parameters": False,
            },
            "phases": {
                "coverage": {"enabled": os.environ.get("FRPDESK_FUZZ_COVERAGE") == "1"},
                "stateful": {"enabled": False},
            },
        }
    ),
)
schema.app = application

# Cases run per operation and status codes answered, for the summary at the end of the module.
CASES: collections.Counter[str] = collections.Counter()
STATUSES: collections.Counter[int] = collections.Counter()


def _existing_ids(path: str) -> list[int]:
    """Primary keys of up to three records behind ``path``'s ``{id}`` (its viewset's model)."""
    try:
        match = resolve(path.replace("{id}", "1"))
    except Resolver404:
        return []
    view_class = getattr(match.func, "cls", None)
    queryset = getattr(view_class, "queryset", None)
    if queryset is None:
        return []
    return list(queryset.model._default_manager.order_by("pk").values_list("pk", flat=True)[:3])


@schema.hook
def flatmap_path_parameters(
    context: schemathesis.HookContext, path_parameters: dict[str, Any] | None
) -> st.SearchStrategy[dict[str, Any] | None]:
    if (
        context.operation is None
        or not path_parameters
        or not isinstance(path_parameters.get("id"), int)
    ):
        return st.just(path_parameters)
    ids = _existing_ids(context.operation.path)
    if not ids:
        return st.just(path_parameters)
    return st.one_of(
        st.just(path_parameters),
        st.sampled_from(ids).map(lambda pk: {**path_parameters, "id": pk}),
    )


def seed() -> dict[str, Any]:
    """A few records of every app, and the administrator's token."""
    from django.contrib.auth.models import Group

    from frpdesk.accounts import roles
    from frpdesk.accounts.models import User
    from frpdesk.accounts.tests.factories import token_header
    from frpdesk.adoption.tests.factories import (
        PartnerAssociationFactory,
        UsageImportFactory,
        UsagePointFactory,
    )
    from frpdesk.catalog.models import ScopeQuestion
    from frpdesk.claims.models import ClaimState
    from frpdesk.claims.tests.factories import make_claim
    from frpdesk.compliance.tests.factories import make_finding
    from frpdesk.customers.tests.factories import (
        CustomerContactFactory,
        CustomerFactory,
        PartnerContactFactory,
        TagFactory,
    )
    from frpdesk.directory.tests.factories import DirectoryPartnerFactory
    from frpdesk.engagements.tests.factories import make_engagement
    from frpdesk.incentives.tests.factories import (
        IncentiveRateFactory,
        LineDisputeFactory,
        StatementLineFactory,
    )
    from frpdesk.licensing.tests.factories import import_licences
    from frpdesk.notifications.tests.factories import DeliveryFactory, NotificationPreferenceFactory
    from frpdesk.partner.tests.factories import (
        EndorsementFactory,
        PartnerProfileFactory,
        ProgramContactFactory,
        ProgramMembershipFactory,
    )
    from frpdesk.referrals.tests.factories import ReferralFactory
    from frpdesk.satisfaction.models import Rating
    from frpdesk.satisfaction.tests.factories import SurveyImportFactory, responses
    from frpdesk.scoping.tests.factories import assess, make_contract, make_request
    from frpdesk.vas.tests.factories import RateCardEntryFactory, make_quote

    admin = User.objects.create_user(username="fuzz-admin", email="fuzz-admin@example.com")
    admin.groups.add(Group.objects.get(name=roles.PROGRAM_ADMINISTRATOR))

    profile = PartnerProfileFactory()
    ProgramContactFactory(profile=profile)
    ProgramMembershipFactory(profile=profile)
    EndorsementFactory(profile=profile)
    DirectoryPartnerFactory()

    customer = CustomerFactory(owner=admin)
    CustomerFactory()
    customer.tags.add(TagFactory())
    CustomerContactFactory(customer=customer)
    PartnerContactFactory(customer=customer, user=admin)
    import_licences(customer, {"SPE_E5": 500, "ENTERPRISEPACK": 100})
    UsagePointFactory(customer=customer)
    UsageImportFactory(customer=customer)
    PartnerAssociationFactory(customer=customer)

    engagement = make_engagement(owner=admin, customer=customer, workloads=("teams", "exchange"))
    ReferralFactory()
    make_claim(engagement=engagement, user=admin)
    make_claim(customer=customer, state=ClaimState.APPROVED, user=admin)
    assess(engagement, [True] * ScopeQuestion.objects.count(), user=admin)
    make_request(engagement, user=admin)
    make_contract(engagement)
    make_quote(user=admin, engagement=engagement, lines=[(RateCardEntryFactory(), "2")])
    IncentiveRateFactory()
    LineDisputeFactory(line=StatementLineFactory())
    SurveyImportFactory()
    responses(customer, [Rating.VERY_SATISFIED, list(Rating)[-1]])
    make_finding(customer=customer)
    NotificationPreferenceFactory(user=admin)
    DeliveryFactory(user=admin)
    return {"admin": admin, "authorization": token_header(admin)}


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """``seed`` once for the module, in a transaction rolled back at its end (each test's own
    transaction, and each example's savepoint, nest inside it)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield seed()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module", autouse=True)
def summary(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    result = {
        "operations": len(CASES),
        "cases": sum(CASES.values()),
        "statuses": {str(code): count for code, count in sorted(STATUSES.items())},
    }
    cache = getattr(request.config, "cache", None)
    if cache is not None:
        cache.set(f"frpdesk/api_fuzz/{worker}", result)
    print(
        f"\nschemathesis ({worker}): {result['cases']} cases over {result['operations']} "
        f"operations; statuses {result['statuses']}"
    )


@pytest.fixture
def wsgi_requests(seeded: dict[str, Any], db: None) -> Iterator[list[str]]:
    """Requests in the test's transaction (as Django's test client does: the request signals
    must not close its connection), and the tracebacks of the views that raised."""
    tracebacks: list[str] = []

    def note_exception(sender: Any, request: Any = None, **kwargs: Any) -> None:
        tracebacks.append("".join(traceback.format_exception(*sys.exc_info())))

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(note_exception)
    try:
        yield tracebacks
    finally:
        got_request_exception.disconnect(note_exception)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_api(case: schemathesis.Case, seeded: dict[str, Any], wsgi_requests: list[str]) -> None:
    CASES[case.operation.label] += 1
    wsgi_requests.clear()
    with transaction.atomic():
        response = case.call(headers={"Authorization": seeded["authorization"]})
        transaction.set_rollback(True)
    STATUSES[response.status_code] += 1
    if response.status_code >= 500:
        pytest.fail(
            f"{case.operation.label} answered {response.status_code}:\n"
            + "\n".join(wsgi_requests)
            + "\n"
            + case.as_curl_command()
        )
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
    if case.method.upper() != case.operation.method.upper():
        return  # a method the path does not document (405, or DRF's OPTIONS description)
    documented = case.operation.definition.raw.get("responses", {})
    assert str(response.status_code) in documented or 400 <= response.status_code < 500, (
        f"{case.operation.label} answered {response.status_code}, not in {sorted(documented)}"
    )


def test_served_schema_is_the_fuzzed_one(client: Any, program_admin: Any) -> None:
    client.force_login(program_admin)
    served = client.get("/api/schema/", {"format": "json"})
    assert served.status_code == 200
    assert json.loads(served.content) == DOCUMENT
