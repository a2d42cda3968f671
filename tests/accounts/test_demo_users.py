"""Demo users: one per role, re-runnable, each run with a new password that works."""

import pytest
from django.contrib.auth import authenticate

from stratacrm.accounts.models import Role, User
from stratacrm.accounts.services import demo_users_ensure

pytestmark = pytest.mark.django_db


def test_one_demo_user_per_role_and_rerun_is_safe():
    first = demo_users_ensure()
    second = demo_users_ensure()
    assert {c.role for c in second} == set(Role)
    assert User.objects.count() == len(Role)
    for old, new in zip(first, second, strict=True):
        assert old.password != new.password
        assert authenticate(username=new.username, password=new.password) is not None
        assert authenticate(username=old.username, password=old.password) is None


def test_only_the_administrator_reaches_the_admin():
    demo_users_ensure()
    staff = set(User.objects.filter(is_staff=True).values_list("role", flat=True))
    assert staff == {Role.ADMINISTRATOR}
