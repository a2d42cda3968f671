"""Forms of the pages: the customer-list filters, saved views, logging an interaction or a complaint."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from stratacrm.accounts.models import User
from stratacrm.activity.choices import Direction
from stratacrm.customers.choices import Channel, CustomerStatus, CustomerType
from stratacrm.customers.models import Tag
from stratacrm.customers.selectors import CustomerFilters
from stratacrm.service.choices import TicketPriority

from .selectors.customers import CustomerQuery, owners_in_scope, regions_in_scope, sorts_for
from .selectors.grades import Grades

ANY = [("", _("All"))]
SORT_LABELS = {
    "account_number": _("Account number"),
    "-account_number": _("Account number, descending"),
    "name": _("Name"),
    "-updated_at": _("Recently changed"),
    "region": _("Region"),
}
FILTERS = ("q", "customer_type", "status", "region", "owner", "tag", "seg", "tier", "stage", "risk")
GRADE_FIELDS = {"tier": "value_tier", "stage": "lifecycle", "risk": "churn_risk"}


class CustomerListForm(forms.Form):
    """The list's filters, read from the query string; a value that does not fit is ignored."""

    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    customer_type = forms.ChoiceField(label=_("Type"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, empty_value=None, required=False)
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    seg = forms.ChoiceField(label=_("Class or group"), required=False)
    tier = forms.ChoiceField(label=_("Value tier"), required=False)
    stage = forms.ChoiceField(label=_("Lifecycle stage"), required=False)
    risk = forms.ChoiceField(label=_("Churn risk"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False)
    run = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    moved = forms.SlugField(max_length=64, required=False, widget=forms.HiddenInput)
    before = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)
    after = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)
    complained = forms.IntegerField(min_value=1, max_value=24, required=False, widget=forms.HiddenInput)
    cursor = forms.CharField(max_length=200, required=False, widget=forms.HiddenInput)

    def __init__(self, data: Any, *, user: User, grades: Grades) -> None:
        super().__init__(data, label_suffix="")
        self.grades = grades
        self._choices("customer_type", ANY + list(CustomerType.choices))
        self._choices("status", ANY + list(CustomerStatus.choices))
        self._choices("region", ANY + [(r, r) for r in regions_in_scope(user=user)])
        self._choices("owner", ANY + owners_in_scope(user=user))
        self._choices("tag", ANY + [(t, t) for t in Tag.objects.values_list("name", flat=True)])
        segments = [(d.label, [(f"{d.name}:{v.value}", v.label) for v in d.values]) for d in grades.segments]
        self._choices("seg", ANY + segments)
        for name, dimension_name in GRADE_FIELDS.items():
            dimension = grades.get(dimension_name)
            self._choices(name, ANY + ([(v.value, v.label) for v in dimension.values] if dimension else []))
        self._choices("sort", [(s, SORT_LABELS[s]) for s in sorts_for(user)])
        for name in FILTERS:
            self.fields[name].widget.attrs["id"] = f"filter-{name}"

    def _choices(self, name: str, choices: list[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def query(self) -> CustomerQuery:
        """The valid filters as a query (invalid ones dropped)."""
        self.is_valid()
        data = self.cleaned_data
        grades: list[tuple[str, str]] = []
        if data.get("seg"):
            dimension, _, value = data["seg"].partition(":")
            grades.append((dimension, value))
        grades += [(GRADE_FIELDS[f], data[f]) for f in GRADE_FIELDS if data.get(f)]
        moved = None
        if data.get("run") and data.get("moved"):
            moved = (data["run"], data["moved"], data.get("before", ""), data.get("after", ""))
        profile = CustomerFilters(
            customer_type=data.get("customer_type", ""),
            status=data.get("status", ""),
            province=data.get("region", ""),
            owner_id=data.get("owner"),
            tag=data.get("tag", ""),
            q=data.get("q", ""),
        )
        return CustomerQuery(
            profile=profile,
            grades=tuple(grades),
            moved=moved,
            complained_months=data.get("complained"),
            sort=data.get("sort") or "account_number",
            cursor=data.get("cursor") or None,
        )

    def filters(self) -> dict[str, Any]:
        """The filters given, for the audit trail of an export."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "") and k != "cursor"}


class PlainForm(forms.Form):
    """A form whose labels carry no trailing colon (the page lays labels above their fields)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SavedViewForm(PlainForm):
    name = forms.CharField(label=_("Name of this view"), max_length=80)
    query = forms.CharField(max_length=1000, required=False, widget=forms.HiddenInput)


class InteractionForm(PlainForm):
    """A contact logged from the 360 view; the time is now and the actor is the signed-in user."""

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices, initial=Direction.OUTBOUND)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    content = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    prefix = "interaction"


class ComplaintForm(PlainForm):
    """A complaint opened from the 360 view, due within the complaint service promise."""

    subject = forms.CharField(label=_("Complaint"), max_length=200)
    category = forms.CharField(label=_("Category"), max_length=64, required=False)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=TicketPriority.choices, initial=TicketPriority.NORMAL
    )
    prefix = "complaint"
