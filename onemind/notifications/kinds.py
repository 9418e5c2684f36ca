"""What reminders exist, and the preference category each one belongs to."""

from __future__ import annotations

from django.db import models


class Category(models.TextChoices):
    """What a user switches on or off: one row of the preferences page per category."""

    CERTIFICATES = "certificates", "MHFA certificates expiring or expired"
    NEW_HIRES = "new_hires", "Sworn new hires without qualifying training"
    DEADLINES = "deadlines", "Pledge deadline milestones"
    REVIEWS = "reviews", "Submissions verified or returned"
    REGISTRATIONS = "registrations", "Course registrations and session changes"
    AGREEMENTS = "agreements", "Partnership agreements ending"
    DIGEST = "digest", "Weekly digest"
    ANNOUNCEMENTS = "announcements", "Campaign announcements"


class Kind(models.TextChoices):
    MHFA_EXPIRING_90 = "mhfa_expiring_90", "MHFA certificate expires in 90 days"
    MHFA_EXPIRING_30 = "mhfa_expiring_30", "MHFA certificate expires in 30 days"
    MHFA_EXPIRED = "mhfa_expired", "MHFA certificate expired"
    NEW_HIRE_UNTRAINED = "new_hire_untrained", "Sworn new hire without qualifying training"
    DEADLINE_MILESTONE = "deadline_milestone", "Months since the pledge"
    DEADLINE_APPROACHING = "deadline_approaching", "Pledge deadline approaching"
    SUBMISSION_VERIFIED = "submission_verified", "Submission verified"
    SUBMISSION_RETURNED = "submission_returned", "Submission returned"
    REGISTRATION_CONFIRMED = "registration_confirmed", "Course registration confirmed"
    REGISTRATION_WAITLISTED = "registration_waitlisted", "Course registration waitlisted"
    REGISTRATION_CANCELLED = "registration_cancelled", "Course registration cancelled"
    SESSION_CANCELLED = "session_cancelled", "Course session cancelled by its provider"
    SESSION_CHANGED = "session_changed", "Course session moved or rescheduled"
    AGREEMENT_ENDING = "agreement_ending", "Partnership agreement ends in 60 days"
    WEEKLY_DIGEST = "weekly_digest", "Weekly digest"
    ANNOUNCEMENT = "announcement", "Campaign announcement"


CATEGORY_OF: dict[str, str] = {
    Kind.MHFA_EXPIRING_90: Category.CERTIFICATES,
    Kind.MHFA_EXPIRING_30: Category.CERTIFICATES,
    Kind.MHFA_EXPIRED: Category.CERTIFICATES,
    Kind.NEW_HIRE_UNTRAINED: Category.NEW_HIRES,
    Kind.DEADLINE_MILESTONE: Category.DEADLINES,
    Kind.DEADLINE_APPROACHING: Category.DEADLINES,
    Kind.SUBMISSION_VERIFIED: Category.REVIEWS,
    Kind.SUBMISSION_RETURNED: Category.REVIEWS,
    Kind.REGISTRATION_CONFIRMED: Category.REGISTRATIONS,
    Kind.REGISTRATION_WAITLISTED: Category.REGISTRATIONS,
    Kind.REGISTRATION_CANCELLED: Category.REGISTRATIONS,
    Kind.SESSION_CANCELLED: Category.REGISTRATIONS,
    Kind.SESSION_CHANGED: Category.REGISTRATIONS,
    Kind.AGREEMENT_ENDING: Category.AGREEMENTS,
    Kind.WEEKLY_DIGEST: Category.DIGEST,
    Kind.ANNOUNCEMENT: Category.ANNOUNCEMENTS,
}
