"""Roles and the permission strings they hold: the single table every permission check reads.

Views, the API and templates all ask `AgencyAccess.can("roster:write")`; nothing checks a role name directly.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    AGENCY_ADMIN = "agency_admin", "Agency administrator"
    TRAINING_COORDINATOR = "training_coordinator", "Training coordinator"
    AGENCY_VIEWER = "agency_viewer", "Agency viewer"
    PARTNER_LIAISON = "partner_liaison", "Partner liaison"
    COURSE_PROVIDER = "course_provider", "Course provider"
    OFFICER = "officer", "Officer (own record only)"


AGENCY_READ = "agency:read"
AGENCY_WRITE = "agency:write"
MEMBERS_READ = "members:read"
MEMBERS_WRITE = "members:write"
PLEDGE_WRITE = "pledge:write"
ROSTER_READ = "roster:read"
ROSTER_WRITE = "roster:write"
TRAINING_READ = "training:read"
TRAINING_WRITE = "training:write"
PARTNERSHIP_READ = "partnership:read"
PARTNERSHIP_WRITE = "partnership:write"
PARTNERSHIP_CONFIRM = "partnership:confirm"
POLICY_READ = "policy:read"
POLICY_WRITE = "policy:write"
STRATEGY_SUBMIT = "strategy:submit"
DASHBOARD_READ = "dashboard:read"
COURSES_REGISTER = "courses:register"
AUDIT_READ = "audit:read"
OUTCOMES_READ = "outcomes:read"
OUTCOMES_WRITE = "outcomes:write"

_READ_ALL = frozenset(
    {
        AGENCY_READ,
        MEMBERS_READ,
        ROSTER_READ,
        TRAINING_READ,
        PARTNERSHIP_READ,
        POLICY_READ,
        DASHBOARD_READ,
        OUTCOMES_READ,
    }
)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.AGENCY_ADMIN: _READ_ALL
    | {
        AGENCY_WRITE,
        MEMBERS_WRITE,
        PLEDGE_WRITE,
        ROSTER_WRITE,
        TRAINING_WRITE,
        PARTNERSHIP_WRITE,
        POLICY_WRITE,
        STRATEGY_SUBMIT,
        COURSES_REGISTER,
        AUDIT_READ,
        OUTCOMES_WRITE,
    },
    Role.TRAINING_COORDINATOR: _READ_ALL | {ROSTER_WRITE, TRAINING_WRITE, COURSES_REGISTER, OUTCOMES_WRITE},
    Role.AGENCY_VIEWER: _READ_ALL,
    # A liaison sees only its own partnership (checked on the object), nothing of the roster.
    Role.PARTNER_LIAISON: frozenset({PARTNERSHIP_CONFIRM}),
    # Course providers act on their own sessions, not on an agency's records.
    Role.COURSE_PROVIDER: frozenset(),
    # An invited officer sees only the roster record linked to their account (checked on the object).
    Role.OFFICER: frozenset(),
}

# Campaign staff see every agency's profile and figures; personnel-level data needs an audited grant.
CAMPAIGN_STAFF_AGENCY_PERMISSIONS = frozenset(
    {AGENCY_READ, MEMBERS_READ, PARTNERSHIP_READ, POLICY_READ, DASHBOARD_READ, AUDIT_READ, OUTCOMES_READ}
)
STAFF_GRANT_PERMISSIONS = frozenset({ROSTER_READ, TRAINING_READ})

CAMPAIGN_REVIEW = "campaign:review"
CAMPAIGN_MANAGE = "campaign:manage"
CAMPAIGN_STAFF_PERMISSIONS = frozenset({CAMPAIGN_REVIEW, CAMPAIGN_MANAGE})


def permissions_for_role(role: str) -> frozenset[str]:
    return ROLE_PERMISSIONS.get(role, frozenset())
