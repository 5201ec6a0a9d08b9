"""Copying a whole archive from one database to another: SQLite to PostgreSQL when an
archive outgrows the embedded default (``manage.py move_archive``), or back.

Every row of every model is copied with its primary key, in batches (``bulk_create``; no
model signals fire, so nothing is indexed or re-extracted on the way), in one transaction
on the target: a failed copy leaves the target as it was. Foreign keys are checked at
commit (Django creates them deferrable on both PostgreSQL and SQLite), so tables may go in
any order. Content types and permissions are made by ``migrate`` on the target with ids of
its own: they are not copied but mapped by their natural keys. The roles that migrations
create (groups) are replaced by the source's own, with their permissions. The search index
is not a model: it is built afterwards on the target (``manage.py reindex``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connections, models, transaction

from articles.models import Article

BATCH_SIZE = 2_000

# Rows that ``migrate`` makes on the target with ids of its own: mapped, never copied.
MADE_BY_MIGRATE = (ContentType, Permission)


class TargetNotEmpty(Exception):
    """The target database already holds an archive; a copy would mix two."""


def copied_models() -> list[type[models.Model]]:
    """The models whose rows a copy moves: every managed, concrete model (many-to-many
    tables included) but content types and permissions."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model not in MADE_BY_MIGRATE
    ]


def copy_archive(
    source: str,
    target: str,
    *,
    batch_size: int = BATCH_SIZE,
    on_model: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Copy every row from database alias ``source`` to the migrated, empty ``target``;
    returns the rows copied per model label. ``on_model(label, rows)`` is told as each
    model is done. Raises ``TargetNotEmpty`` if the target holds articles or users."""
    user_model = apps.get_model("auth", "User")
    for model in (Article, user_model):
        if model._base_manager.using(target).exists():
            raise TargetNotEmpty(
                f"The target database already holds {model._meta.verbose_name_plural}: "
                "copy into a new, migrated database."
            )
    maps: dict[type[models.Model], dict] = {
        ContentType: _content_types(source, target),
        Permission: _permissions(source, target),
    }
    copied: dict[str, int] = {}
    done: list[type[models.Model]] = []
    with transaction.atomic(using=target):
        # The roles migrations made on the target give way to the source's own.
        Group.permissions.through._base_manager.using(target).all().delete()
        Group._base_manager.using(target).all().delete()
        for model in copied_models():
            copied[model._meta.label] = rows = _copy(model, source, target, maps, batch_size)
            done.append(model)
            if on_model:
                on_model(model._meta.label, rows)
        _reset_sequences(target, done)
    return copied


def _content_types(source: str, target: str) -> dict[int, int]:
    """Source content type id -> the target's id of the same (app label, model)."""
    theirs = {
        (ct.app_label, ct.model): ct.pk for ct in ContentType.objects.db_manager(target).all()
    }
    mapping = {}
    for ct in ContentType.objects.db_manager(source).all():
        key = (ct.app_label, ct.model)
        if key not in theirs:  # a model the target's code does not have (yet): keep it
            theirs[key] = (
                ContentType.objects.db_manager(target)
                .create(app_label=ct.app_label, model=ct.model)
                .pk
            )
        mapping[ct.pk] = theirs[key]
    return mapping


def _permissions(source: str, target: str) -> dict[int, int]:
    """Source permission id -> the target's id of the same (app label, model, codename)."""

    def keyed(alias: str) -> dict[tuple[str, str, str], int]:
        rows = Permission.objects.db_manager(alias).values_list(
            "content_type__app_label", "content_type__model", "codename", "pk"
        )
        return {(app, model, codename): pk for app, model, codename, pk in rows}

    theirs = keyed(target)
    return {pk: theirs[key] for key, pk in keyed(source).items() if key in theirs}


def _batches(rows: Iterable, size: int) -> Iterator[list]:
    rows = iter(rows)
    while batch := list(islice(rows, size)):
        yield batch


def _copy(model, source: str, target: str, maps: dict, batch_size: int) -> int:
    # Foreign keys to mapped models get the target's ids; a row whose permission the
    # target does not know (a model removed since) is left out.
    remapped = [
        (field.attname, maps[field.related_model])
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model in maps
    ]
    rows = model._base_manager.using(source).order_by("pk").iterator(chunk_size=batch_size)
    count = 0
    with _timestamps_kept(model):
        for batch in _batches(rows, batch_size):
            count += _insert(model, batch, target, remapped)
    return count


@contextlib.contextmanager
def _timestamps_kept(model):
    """Rows keep their own creation and change times: ``auto_now``/``auto_now_add`` would
    set them to now on insert, so they are off while the model is copied (a command runs
    alone in its process)."""
    stamped = [
        (field, field.auto_now, field.auto_now_add)
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    for field, _, _ in stamped:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in stamped:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _insert(model, batch: list, target: str, remapped: list) -> int:
    kept = []
    for row in batch:
        for attname, mapping in remapped:
            value = getattr(row, attname)
            if value is not None:
                if value not in mapping:
                    break
                setattr(row, attname, mapping[value])
        else:
            kept.append(row)
    model._base_manager.using(target).bulk_create(kept)
    return len(kept)


def _reset_sequences(alias: str, done: list[type[models.Model]]) -> None:
    """Let the target's next new row of each model take a key above the copied ones."""
    connection = connections[alias]
    statements = connection.ops.sequence_reset_sql(no_style(), done)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
