"""The officer's own pages: their roster record, training history with expiry dates, and certificate uploads.

An officer's account holds no agency permission. What it may see is decided on the object: the one roster
record linked to the account when the officer accepted the invitation. Any other id, any agency page, and a
record whose person has separated answer "not found" or "no access", exactly as for outsiders.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django_scopes import scope

from onemind.lib.uploads import (
    UploadRejected,
    delete_private_upload,
    store_private_upload,
)
from onemind.roster.models import Person, PersonStatus
from onemind.tenancy.access import resolve_agency_access
from onemind.training import services
from onemind.training.forms import OwnCertificateForm
from onemind.training.models import TrainingRecord
from onemind.training.selectors import certificates_for, edition_for
from onemind.training.views import certificate_download

OwnView = Callable[..., HttpResponse]


def own_record_view(view: OwnView) -> Callable[..., HttpResponse]:
    """Anonymous → login; not a member → 404; no record linked to the account → 404; separated → 403."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, agency_slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        access = resolve_agency_access(request.user, agency_slug)
        with scope(agency=access.agency):
            person = Person.objects.filter(agency=access.agency, user=request.user).first()
            if person is None:
                raise Http404("No roster record is linked to your account")
            if person.status == PersonStatus.SEPARATED:
                response = render(request, "training/mine_closed.html", {"agency": access.agency}, status=403)
            else:
                response = view(request, person, *args, **kwargs)
        response.setdefault("Cache-Control", "no-store")
        return response

    return wrapped


@own_record_view
def mine(request: HttpRequest, person: Person) -> HttpResponse:
    records = list(person.training_records.select_related("course_type").order_by("-completed_on", "id"))
    return render(
        request,
        "training/mine.html",
        {
            "agency": person.agency,
            "person": person,
            "records": records,
            "certificates": certificates_for(person, records, edition_for(person.agency)),
            "today": timezone.localdate(),
        },
    )


@own_record_view
def mine_upload(request: HttpRequest, person: Person) -> HttpResponse:
    form = OwnCertificateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        stored = ""
        try:
            stored = store_private_upload(form.cleaned_data["certificate"])
            data = form.cleaned_data
            details = {k: data[k] for k in ("hours", "provider", "certificate_number") if data.get(k) is not None}
            record = services.submit_own_training(
                actor=request.user,
                person=person,
                course_type=data["course_type"],
                completed_on=data["completed_on"],
                certificate_file=stored,
                **details,
            )
        except UploadRejected as exc:
            form.add_error("certificate", str(exc))
        except ValidationError as exc:
            delete_private_upload(stored) if stored else None
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                f"Your {record.course_type.code} certificate was sent. It counts once your training coordinator "
                "accepts it.",
            )
            return redirect("training:mine", agency_slug=person.agency.slug)
    return render(request, "training/mine_upload.html", {"agency": person.agency, "person": person, "form": form})


@own_record_view
def mine_certificate(request: HttpRequest, person: Person, record_id: object) -> HttpResponse:
    """The officer downloads a certificate file of their own records (any other record id: 404)."""
    record: TrainingRecord = get_object_or_404(
        TrainingRecord.objects.filter(person=person).select_related("course_type"), public_id=record_id
    )
    return certificate_download(request, record)
