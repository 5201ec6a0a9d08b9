from django.db import migrations, models


def mark_tagged(apps, schema_editor):
    """Articles with automatically found mentions were looked at; the rest (none found, or
    never looked at) are looked at again by the next import that meets them."""
    Article = apps.get_model("articles", "Article")
    Mention = apps.get_model("articles", "Mention")
    tagged = Mention.objects.filter(origin="auto").values("article_id")
    Article.objects.filter(pk__in=tagged).update(entities_found_at=models.F("updated_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="entities_found_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When entities were last looked for in the body; empty: not yet.",
                null=True,
            ),
        ),
        migrations.RunPython(mark_tagged, migrations.RunPython.noop),
    ]
