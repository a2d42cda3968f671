"""The customer 360 view, unmasking its contact details, and logging an interaction or a complaint."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stratacrm.accounts.models import User
from stratacrm.customers.models import Customer
from stratacrm.customers.services import customer_unmask

from .. import charts
from ..access import page, signed_in
from ..forms import ComplaintForm, InteractionForm
from ..selectors.customer import customer_by_number, customer_view, masked_fields
from ..selectors.grades import grades_in_force
from ..services.events import complaint_open, interaction_record


def _customer(user: User, account_number: str) -> Customer:
    try:
        return customer_by_number(user=user, account_number=account_number)
    except Customer.DoesNotExist:
        raise Http404("no such customer") from None


def _page_context(request: HttpRequest, account_number: str) -> dict[str, Any]:
    user = signed_in(request)
    try:
        view = customer_view(user=user, account_number=account_number, grades=grades_in_force())
    except Customer.DoesNotExist:
        raise Http404("no such customer") from None
    title = _("Consumption of the last 24 months (kWh)")
    figure = charts.customer_consumption(view.consumption, title=title) if view.consumption else None
    return {"section": "customers", "view": view, "c": view.profile, "figure": figure, "figure_title": title}


@page("customer.view")
def customer_detail(request: HttpRequest, account_number: str) -> HttpResponse:
    """One customer's 360 view: profile, grades with their reasons, grade history, consumption, bills,
    payments, interactions, tickets and surveys. Every role (`customer.view`) within its row scope (404
    outside it). Phone, e-mail, address and ID number are masked for every role; analysts see a
    pseudonym instead of a person's name; analysts and auditors see the notes of events masked."""
    context = _page_context(request, account_number)
    context["interaction_form"] = InteractionForm()
    context["complaint_form"] = ComplaintForm()
    return render(request, "web/customer/page.html", context)


@page("customer.unmask")
@require_POST
def customer_contact_unmask(request: HttpRequest, account_number: str) -> HttpResponse:
    """The clear contact details of one customer, written to the audit trail (fields seen, not values).
    Administrators, marketing managers and account managers (own rows) — `customer.unmask`."""
    user = signed_in(request)
    customer = _customer(user, account_number)
    fields = masked_fields(user=user)
    values = customer_unmask(actor=user, customer_id=customer.pk, fields=fields)
    if getattr(request, "htmx", False):
        return render(request, "web/customer/_contact.html", {"c": values, "unmasked": True})
    context = _page_context(request, account_number)
    context.update(unmasked=True, interaction_form=InteractionForm(), complaint_form=ComplaintForm())
    context["c"] = {**context["c"], **values}
    return render(request, "web/customer/page.html", context)


def _logged(request: HttpRequest, account_number: str, form: Form, kind: str, saved: bool) -> HttpResponse:
    if not getattr(request, "htmx", False):
        return redirect("web:customer_detail", account_number=account_number)
    context = _page_context(request, account_number)
    context.update(saved=saved, kind=kind, interaction_form=InteractionForm(), complaint_form=ComplaintForm())
    context[f"{kind}_form"] = form
    return render(request, "web/customer/_logged.html", context)


@page("event.create")
@require_POST
def customer_interaction_log(request: HttpRequest, account_number: str) -> HttpResponse:
    """Log a call, visit or message made now; the customer is re-graded at once and the page's grades,
    history and interactions are replaced. Administrators, marketing and account managers (own rows)."""
    user = signed_in(request)
    customer = _customer(user, account_number)
    form = InteractionForm(request.POST)
    saved = form.is_valid()
    if saved:
        try:
            interaction_record(actor=user, customer=customer, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            saved = False
    return _logged(request, account_number, form if not saved else InteractionForm(), "interaction", saved)


@page("event.create")
@require_POST
def customer_complaint_open(request: HttpRequest, account_number: str) -> HttpResponse:
    """Open a complaint now; the customer is re-graded at once (churn risk may rise) and the page's
    grades, history and tickets are replaced. Administrators, marketing and account managers (own rows)."""
    user = signed_in(request)
    customer = _customer(user, account_number)
    form = ComplaintForm(request.POST)
    saved = form.is_valid()
    if saved:
        try:
            complaint_open(actor=user, customer=customer, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            saved = False
    return _logged(request, account_number, form if not saved else ComplaintForm(), "complaint", saved)
