"""Campaign administration screens: rule editions, course types and equivalents, resources, announcements."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_scopes import scopes_disabled

from onemind.campaign import services
from onemind.campaign.forms import AnnouncementForm, CourseTypeForm, EditionForm, NewEditionForm, ResourceForm
from onemind.campaign.models import Announcement, SyllabusEvidence
from onemind.lib.uploads import delete_private_upload
from onemind.lib.versions import StaleEdit, refuse_stale, submitted_version, track_version
from onemind.pledges.models import RuleEdition
from onemind.public.models import Resource
from onemind.reviews.evidence import attachment, store_form_upload
from onemind.reviews.models import Submission
from onemind.tenancy.access import AuthenticatedRequest, campaign_view
from onemind.tenancy.roles import CAMPAIGN_MANAGE, CAMPAIGN_REVIEW
from onemind.training.models import CourseType


@campaign_view(CAMPAIGN_REVIEW)
def home(request: AuthenticatedRequest) -> HttpResponse:
    with scopes_disabled():
        waiting = Submission.objects.filter(state=Submission.State.SUBMITTED).count()
    return render(request, "campaign/home.html", {"waiting": waiting})


def _edit(
    request: AuthenticatedRequest,
    form_class: type[ModelForm],
    instance: Model | None,
    *,
    action: str,
    heading: str,
    back: str,
    multipart: bool = False,
) -> tuple[Any, HttpResponse | None]:
    form = form_class(request.POST or None, request.FILES or None, instance=instance)
    if instance is not None:
        track_version(form, instance)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_reference(
                actor=request.user,
                instance=form.save(commit=False),
                action=action,
                expected_version=submitted_version(form),
            )
        except StaleEdit as exc:
            refuse_stale(form, exc.current)
        else:
            messages.success(request, f"Saved: {saved}.")
            return saved, redirect(back)
    page = render(
        request, "campaign/form.html", {"form": form, "heading": heading, "back": back, "multipart": multipart}
    )
    return form, page


@campaign_view(CAMPAIGN_MANAGE)
def resources(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "campaign/resources.html", {"resources": Resource.objects.all()})


@campaign_view(CAMPAIGN_MANAGE)
def resource_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(Resource, pk=pk) if pk else None
    heading = f"Edit {instance}" if instance else "Add a resource"
    _x, response = _edit(
        request, ResourceForm, instance, action="campaign.resource_saved", heading=heading, back="campaign:resources"
    )
    return response  # type: ignore[return-value]


@campaign_view(CAMPAIGN_MANAGE)
def announcements(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "campaign/announcements.html", {"announcements": Announcement.objects.all()})


@campaign_view(CAMPAIGN_MANAGE)
def announcement_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(Announcement, pk=pk) if pk else None
    heading = f"Edit {instance}" if instance else "Add an announcement"
    _x, response = _edit(
        request,
        AnnouncementForm,
        instance,
        action="campaign.announcement_saved",
        heading=heading,
        back="campaign:announcements",
    )
    return response  # type: ignore[return-value]


@campaign_view(CAMPAIGN_MANAGE)
def editions(request: AuthenticatedRequest) -> HttpResponse:
    from django.db.models import Count

    rows = RuleEdition.objects.annotate(pledge_count=Count("pledges"))
    return render(request, "campaign/editions.html", {"editions": rows})


@campaign_view(CAMPAIGN_MANAGE)
def edition_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(RuleEdition, pk=pk) if pk else None
    with scopes_disabled():
        in_use = instance is not None and instance.pledges.exists()
    if instance is not None and in_use:
        # RULES.md: a new edition never changes how old pledges were judged, so an edition in use is frozen.
        messages.error(request, f"Edition {instance.code} has pledges judged under it: create a new edition instead.")
        return redirect("campaign:editions")
    form_class = EditionForm if instance else NewEditionForm
    heading = f"Edit edition {instance.code}" if instance else "Create a rule edition"
    _x, response = _edit(
        request, form_class, instance, action="campaign.edition_saved", heading=heading, back="campaign:editions"
    )
    return response  # type: ignore[return-value]


@campaign_view(CAMPAIGN_MANAGE)
def course_types(request: AuthenticatedRequest) -> HttpResponse:
    rows = CourseType.objects.prefetch_related("syllabus_files").order_by("family", "code")
    return render(request, "campaign/course_types.html", {"course_types": rows})


@campaign_view(CAMPAIGN_MANAGE)
def course_type_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(CourseType, pk=pk) if pk else None
    form = CourseTypeForm(request.POST or None, request.FILES or None, instance=instance)
    if instance is not None:
        track_version(form, instance)
    if request.method == "POST" and form.is_valid():
        stored = store_form_upload(form, "syllabus")
        if not form.errors:
            course_type = form.save(commit=False)
            if course_type.approved and course_type.is_equivalent:
                course_type.approved_by = request.user
            try:
                services.save_reference(
                    actor=request.user,
                    instance=course_type,
                    action="campaign.course_type_saved",
                    expected_version=submitted_version(form),
                )
            except StaleEdit as exc:
                delete_private_upload(stored) if stored else None
                refuse_stale(form, exc.current)
            else:
                if stored:
                    services.attach_syllabus(actor=request.user, course_type=course_type, stored_name=stored)
                messages.success(request, f"Saved: {course_type}.")
                return redirect("campaign:course_types")
    heading = f"Edit {instance}" if instance else "Add a course type or equivalent"
    return render(
        request,
        "campaign/form.html",
        {"form": form, "heading": heading, "back": "campaign:course_types", "multipart": True},
    )


@campaign_view(CAMPAIGN_MANAGE)
def syllabus(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(SyllabusEvidence.objects.select_related("course_type"), pk=pk)
    response = attachment(evidence.file, f"syllabus-{evidence.course_type.code}")
    from onemind.audit.services import log_action

    log_action(actor=request.user, action="campaign.syllabus_downloaded", obj=evidence.course_type)
    return response


@campaign_view(CAMPAIGN_MANAGE)
@require_POST
def syllabus_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(SyllabusEvidence, pk=pk)
    services.remove_syllabus(actor=request.user, evidence=evidence)
    messages.success(request, "Syllabus file removed.")
    return redirect("campaign:course_types")
