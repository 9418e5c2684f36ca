from __future__ import annotations

import uuid

from django.http import Http404

from onemind.accounts.models import User
from onemind.exports.models import ExportJob


def job_for_user(user: User, public_id: uuid.UUID) -> ExportJob:
    """The user's own export job; anyone else's is "not found", so nobody can probe which exports exist."""
    job = ExportJob.objects.filter(public_id=public_id, user=user).first()
    if job is None:
        raise Http404("No such export")
    return job
