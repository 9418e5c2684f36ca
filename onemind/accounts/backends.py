"""The password backend, with the signed-in user loaded in one hand-written query.

Every signed-in request loads its user; see onemind/lib/rows.py for why that query is written by hand. Signing in,
permissions and the active check are Django's ``ModelBackend`` unchanged.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import connection

from onemind.accounts.models import User
from onemind.lib import rows


@functools.cache
def _user_sql() -> str:
    return f"SELECT {rows.columns(User, 'u')} FROM {User._meta.db_table} u WHERE u.id = %s"  # noqa: S608


class UserBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        with connection.cursor() as cursor:
            cursor.execute(_user_sql(), [pk])
            row = cursor.fetchone()
        if row is None:
            return None
        user = rows.from_row(User, row)
        return user if self.user_can_authenticate(user) else None
