"""Web pages. Views stay thin: they call a selector and render."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from stratacrm.customers.selectors import customer_overview


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Overview of the customer base. Every signed-in role sees it; it shows counts only, no personal data."""
    return render(request, "web/home.html", {"overview": customer_overview()})
