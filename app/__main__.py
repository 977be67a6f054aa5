"""``python -m app`` runs the govgraph command line."""

from app.cli import main

main()
