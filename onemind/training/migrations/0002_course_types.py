from django.db import migrations

COURSE_TYPES = [
    ("MHFA-PS", "Mental Health First Aid for Public Safety", "mhfa", "8.0", 36),
    ("MHFA-ADULT", "Adult Mental Health First Aid (equivalent only when approved)", "mhfa", "8.0", 36),
    ("MHFA-RECERT", "Mental Health First Aid recertification", "mhfa_recert", "3.0", 36),
    ("CIT-40", "Crisis Intervention Team, 40-hour", "cit", "40.0", None),
    ("CRIT-40", "BJA Crisis Response and Intervention Training", "cit", "40.0", None),
    ("CIT-911", "CIT for call-takers and dispatchers, 8-hour", "cit_dispatch", "8.0", None),
]


def create_course_types(apps, schema_editor):
    CourseType = apps.get_model("training", "CourseType")
    for code, name, family, hours, months in COURSE_TYPES:
        CourseType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "family": family,
                "default_hours": hours,
                "valid_months": months,
                # Adult MHFA counts only once campaign staff approve it as an equivalent.
                "is_equivalent": code == "MHFA-ADULT",
                "approved": code != "MHFA-ADULT",
            },
        )


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]
    operations = [migrations.RunPython(create_course_types, migrations.RunPython.noop)]
