"""API tokens of one agency, and the stored responses that make a retried POST safe (Idempotency-Key)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager


class Scope(models.TextChoices):
    READ = "read", "Read the agency, roster, training records and compliance"
    ROSTER_WRITE = "roster:write", "Add, change and separate personnel"
    TRAINING_WRITE = "training:write", "Add training records"
    EXPORT = "export", "Download the agency's complete data export"


class ApiToken(models.Model):
    """A bearer token for one agency. Only a SHA-256 hash is stored; the token is shown once, at creation.

    A token works only while it is neither revoked nor expired and its creator is still an active administrator
    of the agency, so removing or deactivating that person stops their tokens at once.
    """

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What uses this token, e.g. “HR system nightly sync”.")
    # The first characters of the token, stored in clear so people can tell tokens apart; never enough to use one.
    prefix = models.CharField(max_length=16, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    # Deleting the person deletes their tokens (they would stop working anyway: see token_for).
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def scope_labels(self) -> list[str]:
        return [Scope(s).label for s in self.scopes if s in Scope.values]


class IdempotentResponse(models.Model):
    """The first response to a POST carrying an Idempotency-Key, replayed when the same token sends the key again."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="idempotency_key_unique_per_token")]

    def __str__(self) -> str:
        return f"{self.key} → {self.status}"
