"""Template tags for citing what the archive shows: absolute permalinks and citations."""

from django import template
from django.utils.encoding import uri_to_iri

from articles import citations
from articles.views.citations import article_citation

register = template.Library()


@register.simple_tag(takes_context=True)
def permalink(context, obj) -> str:
    """The absolute, stable address of ``obj`` (anything with ``get_absolute_url``)."""
    return context["request"].build_absolute_uri(obj.get_absolute_url())


@register.simple_tag(takes_context=True)
def cite_article(context, article) -> dict:
    """``{"url": permalink, "shown_url": it as readers read it, "text": plain-text citation}``
    for ``article`` (a Persian slug is shown in its letters, not percent-encoded)."""
    citation = article_citation(context["request"], article)
    return {
        "url": citation.url,
        "shown_url": uri_to_iri(citation.url),
        "text": citations.plain_text(citation),
    }
