#!/usr/bin/env python
"""Load test: a realistic mix of pages, API reads, writes and imports against gunicorn + PostgreSQL.

    .venv/bin/python benchmarks/load_test.py                   # 50 users, 60 s, gunicorn 3x4
    .venv/bin/python benchmarks/load_test.py --gunicorn 3x4 --gunicorn 5x1 --gunicorn 3x4:60

Needs the ``load`` extra (``pip install -e '.[dev,load]'``: locust and gunicorn). Everything stays
on the loopback interface: PostgreSQL on 127.0.0.1 (the only database this test accepts), gunicorn
bound to 127.0.0.1 on a free port, locust talking to it; mail stays in memory and Microsoft Graph
points at a closed local port.

1. Creates a throwaway PostgreSQL database ``frpdesk_load_<pid>`` (dropped at the end unless
   ``--keep``), migrates it, generates a portfolio with ``portfolio_data.generate_portfolio``
   (5,000 customers, 10,000 engagements, a year of usage; about 2 minutes, not timed), runs the
   compliance checks once (as the daily schedule would) and ``ANALYZE`` (as autovacuum would
   after a bulk load: without statistics PostgreSQL misplans and JIT-compiles, and the dashboard
   took 21 s). Creates an account per locust user for each role (one password hash for all), each
   with an API token (``issue_api_token``: write scope for the roles that change things, read
   scope for the others). Consultants and sales people see only their teams' customers: their
   accounts join one team that serves every customer, so each of their queries pays for the team
   filter.
2. Starts ``gunicorn frpdesk.wsgi:application`` bound to 127.0.0.1 (``--gunicorn
   WORKERSxTHREADS``: ``5x1`` is 5 sync workers, ``3x4`` 3 gthread workers of 4 threads;
   ``3x4:60`` the same with persistent database connections, ``CONN_MAX_AGE=60``, through a
   settings module that wraps frpdesk's: an experiment, frpdesk has no setting for it yet;
   repeatable: the configurations run one after the other against the same database). The
   server logs at INFO in JSON, as in production: one line per request with Django's own time.
   Waits for ``/health/``, probes the portfolio dashboard (in the mix only if it answers 200) and
   warms the workers up (not counted).
3. Runs locust in-process (``locust.env.Environment``, a local runner, no web UI): ``--users``
   (50) users spawned at ``--spawn-rate`` (10) a second. Each signs in once through
   ``/accounts/login/`` (GET for the CSRF token, then POST) and uses its API token for ``/api/``.
   Once all have signed in, the measured run lasts ``--duration`` seconds (60); the sign-ins
   (PBKDF2, about 0.5 s of CPU each) are reported apart. Users per role: 30 delivery consultants
   and 8 program administrators (reads, writes, imports), 4 executives (more dashboard), 4 sales
   and 4 auditors (reads). Between two actions a user thinks ``--wait-min``..``--wait-max``
   seconds (2–10: someone reading a page before the next click; 0.5–3 is a stress test). The
   actions and their weights (per consultant):

   reads (≈ 91 %): customer list (default 4, filtered 6, deep pages 3), customer detail 8,
   engagement list (default 2, filtered 3, deep pages 1), engagement detail 6, claims list 3,
   portfolio dashboard 2, API customers ``?page=N`` 4, API customer 2, API engagements 3, API
   engagement 2, API claims 2;
   writes (≈ 7 %): a customer ``PATCH`` with ``If-Match`` (after a GET for the ETag) 2, a status
   note ``POST /api/engagements/{id}/notes/`` 2;
   import (≈ 2 %): a licence CSV ``POST /api/customers/{id}/licenses/`` 1 (the tenant's newest
   snapshot with each count moved by up to 10 %).

   Each writing user edits only its own slice of customers and engagements, so no two users
   race for one record: a 409 would be a bug, and counts as an error. A response is an error
   unless its status is the one expected (200 for pages and reads, a 302 to the home page for
   the sign-in, 200 for a PATCH, 201 for a note, 200/201 for an import): a page that redirects to
   the sign-in page is an error. Requests carry ``Connection: close``, as a reverse proxy talks
   to gunicorn, and an ``X-Request-ID`` that ties each request log line to its request type.
4. Prints, per request type and overall: count, errors, requests/s, p50, p95, p99 and max
   response time (measured by locust around each request, body included; exact nearest-rank
   percentiles) and Django's own p50 and p95 (from the request log; the difference is time
   queued in gunicorn or waiting for a CPU); the errors by message and the app's ERROR log lines;
   the ramp-up; per 10-second slice the requests, p50/p95 and load average; the CPU time of
   gunicorn (master and workers, psutil) per request; PostgreSQL's connections opened and time
   spent executing statements (``pg_stat_database``); then "goal met"/"goal missed" for zero
   errors and for p95 < 300 ms.

The machine is often shared: compare figures taken under similar load averages. Stops gunicorn
(SIGTERM, then SIGKILL after 15 s) and drops the database on every exit, Ctrl-C included. Exit
status 0 when the test ran (goals met or not), 1 when it could not run (gunicorn did not start,
users could not sign in, ...).

Options: ``--users 50``, ``--spawn-rate 10``, ``--duration 60``, ``--wait-min 2``,
``--wait-max 10``, ``--gunicorn 3x4`` (repeatable), ``--customers 5000``, ``--engagements 10000``,
``--months 12``, ``--seed 1``, ``--database-url postgres`` (a server on 127.0.0.1; the database
name defaults to ``frpdesk_load_<pid>`` and must not exist), ``--keep`` (keep the database and
print its URL), ``--reuse URL`` (run against a database kept earlier: no creation, no generation,
not dropped; the accounts of earlier runs are deactivated).
"""

# locust patches the standard library for gevent when it is imported: before anything else.
from locust import FastHttpUser, between, task  # isort: skip
from locust.env import Environment  # isort: skip

