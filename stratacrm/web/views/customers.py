"""The customer list: filters, sort, pages (htmx swaps the table), saved views, CSV and Excel export."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from stratacrm.customers.exports import EXPORT_HEADER, customer_export
from stratacrm.ingest.export.writers import FORMATS, csv_lines, xlsx_bytes

from ..access import may, page, signed_in
from ..forms import CustomerListForm, SavedViewForm
from ..models import SavedView
from ..selectors.customers import customer_table, customers_matching
from ..selectors.grades import grades_in_force
from ..services.lists import saved_view_delete, saved_view_save, saved_views


def _query_string(request: HttpRequest, **changes: str | None) -> str:
    params = {k: v for k, v in request.GET.items() if v}
    for key, value in changes.items():
        params.pop(key, None)
        if value:
            params[key] = value
    return urlencode(params)


@page("customer.view")
def customer_list(request: HttpRequest) -> HttpResponse:
    """The reader's customers (row scope: account managers see only theirs), filtered by profile and
    grades, sorted, 50 a page. Every role (`customer.view`); name, phone and the other contact fields
    are masked as the policy says (analysts see pseudonyms and cannot search or sort by name)."""
    user = signed_in(request)
    grades = grades_in_force()
    form = CustomerListForm(request.GET, user=user, grades=grades)
    table = customer_table(user=user, query=form.query(), grades=grades)
    context = {
        "section": "customers",
        "form": form,
        "table": table,
        "shown": [grades.get(name) for name in grades.shown],
        "query": _query_string(request, cursor=None),
        "next_query": _query_string(request, cursor=table.next_cursor) if table.next_cursor else "",
        "first_query": _query_string(request, cursor=None) if request.GET.get("cursor") else None,
        "can_export": may(request, "customer.export"),
        "saved_views": saved_views(user=user),
        "save_form": SavedViewForm(initial={"query": _query_string(request, cursor=None)}),
    }
    if getattr(request, "htmx", False) and request.headers.get("HX-Target") == "customer-results":
        return render(request, "web/customers/_results.html", context)
    return render(request, "web/customers/list.html", context)


@page("customer.export")
def customer_list_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The list as filtered on screen, as CSV or Excel: same row scope, masked the same way, audited.
    Administrators, marketing managers, account managers (own rows) and analysts (`customer.export`)."""
    user = signed_in(request)
    form = CustomerListForm(request.GET, user=user, grades=grades_in_force())
    queryset = customers_matching(user=user, query=form.query())
    rows = customer_export(user=user, queryset=queryset, filters=form.filters(), format=fmt)
    header = list(EXPORT_HEADER)
    if fmt == "xlsx":
        response: HttpResponse | StreamingHttpResponse = HttpResponse(
            xlsx_bytes(header, rows, sheet="customers"), content_type=FORMATS["xlsx"]
        )
    else:
        response = StreamingHttpResponse(csv_lines(header, rows), content_type=FORMATS["csv"])
    response["Content-Disposition"] = f'attachment; filename="customers.{fmt}"'
    return response


@page("customer.view")
@require_POST
def saved_view_create(request: HttpRequest) -> HttpResponse:
    """Save the list's current filters under a name, for the signed-in user only (`customer.view`).
    Nothing of a customer is stored, so nothing is masked."""
    form = SavedViewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        view = saved_view_save(user=signed_in(request), name=data["name"], query=data["query"])
        return redirect(f"{reverse('web:customer_list')}?{view.query}")
    return redirect(reverse("web:customer_list"))


@page("customer.view")
@require_POST
def saved_view_remove(request: HttpRequest, view_id: int) -> HttpResponse:
    """Delete one of the user's own saved views (`customer.view`); another user's answers 404."""
    try:
        saved_view_delete(user=signed_in(request), view_id=view_id)
    except SavedView.DoesNotExist:
        raise Http404("no such saved view") from None
    return redirect(reverse("web:customer_list"))
