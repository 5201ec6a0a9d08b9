"""The newsroom's two admin roles, as groups.

Editors add, correct, delete, publish and withdraw articles and curate authors, entities,
publications and sections; Viewers read everything in the admin and change nothing.
Making a person either is a matter of ticking "staff status" and the group.
Running this again (or after an admin widened a group) only adds what is missing.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["article", "byline", "mention", "entity", "author", "publication", "section"]
ROLES = {
    "Editors": ["add", "change", "delete", "view"],
    "Viewers": ["view"],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations have run (post_migrate);
    # make this app's now, so that a fresh database gets its groups in one `migrate`.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    for name, actions in ROLES.items():
        group, _ = Group.objects.using(db).get_or_create(name=name)
        codenames = [f"{action}_{model}" for action in actions for model in MODELS]
        permissions = Permission.objects.using(db).filter(
            content_type__app_label="articles", codename__in=codenames
        )
        if permissions.count() != len(codenames):
            raise RuntimeError(f"Some of the permissions {codenames} do not exist.")
        group.permissions.add(*permissions)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_entity_curation"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
