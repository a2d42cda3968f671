"""The users of `bench/api.py`, run by locust: an administrator and an account manager calling the API.

Each user reads the plan `bench/api.py` wrote (tokens, ids and search terms of its own row scope) from the
file named by STRATA_BENCH_API_PLAN. Requests are named "<role>: <what>", the rows of the report.
"""

from __future__ import annotations

import json
import os
import random
from typing import Any
from urllib.parse import urlencode

from locust import FastHttpUser, between, task

with open(os.environ["STRATA_BENCH_API_PLAN"], encoding="utf-8") as plan_file:
    PLAN: dict[str, Any] = json.load(plan_file)
LIST = "/api/customers"
FOLLOWED_PAGES = 3


class ApiUser(FastHttpUser):
    """One API client with a token; think time between calls as a person or a sync job would leave."""

    abstract = True
    role = ""
    wait_time = between(0.1, 0.5)

    def on_start(self) -> None:
        self.plan = PLAN[self.role]
        self.headers = {"Authorization": f"Bearer {self.plan['token']}"}

    def _get(self, what: str, path: str, **params: Any) -> Any:
        query = {k: v for k, v in params.items() if v is not None}
        url = f"{path}?{urlencode(query)}" if query else path
        with self.client.get(
            url, headers=self.headers, name=f"{self.role}: {what}", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}: {(response.text or '')[:200]}")
                return None
            return response.json()

    def _pick(self, key: str) -> Any:
        return random.choice(self.plan[key])

    @task(2)
    def baseline(self) -> None:
        """One row, the cheapest list call: token check, middleware, policy, one indexed row."""
        self._get("baseline: one row (limit=1)", LIST, limit=1)

    @task(3)
    def list_pages(self) -> None:
        page = self._get("list, first page", LIST)
        for _ in range(FOLLOWED_PAGES):
            if not page or not page.get("next_cursor"):
                return
            page = self._get("list, next page (cursor)", LIST, cursor=page["next_cursor"])

    @task
    def list_middle(self) -> None:
        self._get("list, page in the middle (cursor)", LIST, cursor=self.plan["middle_cursor"])

    @task
    def by_region(self) -> None:
        self._get("list by region", LIST, region=self._pick("regions"))

    @task
    def by_type(self) -> None:
        self._get("list by customer type", LIST, customer_type=self._pick("types"))

    @task
    def by_tag(self) -> None:
        self._get("list by tag", LIST, tag=self._pick("tags"))

    @task
    def by_grade(self) -> None:
        extra: dict[str, list[str]] = self.plan.get("grade_filters") or {}
        if extra:
            name = random.choice(sorted(extra))
            self._get(f"list by {name}", LIST, **{name: random.choice(extra[name])})

    @task
    def search_name(self) -> None:
        self._get("search, full name", LIST, q=self._pick("names"))

    @task
    def search_name_start(self) -> None:
        self._get("search, first two characters of a name", LIST, q=self._pick("name_starts"))

    @task
    def search_account(self) -> None:
        self._get("search, account number", LIST, q=self._pick("accounts"))

    @task
    def search_account_prefix(self) -> None:
        self._get("search, account number prefix (7)", LIST, q=self._pick("account_prefixes"))

    @task
    def search_phone(self) -> None:
        if self.plan["phone_prefixes"]:
            self._get("search, phone prefix (7)", LIST, q=self._pick("phone_prefixes"))

    @task(2)
    def detail(self) -> None:
        self._get("detail (360 view)", f"{LIST}/{self._pick('ids')}")


class Administrator(ApiUser):
    role = "admin"


class AccountManager(ApiUser):
    role = "manager"
