"""Creating, revoking and checking agency API tokens. Writes are audited like every other service."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from onemind.api.models import ApiToken, Scope
from onemind.audit.services import log_action, log_change, snapshot
from onemind.tenancy.models import Agency, Membership
from onemind.tenancy.roles import AGENCY_WRITE, permissions_for_role

TOKEN_PREFIX = "om_"  # noqa: S105  # a marker that helps secret scanners, not a secret
MAX_VALID_DAYS = 366
# last_used_at is written at most this often per token: a busy sync must not turn every read into a write.
_LAST_USED_EVERY = dt.timedelta(minutes=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_api_token(
    *, actor: Any, agency: Agency, name: str, scopes: Iterable[str], expires_on: dt.date
) -> tuple[ApiToken, str]:
    """A new token; returns it with the only copy of its secret (the caller shows it once)."""
    wanted = sorted(set(scopes))
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Name the token after what will use it."
    if not wanted or not set(wanted) <= set(Scope.values):
        errors["scopes"] = "Choose at least one permission."
    today = timezone.localdate()
    if expires_on <= today or expires_on > today + dt.timedelta(days=MAX_VALID_DAYS):
        errors["expires_on"] = f"The expiry date must be after today and at most {MAX_VALID_DAYS} days away."
    if errors:
        raise ValidationError(errors)
    secret = secrets.token_urlsafe(32)
    raw = f"{TOKEN_PREFIX}{secret}"
    expires_at = timezone.make_aware(dt.datetime.combine(expires_on, dt.time.max))
    token = ApiToken.objects.create(
        agency=agency,
        name=name.strip()[:100],
        prefix=raw[:12],
        token_hash=hash_token(raw),
        scopes=wanted,
        created_by=actor,
        expires_at=expires_at,
    )
    log_action(actor=actor, action="api.token_created", obj=token, agency=agency, after=snapshot(token))
    return token, raw


@transaction.atomic
def revoke_api_token(*, actor: Any, token: ApiToken) -> ApiToken:
    if token.revoked_at is not None:
        return token
    before = snapshot(token)
    token.revoked_at, token.revoked_by = timezone.now(), actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    log_change(actor=actor, action="api.token_revoked", obj=token, agency=token.agency, before=before)
    return token


def token_for(raw: str) -> ApiToken | None:
    """The token `raw` names if it works right now: not revoked, not expired, creator still an active admin."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    with scopes_disabled():
        token = ApiToken.objects.select_related("agency", "created_by").filter(token_hash=hash_token(raw)).first()
        if token is None or not token.is_active or not token.created_by.is_active:
            return None
        membership = Membership.objects.filter(user=token.created_by, agency=token.agency).first()
        if membership is None or AGENCY_WRITE not in permissions_for_role(membership.role):
            return None
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > _LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
    return token
