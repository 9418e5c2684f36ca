from django.db import migrations

RESOURCES = [
    ("One Mind Campaign", "What the campaign asks of agencies, and how to join.",
     "https://www.theiacp.org/projects/one-mind-campaign"),
    ("Improving Police Response to Persons Affected by Mental Illness: Model Policy",
     "The IACP model policy that strategy 2 asks agencies to adapt and adopt.",
     "https://www.theiacp.org/resources/policy-center-resource/mental-illness"),
    ("Concepts and Issues Paper", "The background and reasoning behind the model policy.",
     "https://www.theiacp.org/resources/policy-center-resource/mental-illness"),
    ("Police-Mental Health Collaboration (PMHC) Toolkit",
     "How agencies build and sustain partnerships with mental health organizations (strategy 1).",
     "https://bja.ojp.gov/program/pmhc"),
    ("Symposium Report: Improving Police Response to Persons Affected by Mental Illness",
     "The IACP symposium findings the campaign grew out of.",
     "https://www.theiacp.org/resources/document/improving-police-response-to-persons-affected-by-mental-illness"),
    ("One Mind Campaign Summary Guide", "The four strategies in brief, for chiefs and city officials.",
     "https://www.theiacp.org/projects/one-mind-campaign"),
    ("Find a Mental Health First Aid course", "Courses for Mental Health First Aid for Public Safety (strategy 3).",
     "https://www.mentalhealthfirstaid.org/take-a-course/find-a-course/"),
    ("Find a Crisis Intervention Team program", "CIT programs and training near your agency (strategy 4).",
     "https://www.citinternational.org/"),
]


def create_resources(apps, schema_editor):
    Resource = apps.get_model("public", "Resource")
    for position, (title, description, url) in enumerate(RESOURCES):
        Resource.objects.update_or_create(
            title=title, defaults={"description": description, "url": url, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("public", "0001_initial")]
    operations = [migrations.RunPython(create_resources, migrations.RunPython.noop)]
