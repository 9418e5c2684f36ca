from django.db import migrations

EDITIONS = [
    {
        "code": "2016",
        "name": "Original campaign wording",
        "summary": "Partnership with a community mental health organization; 100% of sworn officers with current "
        "MHFA for Public Safety; at least 20% with CIT.",
        "is_default": True,
        "partner_scope": "mental_health",
        "policy_covers_idd": False,
        "s3_accepts_cit": False,
    },
    {
        "code": "2019",
        "name": "Current IACP wording",
        "summary": "Partnership with a community health organization; every sworn officer with CIT/CRIT or MHFA; "
        "at least 20% with CIT/CRIT; policy scope also covers intellectual/developmental disabilities.",
        "is_default": False,
        "partner_scope": "health",
        "policy_covers_idd": True,
        "s3_accepts_cit": True,
    },
]


def create_editions(apps, schema_editor):
    RuleEdition = apps.get_model("pledges", "RuleEdition")
    for fields in EDITIONS:
        RuleEdition.objects.update_or_create(code=fields["code"], defaults=fields)


class Migration(migrations.Migration):
    dependencies = [("pledges", "0001_initial")]
    operations = [migrations.RunPython(create_editions, migrations.RunPython.noop)]
