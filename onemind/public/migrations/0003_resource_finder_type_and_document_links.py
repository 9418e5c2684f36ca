from django.db import migrations, models

# The Concepts and Issues Paper and the Summary Guide pointed at the model policy and the campaign's landing page.
# Each now points at the IACP page of the document itself.
DOCUMENT_LINKS = {
    "Concepts and Issues Paper": (
        "https://www.theiacp.org/resources/document/"
        "concepts-and-issues-paper-responding-to-persons-affected-by-mental-illness"
    ),
    "One Mind Campaign Summary Guide": "https://www.theiacp.org/resources/document/one-mind-campaign-summary-guide",
}
OLD_LINKS = {
    "Concepts and Issues Paper": "https://www.theiacp.org/resources/policy-center-resource/mental-illness",
    "One Mind Campaign Summary Guide": "https://www.theiacp.org/projects/one-mind-campaign",
}
FINDERS = {
    "Find a Mental Health First Aid course": "MHFA-PS",
    "Find a Crisis Intervention Team program": "CIT-40",
}


def fix_links(apps, schema_editor):
    Resource = apps.get_model("public", "Resource")
    # Only rows still carrying the wrong seeded link: a URL staff have since corrected by hand is kept.
    for title, url in DOCUMENT_LINKS.items():
        Resource.objects.filter(title=title, url=OLD_LINKS[title]).update(url=url)
    for title, code in FINDERS.items():
        Resource.objects.filter(title=title, finder_type="").update(finder_type=code)


def restore_links(apps, schema_editor):
    Resource = apps.get_model("public", "Resource")
    for title, url in DOCUMENT_LINKS.items():
        Resource.objects.filter(title=title, url=url).update(url=OLD_LINKS[title])


class Migration(migrations.Migration):
    dependencies = [("public", "0002_resources")]
    operations = [
        migrations.AddField(
            model_name="resource",
            name="finder_type",
            field=models.CharField(
                blank=True,
                help_text="For a course finder: the course type code OneMind's own course finder should show as well.",
                max_length=30,
            ),
        ),
        migrations.RunPython(fix_links, restore_links),
    ]
