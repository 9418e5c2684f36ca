"""Campaign administration data: announcements shown to agencies, syllabus evidence for approved equivalents."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Announcement(models.Model):
    title = models.CharField(max_length=200)
    body = models.TextField()
    published_on = models.DateField(default=timezone.localdate)
    expires_on = models.DateField(null=True, blank=True, help_text="Blank: shown until unpublished.")
    is_published = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class SyllabusEvidence(models.Model):
    """A syllabus file campaign staff relied on to approve a course type as an equivalent."""

    course_type = models.ForeignKey("training.CourseType", on_delete=models.CASCADE, related_name="syllabus_files")
    file = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"Syllabus for {self.course_type_id}"
