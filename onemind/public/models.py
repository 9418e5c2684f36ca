from __future__ import annotations

from django.db import models


class Resource(models.Model):
    """A campaign resource shown on the public pages (toolkits, model policy, course finders)."""

    title = models.CharField(max_length=200)
    description = models.TextField()
    url = models.URLField(max_length=500)
    position = models.PositiveSmallIntegerField(default=0)
    is_published = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title
