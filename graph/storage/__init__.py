"""Stores: pick one by URL with :func:`open_store`."""

from __future__ import annotations

import os

from graph.storage.base import GraphStore, QueryResult, ScenarioSummary

__all__ = ["open_store", "is_neo4j_url", "GraphStore", "QueryResult", "ScenarioSummary"]

NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


def is_neo4j_url(url: str | None) -> bool:
    """Return True if ``url`` names a Neo4j server, cluster or Aura instance.

    Examples
    --------
    >>> is_neo4j_url("neo4j+s://x.databases.neo4j.io"), is_neo4j_url("/tmp/db")
    (True, False)
    """
    return bool(url) and str(url).startswith(NEO4J_SCHEMES)


def open_store(
    url: str | None = None,
    *,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    **embedded: int,
) -> GraphStore:
    """Open the store ``url`` names: a Neo4j URI, a folder for the embedded store, or None
    for an embedded store in memory.

    Credentials default to ``NEO4J_USER``, ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE``;
    ``embedded`` options (``query_workers``, ``query_memory_mb``) go to the embedded store.
    """
    if is_neo4j_url(url):
        from graph.storage.neo4j import Neo4jStore

        return Neo4jStore(
            str(url),
            user=user or os.environ.get("NEO4J_USER"),
            password=password or os.environ.get("NEO4J_PASSWORD"),
            database=database or os.environ.get("NEO4J_DATABASE"),
        )
    from graph.storage.embedded import EmbeddedStore

    return EmbeddedStore(url, **embedded)
