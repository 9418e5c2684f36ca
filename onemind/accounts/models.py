from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

from onemind.tenancy.roles import Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Officers on a roster need no account; roles live in tenancy.Membership."""

    email = models.EmailField(unique=True, max_length=254)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    # Django admin access for operators only; routine campaign work uses is_campaign_staff.
    is_staff = models.BooleanField(default=False)
    is_campaign_staff = models.BooleanField(
        default=False, help_text="IACP campaign team: reviews, verification, recognition, campaign settings."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    # Set when the person opened the signed link e-mailed to this address (or accepted an invitation sent to it);
    # an account acts only once its address is verified (onemind.accounts.security).
    email_verified_at = models.DateTimeField(null=True, blank=True)
    # Raised when a sign-in factor changes: every other session of the account ends (it is part of the session hash).
    session_epoch = models.PositiveIntegerField(default=0)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def email_domain(self) -> str:
        return self.email.rpartition("@")[2].lower()

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        if not self.session_epoch:
            return super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]
        key_salt = "onemind.accounts.models.User.get_session_auth_hash"
        value = f"{self.password}:{self.session_epoch}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()


class Invitation(models.Model):
    """An e-mailed link that makes its bearer a member of one agency with one role.

    Only a hash of the token is stored, so a database leak does not leak working links.
    """

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=30, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    # An officer's invitation names their roster record: accepting it links the account to that one person.
    person = models.ForeignKey(
        "roster.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.agency}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()