import argparse
import contextlib
import datetime
import itertools
import json
import math
import os
import random
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import _benchlib as bench
import gevent
import psutil

GOAL_P95_MS = 300.0
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
PASSWORD = "load-" + uuid.uuid4().hex  # one password, hashed once, for every account
LOGIN = "/accounts/login/"

# Locust users per role (weights: with 50 users, exactly these counts) and who writes.
ROLE_WEIGHTS = {
    "Delivery consultant": 30,
    "Program administrator": 8,
    "Executive": 4,
    "Sales": 4,
    "Auditor": 4,
}
WRITING_ROLES = ("Delivery consultant", "Program administrator")

# --- the plan the locust users follow (filled in before the run) --------------------------------


@dataclass
class Plan:
    customer_ids: list[int] = field(default_factory=list)
    engagement_ids: list[int] = field(default_factory=list)
    open_engagement_ids: list[int] = field(default_factory=list)
    owner_ids: list[int] = field(default_factory=list)
    tenant_ids: list[str] = field(default_factory=list)
    workloads: list[str] = field(default_factory=list)
    phases: list[str] = field(default_factory=list)
    claim_states: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    claims: int = 0
    # customer -> the lines of its newest licence snapshot (part, enabled, suspended, warning,
    # consumed): the licence imports send them back slightly changed
    licences: dict[int, list[tuple[str, int, int, int, int]]] = field(default_factory=dict)
    accounts: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # role -> (user, key)
    users: int = 50
    dashboard: bool = True
    today: datetime.date = field(default_factory=datetime.date.today)

    def pages(self, rows: int, per_page: int) -> int:
        return max(1, math.ceil(rows / per_page))


PLAN = Plan()
_account_counters: dict[str, Iterator[int]] = {}
_user_numbers = itertools.count()
_signed_in = [0]
# Every request carries X-Request-ID "lt-<phase><code>-<n>": the server's request log (one JSON
# line per request, with its Django time) then tells which request type each line belongs to.
PHASE = ["r"]  # "r" while users are starting and signing in, "s" during the measured run
NAME_CODES: dict[str, str] = {}
_request_numbers = itertools.count()


def request_id(name: str) -> str:
    code = NAME_CODES.setdefault(name, f"{len(NAME_CODES):02d}")
    return f"lt-{PHASE[0]}{code}-{next(_request_numbers)}"


