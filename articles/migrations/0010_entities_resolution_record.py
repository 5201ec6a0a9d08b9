from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_search_document"),
    ]

    operations = [
        migrations.AddField(
            model_name="entity",
            name="resolution",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="What automatic resolution moved into the entity this one was merged "
                "into (each article's mention: count, positions, kind; the aliases it added), "
                "so that undoing it puts exactly that back.",
            ),
        ),
    ]
