"""Web pages. Views stay thin: they call a selector and render."""

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static

from stratacrm.accounts.models import User
from stratacrm.customers.selectors import customer_overview


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Counts of the customers within the user's row scope, by type. Every role (`overview.view`);
    no personal data shows, so nothing is masked."""
    return render(request, "web/home.html", {"overview": customer_overview(user=cast(User, request.user))})


def favicon(request: HttpRequest) -> HttpResponse:
    """The icon, for pages outside the base template (the admin). Public: it is a static picture."""
    return redirect(static("web/favicon.svg"), permanent=True)