class PortfolioUser(FastHttpUser):
    """A signed-in user of one role: pages with the session cookie, the API with a token."""

    abstract = True
    role = ""
    wait_time = between(0.5, 3.0)
    connection_timeout = 30.0
    network_timeout = 60.0

    def on_start(self) -> None:
        self.number = next(_user_numbers)
        pool = PLAN.accounts[self.role]
        counter = _account_counters.setdefault(self.role, itertools.count())
        self.username, key = pool[next(counter) % len(pool)]
        self.api = {"Authorization": f"Token {key}", "Accept": "application/json"}
        # This user's own records for writes: no two users edit the same customer or engagement.
        self.own_customers = PLAN.customer_ids[self.number :: PLAN.users] or PLAN.customer_ids
        self.own_engagements = (
            PLAN.open_engagement_ids[self.number :: PLAN.users] or PLAN.open_engagement_ids
        )
        self.own_licensed = [c for c in self.own_customers if c in PLAN.licences] or list(
            PLAN.licences
        )
        self.rng = random.Random(self.number)
        self.sign_in()

    def sign_in(self) -> None:
        page = self.call("GET", LOGIN, "sign-in GET /accounts/login/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text or "")
        if not match:
            raise RuntimeError(f"no CSRF token on the sign-in page ({page.status_code})")
        body = urlencode(
            {
                "csrfmiddlewaretoken": match.group(1),
                "username": self.username,
                "password": PASSWORD,
                "next": "",
            }
        )
        self.call(
            "POST",
            LOGIN,
            "sign-in POST /accounts/login/",
            expect=(302,),
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        _signed_in[0] += 1

    # --- helpers ------------------------------------------------------------------------------

    def call(
        self,
        method: str,
        url: str,
        name: str,
        *,
        expect: tuple[int, ...] = (200,),
        api: bool = False,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """One request; an error unless its status is expected. Redirects are not followed: a
        page that sends the user to the sign-in page is an error. A sign-in must go home.

        ``Connection: close``, as a reverse proxy talks to gunicorn (nginx opens a connection per
        request unless told otherwise); it also avoids reusing a connection that gunicorn's
        2-second keep-alive is closing at that very moment, which a client cannot retry safely
        for a POST."""
        headers = {
            **(self.api if api else {}),
            **(headers or {}),
            "X-Request-ID": request_id(name),
            "Connection": "close",
        }
        with self.client.request(
            method,
            url,
            name=name,
            headers=headers,
            catch_response=True,
            allow_redirects=False,
            **kwargs,
        ) as response:
            location = (response.headers.get("location") if response.headers else None) or ""
            if response.status_code not in expect:
                detail = f" -> {location}" if location else ""
                if not response.status_code:  # no answer: the connection failed or timed out
                    detail = f" ({type(response.error).__name__}: {response.error})"
                response.failure(f"HTTP {response.status_code}{detail}")
            elif response.status_code == 302 and location != "/":
                response.failure(f"HTTP 302 -> {location}")
            return response

    def page(self, url: str, name: str) -> None:
        self.call("GET", url, name)

    def api_get(self, url: str, name: str) -> Any:
        return self.call("GET", url, name, api=True)

    def pick(self, values: list[Any]) -> Any:
        return self.rng.choice(values)

    # --- pages --------------------------------------------------------------------------------

    @task(4)
    def customer_list(self) -> None:
        self.page("/customers/", "page GET /customers/ (default)")

    @task(6)
    def customer_list_filtered(self) -> None:
        p = self.pick
        query = p(
            [
                {"eligible": "true"},
                {"eligible": "true", "workload": p(PLAN.workloads), "sort": "-eligible_seats"},
                {"search": p(PLAN.words)},
                {"search": p(PLAN.tenant_ids)},
                {"country": p(PLAN.countries), "segment": p(PLAN.segments)},
                {"owner": p(PLAN.owner_ids), "sort": "name"},
                {"has_licences": "false"},
                {"sort": "-eligible_seats"},
            ]
        )
        self.page("/customers/?" + urlencode(query), "page GET /customers/?<filters>")

    @task(3)
    def customer_list_deep(self) -> None:
        page = self.rng.randint(2, PLAN.pages(len(PLAN.customer_ids), 25))
        self.page(f"/customers/?page={page}", "page GET /customers/?page=N")

    @task(8)
    def customer_detail(self) -> None:
        self.page(f"/customers/{self.pick(PLAN.customer_ids)}/", "page GET /customers/{id}/")

    @task(2)
    def engagement_list(self) -> None:
        self.page("/engagements/", "page GET /engagements/ (default)")

    @task(3)
    def engagement_list_filtered(self) -> None:
        p = self.pick
        query = p(
            [
                {"open": "true"},
                {"open": "true", "phase": p(PLAN.phases)},
                {"workload": p(PLAN.workloads)},
                {"stale": "true"},
                {"owner": p(PLAN.owner_ids), "open": "true"},
                {"search": p(PLAN.words)},
            ]
        )
        self.page("/engagements/?" + urlencode(query), "page GET /engagements/?<filters>")

    @task(1)
    def engagement_list_deep(self) -> None:
        page = self.rng.randint(2, PLAN.pages(len(PLAN.engagement_ids), 25))
        self.page(f"/engagements/?page={page}", "page GET /engagements/?page=N")

    @task(6)
    def engagement_detail(self) -> None:
        self.page(f"/engagements/{self.pick(PLAN.engagement_ids)}/", "page GET /engagements/{id}/")

    @task(3)
    def claim_list(self) -> None:
        query = self.pick(
            [
                {},
                {"state": self.pick(PLAN.claim_states)},
                {"overdue": "true"},
                {"page": self.rng.randint(2, PLAN.pages(PLAN.claims, 25))},
            ]
        )
        self.page("/claims/" + ("?" + urlencode(query) if query else ""), "page GET /claims/")

    @task(2)
    def portfolio_dashboard(self) -> None:
        if PLAN.dashboard:
            self.page("/dashboards/portfolio/", "page GET /dashboards/portfolio/")

    # --- API reads ----------------------------------------------------------------------------

    @task(4)
    def api_customers(self) -> None:
        page = self.rng.randint(1, PLAN.pages(len(PLAN.customer_ids), 50))
        self.api_get(f"/api/customers/?page={page}", "api GET /api/customers/?page=N")

    @task(2)
    def api_customer(self) -> None:
        self.api_get(
            f"/api/customers/{self.pick(PLAN.customer_ids)}/", "api GET /api/customers/{id}/"
        )

    @task(3)
    def api_engagements(self) -> None:
        page = self.rng.randint(1, PLAN.pages(len(PLAN.open_engagement_ids), 50))
        self.api_get(
            f"/api/engagements/?open=true&page={page}", "api GET /api/engagements/?open=true&page=N"
        )

    @task(2)
    def api_engagement(self) -> None:
        self.api_get(
            f"/api/engagements/{self.pick(PLAN.engagement_ids)}/", "api GET /api/engagements/{id}/"
        )

    @task(2)
    def api_claims(self) -> None:
        query = self.pick(
            [
                {"page": self.rng.randint(1, PLAN.pages(PLAN.claims, 50))},
                {"state": self.pick(PLAN.claim_states)},
            ]
        )
        self.api_get("/api/claims/?" + urlencode(query), "api GET /api/claims/")


class WritingUser(PortfolioUser):
    abstract = True

    @task(2)
    def patch_customer(self) -> None:
        """Read the customer's version (ETag), change its notes, send the version back."""
        customer = self.pick(self.own_customers)
        url = f"/api/customers/{customer}/"
        response = self.api_get(url, "api GET /api/customers/{id}/")
        etag = response.headers.get("etag") if response.headers else None
        if response.status_code != 200 or not etag:
            return
        self.call(
            "PATCH",
            url,
            "api PATCH /api/customers/{id}/ (If-Match)",
            api=True,
            json={"notes": f"Reviewed under load by {self.username} at {time.time():.3f}."},
            headers={"If-Match": etag},
        )

    @task(2)
    def add_status_note(self) -> None:
        engagement = self.pick(self.own_engagements)
        self.call(
            "POST",
            f"/api/engagements/{engagement}/notes/",
            "api POST /api/engagements/{id}/notes/",
            expect=(201,),
            api=True,
            json={
                "onboarding_scope": "Pilot group of 200 users onboarded; wave 2 scheduled.",
                "risks": "Change board meets fortnightly.",
                "next_action": "Run the wave 2 readiness check with the IT lead",
                "next_action_on": (PLAN.today + datetime.timedelta(days=7)).isoformat(),
            },
        )

    @task(1)
    def import_licences(self) -> None:
        """Today's licences of one of this user's tenants: its newest snapshot with each count
        moved by up to 10 % (a snapshot created, then replaced by later uploads)."""
        customer = self.pick(self.own_licensed)
        lines = ["sku_part_number,enabled,suspended,warning,consumed"]
        for part, enabled, suspended, warning, consumed in PLAN.licences[customer]:
            enabled = round(enabled * self.rng.uniform(0.9, 1.1))
            consumed = min(enabled, round(consumed * self.rng.uniform(0.9, 1.1)))
            lines.append(f"{part},{enabled},{suspended},{warning},{consumed}")
        boundary = uuid.uuid4().hex
        body = (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="licences.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n" + "\r\n".join(lines) + "\r\n"
            f"--{boundary}--\r\n"
        ).encode()
        self.call(
            "POST",
            f"/api/customers/{customer}/licenses/",
            "api POST /api/customers/{id}/licenses/ (CSV)",
            expect=(200, 201),
            api=True,
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )


class DeliveryConsultant(WritingUser):
    weight = ROLE_WEIGHTS["Delivery consultant"]
    role = "Delivery consultant"


class ProgramAdministrator(WritingUser):
    weight = ROLE_WEIGHTS["Program administrator"]
    role = "Program administrator"


class Executive(PortfolioUser):
    weight = ROLE_WEIGHTS["Executive"]
    role = "Executive"

    @task(4)
    def portfolio_dashboard_again(self) -> None:  # executives look at the dashboard more
        self.portfolio_dashboard()


class Sales(PortfolioUser):
    weight = ROLE_WEIGHTS["Sales"]
    role = "Sales"


class Auditor(PortfolioUser):
    weight = ROLE_WEIGHTS["Auditor"]
    role = "Auditor"


USER_CLASSES = [DeliveryConsultant, ProgramAdministrator, Executive, Sales, Auditor]


# --- the database -----------------------------------------------------------------------------


def loopback_url(url: str) -> str:
    url = url.strip() or "postgres"
    if url == "postgres":
        url = bench.DEFAULT_POSTGRES_URL
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SystemExit("the load test runs on PostgreSQL only: --database-url postgres://…")
    if (parts.hostname or "") not in LOOPBACK:
        raise SystemExit(
            f"the load test stays on the loopback interface; got host {parts.hostname!r}"
        )
    return url


@contextlib.contextmanager
def load_database(url: str, *, keep: bool, reuse: bool) -> Iterator[tuple[str, bool]]:
    """Create ``frpdesk_load_<pid>`` (or the named database), set Django up on it, migrate.

    Yields (url, created). Dropped at the end unless ``keep`` or ``reuse``.
    """
    import psycopg
    from psycopg import sql

    temp_dir = Path(tempfile.mkdtemp(prefix="frpdesk-load-"))
    os.environ["FRPDESK_DATA_DIR"] = str(temp_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "frpdesk.settings"
    os.environ["FRPDESK_LOG_LEVEL"] = "WARNING"
    os.environ.pop("FRPDESK_DEBUG", None)
    os.environ.pop("FRPDESK_HTTPS", None)
    # Nothing leaves the machine: mail stays in memory, Microsoft Graph points at a closed port.
    os.environ["FRPDESK_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["FRPDESK_GRAPH_URL"] = "http://127.0.0.1:9"
    os.environ["FRPDESK_GRAPH_LOGIN_URL"] = "http://127.0.0.1:9"
    os.environ["FRPDESK_ALLOWED_HOSTS"] = "127.0.0.1"
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or f"frpdesk_load_{os.getpid()}"
    url = urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))
    admin = bench._postgres_admin_kwargs(url)
    created = False
    try:
        with psycopg.connect(**admin) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if exists and not reuse:
                raise SystemExit(f"refusing to run on the existing PostgreSQL database {name!r}")
            if not exists and reuse:
                raise SystemExit(f"--reuse: no PostgreSQL database {name!r}")
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                created = True
        os.environ["DATABASE_URL"] = url
        import django
        from django.core.management import call_command

        django.setup()
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        print(f"[setup] {name}: migrate took {time.perf_counter() - started:.1f} s")
        yield url, created
    finally:
        if "django" in sys.modules:
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
        if created and not keep:
            with psycopg.connect(**admin) as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
            print(f"[cleanup] dropped {name}")
        elif created or reuse:
            print(
                f"[cleanup] kept {url} (reuse it with --reuse {url}; drop it with "
                f"psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE {name}')"
            )
        import shutil

        shutil.rmtree(temp_dir, ignore_errors=True)


def generate(args: argparse.Namespace) -> None:
    from portfolio_data import generate_portfolio

    portfolio = generate_portfolio(
        customers=args.customers, engagements=args.engagements, months=args.months, seed=args.seed
    )
    print(f"[setup] portfolio generated in {portfolio.seconds:.1f} s: {portfolio.summary()}")
    try:
        from frpdesk.compliance.models import Trigger
        from frpdesk.compliance.services import run_checks
    except ImportError as error:  # the compliance area is being written by another helper
        print(f"[setup] compliance checks not run: {error}")
        return
    started = time.perf_counter()
    run = run_checks(trigger=Trigger.COMMAND, acting_user=None)
    print(
        f"[setup] compliance checks run once ({run.status}, {run.failing:,} failing) in "
        f"{time.perf_counter() - started:.1f} s"
    )


def analyze_database() -> None:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"[setup] ANALYZE took {time.perf_counter() - started:.1f} s")


def create_accounts(users: int) -> dict[str, list[tuple[str, str]]]:
    """An account per locust user of each role, plus one (one password hash for all), each with
    an API token. Accounts of an earlier run (``--reuse``) are deactivated: the owner drop-downs
    list active users, and a partner has dozens of them, not hundreds."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from frpdesk.accounts.models import Team, TokenScope, User
    from frpdesk.accounts.roles import ROLE_PRESETS
    from frpdesk.accounts.services import issue_api_token
    from frpdesk.customers.models import Customer

    User.objects.filter(username__startswith="load-", is_active=True).update(is_active=False)
    team, _ = Team.objects.get_or_create(name="Load test delivery")
    Customer.objects.update(team=team)
    password_hash = make_password(PASSWORD)
    run = uuid.uuid4().hex[:6]
    accounts: dict[str, list[tuple[str, str]]] = {}
    total_weight = sum(ROLE_WEIGHTS.values())
    for role, weight in ROLE_WEIGHTS.items():
        slug = role.lower().replace(" ", "-")
        count = math.ceil(users * weight / total_weight) + 1
        people = User.objects.bulk_create(
            User(
                username=f"load-{run}-{slug}-{number:02d}",
                email=f"load-{run}-{slug}-{number:02d}@contoso-consulting.example",
                first_name=role,
                last_name=f"{number:02d}",
                password=password_hash,
            )
            for number in range(count)
        )
        group = Group.objects.get(name=role)
        User.groups.through.objects.bulk_create(
            User.groups.through(user_id=person.pk, group_id=group.pk) for person in people
        )
        if not ROLE_PRESETS[role].all_customers:
            # Consultants and sales people see their teams' customers: one team serving the whole
            # portfolio, so they reach every customer of the plan through the team filter.
            team.members.add(*people)
        scope = TokenScope.WRITE if role in WRITING_ROLES else TokenScope.READ
        accounts[role] = []
        for person in people:
            _token, key = issue_api_token(acting_user=person, name="load test", scope=scope, days=1)
            accounts[role].append((person.username, key))
    return accounts


def fill_plan(users: int) -> dict[str, int]:
    """What the users pick from; returns the data sizes."""
    from django.utils import timezone

    from frpdesk.accounts.models import User
    from frpdesk.adoption.models import UsagePoint
    from frpdesk.catalog.models import DeliveryPhase, Workload
    from frpdesk.claims.models import Claim, ClaimState
    from frpdesk.customers.models import Customer, Segment
    from frpdesk.engagements.models import Engagement, StatusNote
    from frpdesk.licensing.models import SnapshotLine

    PLAN.users = users
    PLAN.today = timezone.localdate()
    PLAN.customer_ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
    PLAN.tenant_ids = [
        str(t) for t in Customer.objects.order_by("?").values_list("tenant_id", flat=True)[:200]
    ]
    PLAN.engagement_ids = list(Engagement.objects.order_by("pk").values_list("pk", flat=True))
    PLAN.open_engagement_ids = list(
        Engagement.objects.filter(closed_on__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    PLAN.owner_ids = sorted(
        set(Customer.objects.exclude(owner=None).values_list("owner_id", flat=True))
    )
    PLAN.workloads = list(Workload.objects.values_list("code", flat=True))
    PLAN.phases = list(DeliveryPhase.objects.values_list("code", flat=True))
    PLAN.claim_states = list(ClaimState.values)
    PLAN.countries = sorted(set(Customer.objects.values_list("country", flat=True).distinct()))
    PLAN.segments = list(Segment.values)
    PLAN.words = ["Contoso", "Northwind", "Fabrikam Bank", "woodgrove", "Tailspin Travel", "00042"]
    PLAN.claims = Claim.objects.count()
    newest: dict[int, Any] = {}
    PLAN.licences = {}
    for customer, as_of, *line in SnapshotLine.objects.order_by(
        "snapshot__customer_id", "-snapshot__as_of", "pk"
    ).values_list(
        "snapshot__customer_id",
        "snapshot__as_of",
        "sku_part_number",
        "enabled",
        "suspended",
        "warning",
        "consumed",
    ):
        if newest.setdefault(customer, as_of) == as_of:
            PLAN.licences.setdefault(customer, []).append(tuple(line))  # type: ignore[arg-type]
    if not (PLAN.customer_ids and PLAN.open_engagement_ids and PLAN.owner_ids):
        raise SystemExit("the portfolio has no customers, open engagements or owners")
    return {
        "customers": len(PLAN.customer_ids),
        "engagements": len(PLAN.engagement_ids),
        "open engagements": len(PLAN.open_engagement_ids),
        "claims": PLAN.claims,
        "status notes": StatusNote.objects.count(),
        "licence lines": SnapshotLine.objects.count(),
        "usage points": UsagePoint.objects.count(),
        "users": User.objects.count(),
    }


# --- gunicorn ---------------------------------------------------------------------------------


@dataclass
class ServerConfig:
    workers: int
    threads: int
    conn_max_age: int | None = None  # None: frpdesk's settings as they are

    @classmethod
    def parse(cls, text: str) -> "ServerConfig":
        match = re.fullmatch(r"(\d+)x(\d+)(?::(\d+))?", text.strip())
        if not match or int(match.group(1)) < 1 or int(match.group(2)) < 1:
            raise argparse.ArgumentTypeError(
                f"WORKERSxTHREADS[:CONN_MAX_AGE], e.g. 3x4 or 3x4:60; got {text!r}"
            )
        age = int(match.group(3)) if match.group(3) is not None else None
        return cls(int(match.group(1)), int(match.group(2)), age)

    @property
    def worker_class(self) -> str:
        return "gthread" if self.threads > 1 else "sync"

    def __str__(self) -> str:
        text = f"{self.workers} {self.worker_class} workers x {self.threads} threads"
        if self.conn_max_age is not None:
            text += f", CONN_MAX_AGE={self.conn_max_age}"
        return text

    def environment(self, directory: Path) -> dict[str, str]:
        """The server's environment: frpdesk's settings, or with ``:N`` the same settings with
        persistent database connections (an experiment: frpdesk has no setting for it yet)."""
        env = {**os.environ, "FRPDESK_LOG_LEVEL": "INFO", "FRPDESK_LOG_FORMAT": "json"}
        if self.conn_max_age is not None:
            module = directory / "frpdesk_load_settings.py"
            module.write_text(
                "from frpdesk.settings import *  # noqa: F403\n\n"
                f'DATABASES["default"]["CONN_MAX_AGE"] = {self.conn_max_age}  # noqa: F405\n'
                'DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405\n'
            )
            env["DJANGO_SETTINGS_MODULE"] = "frpdesk_load_settings"
            env["PYTHONPATH"] = os.pathsep.join(
                filter(None, [str(directory), os.environ.get("PYTHONPATH", "")])
            )
        return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(config: ServerConfig, log_path: Path) -> Iterator[tuple[str, psutil.Process]]:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "frpdesk.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(config.workers),
        "--threads",
        str(config.threads),
        "--worker-class",
        config.worker_class,
        "--timeout",
        "60",
        "--graceful-timeout",
        "10",
        "--log-level",
        "warning",
        "--error-logfile",
        str(log_path),
    ]
    # As in production: one log line per request at INFO, here as JSON (request ID, duration).
    env = config.environment(log_path.parent)
    log = log_path.open("ab")
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(process, base, log_path)
        yield base, psutil.Process(process.pid)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def wait_until_up(process: subprocess.Popen[bytes], base: str, log_path: Path) -> None:
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{tail(log_path)}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{base}/health/", timeout=5).status_code in (200, 503):
                return
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer within 60 s:\n{tail(log_path)}")


def tail(path: Path, lines: int = 30) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


def signed_in_session(base: str, username: str) -> Any:
    import requests

    session = requests.Session()
    page = session.get(f"{base}{LOGIN}", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if not token:
        raise RuntimeError("no CSRF token on the sign-in page")
    answer = session.post(
        f"{base}{LOGIN}",
        data={"csrfmiddlewaretoken": token.group(1), "username": username, "password": PASSWORD},
        allow_redirects=False,
        timeout=60,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"sign-in of {username} answered {answer.status_code}")
    return session


def probe_and_warm_up(base: str, config: ServerConfig) -> str:
    """Whether the dashboard answers; then every worker serves each kind of page (not counted)."""
    username, key = PLAN.accounts["Program administrator"][-1]
    session = signed_in_session(base, username)
    answer = session.get(f"{base}/dashboards/portfolio/", allow_redirects=False, timeout=60)
    PLAN.dashboard = answer.status_code == 200
    note = (
        "portfolio dashboard answers 200: in the mix"
        if PLAN.dashboard
        else f"portfolio dashboard answered {answer.status_code}: left out of the mix"
    )
    customer, engagement = PLAN.customer_ids[0], PLAN.engagement_ids[0]
    pages = [
        "/customers/",
        "/customers/?eligible=true",
        f"/customers/{customer}/",
        "/engagements/",
        "/engagements/?open=true",
        f"/engagements/{engagement}/",
        "/claims/",
        *(["/dashboards/portfolio/"] if PLAN.dashboard else []),
    ]
    api = ["/api/customers/", f"/api/customers/{customer}/", "/api/engagements/", "/api/claims/"]
    headers = {"Authorization": f"Token {key}"}

    def warm() -> None:
        for url in pages:
            session.get(f"{base}{url}", allow_redirects=False, timeout=60)
        for url in api:
            session.get(f"{base}{url}", headers=headers, timeout=60)

    greenlets = [gevent.spawn(warm) for _ in range(config.workers * min(config.threads, 2))]
    gevent.joinall(greenlets)
    return note


# --- the run ----------------------------------------------------------------------------------


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: Counter[str] = field(default_factory=Counter)
    messages: Counter[str] = field(default_factory=Counter)
    app_times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    server_errors: Counter[str] = field(default_factory=Counter)  # logged at ERROR by the app
    timeline: list[tuple[float, float]] = field(default_factory=list)  # (started at, ms)
    started: float = 0.0  # time.time() when the measured run began
    loads: list[float] = field(default_factory=list)
    seconds: float = 0.0
    server_cpu: float = 0.0
    database: tuple[int, float, int] = (0, 0.0, 0)  # connections, seconds active, commits
    client_cpu: float = 0.0

    def add(self, name: str, response_time: float, exception: Any, started: float) -> None:
        self.times[name].append(response_time)
        self.timeline.append((started, response_time))
        if exception is not None:
            self.failures[name] += 1
            self.messages[f"{name}: {str(exception)[:160]}"] += 1

    def all_times(self) -> list[float]:
        return [value for times in self.times.values() for value in times]


def cpu_seconds(process: psutil.Process) -> float:
    total = 0.0
    for proc in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            times = proc.cpu_times()
            total += times.user + times.system
    return total


def database_activity() -> tuple[int, float, int]:
    """This database's connections opened, seconds spent executing statements and commits so
    far (pg_stat_database, PostgreSQL 14+; statistics are flushed about once a second)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT sessions, active_time, xact_commit FROM pg_stat_database "
            "WHERE datname = current_database()"
        )
        sessions, active_ms, commits = cursor.fetchone()
    connection.close()  # not held open during the run
    return int(sessions), float(active_ms) / 1000, int(commits)


def read_request_log(log_path: Path, offset: int, steady: Results, ramp: Results) -> None:
    """Django's time per request (the request log's ``duration_ms``), by request type."""
    names = {code: name for name, code in NAME_CODES.items()}
    with log_path.open("rb") as log:
        log.seek(offset)
        for raw in log:
            if not raw.startswith(b"{"):
                continue
            with contextlib.suppress(ValueError):
                line = json.loads(raw)
                if line.get("level") in ("ERROR", "CRITICAL"):
                    exception = (line.get("exception") or "").strip().splitlines()
                    steady.server_errors[
                        f"{line.get('message', '')[:120]} {exception[-1][:160] if exception else ''}"
                    ] += 1
                match = re.fullmatch(r"lt-([rs])(\d+)-\d+", line.get("request_id") or "")
                if match and "duration_ms" in line and match.group(2) in names:
                    target = steady if match.group(1) == "s" else ramp
                    target.app_times[names[match.group(2)]].append(float(line["duration_ms"]))


def run_locust(
    base: str, server: psutil.Process, args: argparse.Namespace
) -> tuple[Results, Results, float]:
    """Start the users; once all have signed in, measure ``--duration`` seconds.

    A request belongs to the measured run when it *started* in it (one that started during the
    ramp-up and ended later, stuck behind the sign-ins, is the ramp-up's); the requests still
    running when the run ends get up to 15 s to finish before the users stop. Returns the
    measured run, the ramp-up (sign-ins and the requests made meanwhile) and how long the ramp-up
    took.
    """
    global _user_numbers
    ramp, steady = Results(), Results()
    window = [math.inf, math.inf]  # time.time() of the measured run's start and end
    for user_class in USER_CLASSES:
        user_class.wait_time = between(args.wait_min, args.wait_max)
    _user_numbers = itertools.count()
    _account_counters.clear()
    _signed_in[0] = 0
    PHASE[0] = "r"
    env = Environment(user_classes=USER_CLASSES, host=base)

    def on_request(
        name: str, response_time: float, exception: Any, start_time: float, **_kwargs: Any
    ) -> None:
        if start_time < window[0]:
            ramp.add(name, response_time, exception, start_time)
        elif start_time < window[1]:
            steady.add(name, response_time, exception, start_time)

    env.events.request.add_listener(on_request)
    runner = env.create_local_runner()
    started = time.perf_counter()
    runner.start(args.users, spawn_rate=args.spawn_rate)
    ramp_limit = started + args.users / args.spawn_rate + 180
    while _signed_in[0] < args.users and time.perf_counter() < ramp_limit:
        gevent.sleep(0.1)
    if _signed_in[0] < args.users:
        runner.quit()
        raise RuntimeError(f"only {_signed_in[0]} of {args.users} users signed in within the limit")
    ramp_seconds = time.perf_counter() - started

    def sample_load() -> None:
        while True:
            steady.loads.append(os.getloadavg()[0])
            gevent.sleep(10)

    server_before = cpu_seconds(server)
    database_before = database_activity()
    client_before = resource.getrusage(resource.RUSAGE_SELF)
    sampler = gevent.spawn(sample_load)
    PHASE[0] = "s"
    started = time.perf_counter()
    window[0] = steady.started = time.time()
    gevent.sleep(args.duration)
    window[1] = time.time()
    steady.seconds = time.perf_counter() - started
    steady.server_cpu = cpu_seconds(server) - server_before
    steady.database = tuple(  # type: ignore[assignment]
        after - before for after, before in zip(database_activity(), database_before, strict=True)
    )
    client_after = resource.getrusage(resource.RUSAGE_SELF)
    steady.client_cpu = (client_after.ru_utime + client_after.ru_stime) - (
        client_before.ru_utime + client_before.ru_stime
    )
    sampler.kill()
    PHASE[0] = "a"  # after the run: not counted
    gevent.sleep(15)
    runner.quit()
    return steady, ramp, ramp_seconds


def _row(label: str, times: list[float], failures: int, app: list[float], seconds: float) -> str:
    app_cells = (
        f"{bench.percentile(app, 0.50):>8.0f} {bench.percentile(app, 0.95):>8.0f}"
        if app
        else f"{'-':>8} {'-':>8}"
    )
    return (
        f"  {label:<50} {len(times):>6,} {failures:>6,} {len(times) / seconds:>7.2f} "
        f"{bench.percentile(times, 0.50):>7.0f} {bench.percentile(times, 0.95):>7.0f} "
        f"{bench.percentile(times, 0.99):>7.0f} {max(times):>7.0f}  {app_cells}"
    )


def report(
    steady: Results,
    ramp: Results,
    ramp_seconds: float,
    config: ServerConfig,
    args: argparse.Namespace,
) -> dict[str, Any]:
    print(
        f"\n{config}: {args.users} users for {steady.seconds:.0f} s after all had signed in "
        f"(think time {args.wait_min:g}–{args.wait_max:g} s; response times in ms, measured by "
        f"locust; 'app' = Django's own time from the request log)"
    )
    print(
        f"  {'request':<50} {'count':>6} {'errors':>6} {'req/s':>7} {'p50':>7} {'p95':>7} "
        f"{'p99':>7} {'max':>7}  {'app p50':>8} {'app p95':>8}"
    )
    for name in sorted(steady.times):
        print(
            _row(
                name,
                steady.times[name],
                steady.failures[name],
                steady.app_times[name],
                steady.seconds,
            )
        )
    all_times = steady.all_times()
    all_app = [value for times in steady.app_times.values() for value in times]
    errors = sum(steady.failures.values())
    if not all_times:
        print("  no request completed")
        return {
            "config": str(config),
            "rps": 0.0,
            "p50": math.nan,
            "p95": math.nan,
            "p99": math.nan,
            "errors": errors,
            "load": math.nan,
        }
    print(_row("all requests", all_times, errors, all_app, steady.seconds))
    if steady.messages:
        print("  errors:")
        for message, count in steady.messages.most_common(10):
            print(f"    {count:>5} x {message}")
    sign_ins = ramp.times.get("sign-in POST /accounts/login/", [])
    ramp_errors = sum(ramp.failures.values())
    print(
        f"  ramp-up (not in the figures above): {len(sign_ins)} sign-ins in {ramp_seconds:.1f} s, "
        f"POST p50 {bench.percentile(sign_ins, 0.5) if sign_ins else math.nan:.0f} ms, max "
        f"{max(sign_ins, default=math.nan):.0f} ms; {len(ramp.all_times())} requests, "
        f"{ramp_errors} errors" + (": " + "; ".join(ramp.messages) if ramp_errors else "")
    )
    p95 = bench.percentile(all_times, 0.95)
    loads = steady.loads or [os.getloadavg()[0]]
    # Per 10 s: on a shared machine the slow requests come in bursts, when other work takes the
    # CPUs; the 1-minute load average sampled at the start of each slice goes with it.
    slices: dict[int, list[float]] = defaultdict(list)
    for finished, response_time in steady.timeline:
        slices[int((finished - steady.started) // 10)].append(response_time)
    print(
        "  per 10 s (requests, p50/p95 ms, load): "
        + "; ".join(
            f"{len(times)}, {bench.percentile(times, 0.5):.0f}/{bench.percentile(times, 0.95):.0f}"
            + (f", {loads[index]:.1f}" if index < len(loads) else "")
            for index, times in sorted(slices.items())
        )
    )
    print(
        f"  load average (1 min) during the run: mean {sum(loads) / len(loads):.1f}, max "
        f"{max(loads):.1f} on {os.cpu_count()} CPUs; server CPU {steady.server_cpu:.1f} s = "
        f"{1000 * steady.server_cpu / len(all_times):.0f} ms a request "
        f"({steady.server_cpu / steady.seconds:.2f} CPUs); locust {steady.client_cpu:.1f} s CPU"
    )
    connections, active, commits = steady.database
    print(
        f"  PostgreSQL: {connections:,} connections opened ({connections / len(all_times):.2f} a "
        f"request), {active:.1f} s executing statements ({1000 * active / len(all_times):.0f} ms "
        f"a request), {commits:,} commits"
    )
    print(f"  goal zero errors: {'goal met' if errors == 0 else 'goal missed'} ({errors:,} errors)")
    print(
        f"  goal p95 < {GOAL_P95_MS:.0f} ms at {args.users} users: "
        f"{'goal met' if p95 < GOAL_P95_MS else 'goal missed'} (p95 {p95:.0f} ms)"
    )
    return {
        "config": str(config),
        "rps": len(all_times) / steady.seconds,
        "p50": bench.percentile(all_times, 0.5),
        "p95": p95,
        "p99": bench.percentile(all_times, 0.99),
        "errors": errors,
        "load": sum(loads) / len(loads),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent users (default 50)")
    parser.add_argument("--spawn-rate", type=float, default=10.0, help="users started a second")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds (default 60)")
    parser.add_argument("--wait-min", type=float, default=2.0, help="think time (default 2 s)")
    parser.add_argument("--wait-max", type=float, default=10.0, help="think time (default 10 s)")
    parser.add_argument(
        "--gunicorn",
        type=ServerConfig.parse,
        action="append",
        metavar="WORKERSxTHREADS",
        help="gunicorn workers x threads, :N for CONN_MAX_AGE=N (default 3x4; repeatable)",
    )
    parser.add_argument("--customers", type=int, default=5000, help="default 5000")
    parser.add_argument("--engagements", type=int, default=10000, help="default 10000")
    parser.add_argument("--months", type=int, default=12, help="of usage points (default 12)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url",
        default="postgres",
        metavar="URL",
        help=f"a PostgreSQL server on 127.0.0.1 ('postgres': {bench.DEFAULT_POSTGRES_URL}); "
        "without a database name: frpdesk_load_<pid>, created and dropped",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--reuse", metavar="URL", help="a database kept by an earlier --keep run")
    args = parser.parse_args(argv)
    configs = args.gunicorn or [ServerConfig(3, 4)]
    if args.wait_max < args.wait_min or args.users < 1 or args.duration <= 0:
        parser.error("need --wait-min <= --wait-max, --users >= 1 and --duration > 0")
    url = loopback_url(args.reuse or args.database_url)
    if args.reuse and not urlsplit(url).path.strip("/"):
        parser.error("--reuse needs a URL with the database name")

    def terminate(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt  # SIGTERM cleans up as Ctrl-C does

    signal.signal(signal.SIGTERM, terminate)
    summaries = []
    try:
        with load_database(url, keep=args.keep, reuse=bool(args.reuse)) as (url, created):
            if created:
                generate(args)
            # Fresh planner statistics, as autovacuum gathers them soon after a bulk load: without
            # them PostgreSQL guesses a few hundred rows per table, picks poor plans and JIT-compiles
            # queries (0.3 s of a 0.46 s engagement list page; the dashboard took 21 s).
            analyze_database()
            PLAN.accounts = create_accounts(args.users)
            sizes = fill_plan(args.users)
            from django.db import connections

            connections.close_all()
            print(
                "[setup] data: " + ", ".join(f"{count:,} {name}" for name, count in sizes.items())
            )
            log_path = Path(os.environ["FRPDESK_DATA_DIR"]) / "gunicorn.log"
            for config in configs:
                with gunicorn(config, log_path) as (base, server):
                    started = time.perf_counter()
                    note = probe_and_warm_up(base, config)
                    print(
                        f"[server] gunicorn {config} on {base}; {note}; warm-up "
                        f"{time.perf_counter() - started:.1f} s (not counted); load average "
                        f"before the run {os.getloadavg()[0]:.1f}"
                    )
                    offset = log_path.stat().st_size
                    steady, ramp, ramp_seconds = run_locust(base, server, args)
                read_request_log(log_path, offset, steady, ramp)
                summaries.append(report(steady, ramp, ramp_seconds, config, args))
                for message, count in steady.server_errors.most_common(5):
                    print(f"  server log, ERROR: {count} x {message}")
    except KeyboardInterrupt:
        print("\ninterrupted: gunicorn stopped")
        return 130
    except RuntimeError as error:
        print(f"the load test could not run: {error}")
        return 1
    if len(summaries) > 1:
        print("\ngunicorn settings compared")
        for s in summaries:
            print(
                f"  {s['config']:<36} {s['rps']:>6.1f} req/s  p50 {s['p50']:>5.0f} ms  p95 "
                f"{s['p95']:>5.0f} ms  p99 {s['p99']:>5.0f} ms  {s['errors']:>4} errors  "
                f"load {s['load']:.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
