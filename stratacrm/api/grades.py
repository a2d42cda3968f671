"""Grade endpoints: current assignments, a customer's grade history, why a customer holds its grades.

Every one reads customers through `customer_scope` (a customer outside it answers 404) and shows
customers as the caller's role sees them (analysts: a pseudonym for a person's name).
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Schema

from stratacrm.accounts.masking import MASKABLE_FIELDS, customer_fields_mask
from stratacrm.accounts.models import User
from stratacrm.accounts.policy import load_policy
from stratacrm.customers.models import Customer
from stratacrm.customers.selectors import customer_get, customer_scope
from stratacrm.paging import keyset_page
from stratacrm.segmentation.explain import RuleExplanation, assignment_explain
from stratacrm.segmentation.live import definition_live
from stratacrm.segmentation.models import Assignment, AssignmentChange

from .auth import PolicyRouter, allow, caller
from .customers import ERRORS
from .run_jobs import RunRefused
from .types import MAX_ID, NO_NUL

router = PolicyRouter(tags=["grades"])
CURSOR = Query(None, max_length=200, pattern=r"^[A-Za-z0-9_-]*$")
LIMIT = Query(50, ge=1, le=500)


class CustomerRef(Schema):
    id: int
    account_number: str
    name: str = Field(..., description="A pseudonym for a person's name when the role sees no names.")


class AssignmentOut(Schema):
    customer: CustomerRef
    dimension: str
    value: str
    rule_name: str
    rule_version: int | None
    score: float | None
    since: Any
    run_id: int | None


class AssignmentPage(Schema):
    items: list[AssignmentOut]
    next_cursor: str | None


class ChangeOut(Schema):
    id: int
    dimension: str
    from_value: str
    to_value: str
    changed_at: Any
    as_of: Any
    source: str = Field(..., description="batch (a grading run) or live (re-graded when an event came)")
    run_id: int | None
    event: str
    rule_name: str
    rule_version: int | None


class ChangePage(Schema):
    items: list[ChangeOut]
    next_cursor: str | None


class CheckOut(Schema):
    key: str
    operator: str
    expected: Any
    actual: Any
    negated: bool
    holds: bool


class ReasonOut(Schema):
    name: str
    version: int | None
    value: str
    condition: str
    holds: bool
    checks: list[CheckOut]


class HeldOut(Schema):
    value: str
    since: Any
    score: float | None
    outdated: bool = Field(..., description="Placed by a rule version no longer in force.")
    rule: ReasonOut | None = Field(..., description="None: the dimension's default.")


class DimensionOut(Schema):
    dimension: str
    mode: str
    held: list[HeldOut]
    nearest_miss: ReasonOut | None
    measures: dict[str, Any]


class ExplanationOut(Schema):
    customer: CustomerRef
    dimensions: list[DimensionOut]


def _customer_ref(customer: Customer, role: str) -> dict[str, Any]:
    values = {
        "id": customer.pk,
        "account_number": customer.account_number,
        "name": customer.name,
        "customer_type": customer.customer_type,
    }
    return customer_fields_mask(values, role=role)


def _in_scope(queryset: QuerySet[Any], user: User) -> QuerySet[Any]:
    if load_policy().row_scope(user.role) == "all" and user.is_active:
        return queryset
    return queryset.filter(customer_id__in=customer_scope(user=user).values("pk"))


@router.get("/assignments", response={200: AssignmentPage, **ERRORS}, auth=allow("grade.view"))
def assignments_list(
    request: HttpRequest,
    dimension: str = Query("", max_length=64, pattern=NO_NUL),
    value: str = Query("", max_length=100, pattern=NO_NUL, description="A group, tag, tier, stage or level."),
    customer: int | None = Query(None, ge=1, le=MAX_ID, description="One customer's id."),
    cursor: str | None = CURSOR,
    limit: int = LIMIT,
) -> Any:
    """Current assignments of the customers in your row scope, filtered by dimension and value, in
    pages (`next_cursor`). Every role (`grade.view`); customers shown as your role sees them."""
    user = caller(request)
    rows = _in_scope(Assignment.objects.select_related("customer"), user)
    exact = {"dimension": dimension, "value": value, "customer_id": customer}
    rows = rows.filter(**{k: v for k, v in exact.items() if v})
    page = keyset_page(rows, keys=("id",), descending=False, cursor=cursor, limit=limit)
    return {
        "items": [
            {
                "customer": _customer_ref(a.customer, user.role),
                "dimension": a.dimension,
                "value": a.value,
                "rule_name": a.rule_name,
                "rule_version": a.rule_version,
                "score": a.score,
                "since": a.since,
                "run_id": a.run_id,
            }
            for a in page.items
        ],
        "next_cursor": page.next_cursor,
    }


@router.get(
    "/customers/{customer_id}/grades/history", response={200: ChangePage, **ERRORS}, auth=allow("grade.view")
)
def grades_history(
    request: HttpRequest,
    customer_id: int = Path(..., ge=1, le=MAX_ID),
    dimension: str = Query("", max_length=64, pattern=NO_NUL),
    cursor: str | None = CURSOR,
    limit: int = LIMIT,
) -> Any:
    """Every change of the customer's grades, newest first: from, to, when, as of which day, by a run
    or a live re-grade, and the rule version. Every role, within its row scope (404 outside it)."""
    found = customer_get(user=caller(request), customer_id=customer_id)
    changes = AssignmentChange.objects.filter(customer=found)
    if dimension:
        changes = changes.filter(dimension=dimension)
    page = keyset_page(changes, keys=("id",), descending=True, cursor=cursor, limit=limit)
    items = [{k: getattr(c, k) for k in ChangeOut.model_fields} for c in page.items]
    return {"items": items, "next_cursor": page.next_cursor}


def _reason(rule: RuleExplanation | None, record: dict[str, Any], role: str) -> dict[str, Any] | None:
    if rule is None:
        return None
    checks = []
    for check in rule.checks:
        actual = check.actual
        if check.key in MASKABLE_FIELDS:
            actual = customer_fields_mask({**record, check.key: actual}, role=role)[check.key]
        checks.append({**{k: getattr(check, k) for k in CheckOut.model_fields}, "actual": actual})
    fields = ("name", "version", "value", "condition", "holds")
    return {**{k: getattr(rule, k) for k in fields}, "checks": checks}


@router.get(
    "/customers/{customer_id}/grades/explain",
    response={200: ExplanationOut, **ERRORS},
    auth=allow("grade.view"),
)
def grades_explain(request: HttpRequest, customer_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """Why the customer holds each grade: per dimension, the rule and version that placed each value
    with the metric values that met it, the nearest rule it missed, and scores and points. Every role,
    within its row scope (404 outside it); customer attributes masked as the role sees them."""
    user = caller(request)
    found = customer_get(user=user, customer_id=customer_id)
    definition = definition_live()
    if definition is None:
        raise RunRefused(_("No rules are defined yet: there is nothing to explain."))
    record = {f: getattr(found, f) for f in ("account_number", "customer_type", "province", "city")}
    dimensions = [
        {
            "dimension": d.dimension,
            "mode": d.mode,
            "held": [
                {
                    "value": h.value,
                    "since": h.since,
                    "score": h.score,
                    "outdated": h.outdated,
                    "rule": _reason(h.rule, record, user.role),
                }
                for h in d.held
            ],
            "nearest_miss": _reason(d.nearest_miss, record, user.role),
            "measures": {str(k): v for k, v in d.measures.items()},
        }
        for d in assignment_explain(customer=found, user=user, definition=definition)
    ]
    return {"customer": _customer_ref(found, user.role), "dimensions": dimensions}
