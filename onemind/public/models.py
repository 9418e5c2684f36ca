from __future__ import annotations

from django.db import models


class Resource(models.Model):
    """A campaign resource shown on the public pages (toolkits, model policy, course finders)."""

    title = models.CharField(max_length=200)
    description = models.TextField()
    url = models.URLField(max_length=500)
    # A course type code (e.g. "MHFA-PS"): the resource is a course finder, and OneMind's own finder is offered too.
    finder_type = models.CharField(
        max_length=30,
        blank=True,
        help_text="For a course finder: the course type code OneMind's own course finder should show as well.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_published = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title
