"""Listing, showing and deleting stored articles, with id prefixes accepted."""

from __future__ import annotations

from service.errors import InvalidInput, NotFound
from service.index.store import ArticleStore
from service.model import ArticleInfo

MIN_PREFIX = 4


class Catalog:
    def __init__(self, store: ArticleStore) -> None:
        self._store = store

    def list(self) -> list[ArticleInfo]:
        return self._store.articles()

    def resolve(self, id_or_prefix: str) -> str:
        """The full id for an id or a unique prefix of at least four characters."""
        wanted = id_or_prefix.strip().lower()
        if len(wanted) < MIN_PREFIX or not all(c in "0123456789abcdef" for c in wanted):
            raise InvalidInput(f"'{id_or_prefix}' is not an article id (hex, at least {MIN_PREFIX} characters)")
        if self._store.get(wanted) is not None:
            return wanted
        matches = [a.id for a in self._store.articles() if a.id.startswith(wanted)]
        if not matches:
            raise NotFound(f"no article has the id '{id_or_prefix}' (see 'newsdesk list')")
        if len(matches) > 1:
            raise InvalidInput(f"'{id_or_prefix}' matches {len(matches)} articles; give more characters")
        return matches[0]

    def show(self, id_or_prefix: str) -> ArticleInfo:
        info = self._store.get(self.resolve(id_or_prefix), with_text=True)
        if info is None:
            raise NotFound(f"no article has the id '{id_or_prefix}'")
        return info

    def delete(self, id_or_prefix: str) -> ArticleInfo:
        info = self.show(id_or_prefix)
        self._store.delete(info.id)
        return info
