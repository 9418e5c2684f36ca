import django.db.models.deletion
from django.db import migrations, models


def bind_existing_links(apps, schema_editor):
    """Links still waiting for their liaison: bind to whoever accepted the liaison invitation sent for that address
    (with its token), else remember the newest invitation so its acceptance binds. Never bind by e-mail alone."""
    Link = apps.get_model("partnerships", "PartnershipLiaison")
    Invitation = apps.get_model("accounts", "Invitation")
    for link in Link.objects.filter(user__isnull=True):
        invitation = (
            Invitation.objects.filter(agency_id=link.agency_id, email__iexact=link.email, role="partner_liaison")
            .order_by("-created_at")
            .first()
        )
        if invitation is None:
            continue
        if invitation.accepted_by_id is not None:
            link.user_id = invitation.accepted_by_id
        link.invitation_id = invitation.pk
        link.save(update_fields=["user", "invitation"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_invitation_person"),
        ("partnerships", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="partnershipliaison",
            name="invitation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="accounts.invitation",
            ),
        ),
        migrations.RunPython(bind_existing_links, migrations.RunPython.noop),
    ]
