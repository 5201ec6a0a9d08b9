"""The people, organisations and places the archive's articles mention."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from articles.models import Article, Entity
from articles.views.listing import initials, paginate

PUBLISHED = Article.Status.PUBLISHED


def entity_index(request):
    entities = Entity.objects.annotate(
        n=Count("mentions", filter=Q(mentions__article__status=PUBLISHED))
    ).filter(n__gt=0)
    kind = request.GET.get("kind", "")
    if kind not in Entity.Kind.values:
        kind = ""
    if kind:
        entities = entities.filter(kind=kind)
    letters = initials(entities)
    letter = request.GET.get("letter", "")[:1].upper()
    if letter:
        entities = entities.filter(name__istartswith=letter)
    order = "name" if letter else "-n"
    page = paginate(request, entities.order_by(order, "name"), per_page=60)
    return render(
        request,
        "articles/entity_index.html",
        {
            "page": page,
            "kinds": Entity.Kind.choices,
            "kind": kind,
            "initials": letters,
            "letter": letter,
        },
    )


def entity_detail(request, slug: str):
    entity = get_object_or_404(Entity, slug=slug)
    articles = Article.objects.published().filter(mentions__entity=entity)
    page = paginate(request, articles.for_listing().newest_first())
    return render(request, "articles/entity_detail.html", {"entity": entity, "page": page})
