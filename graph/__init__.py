"""govgraph's domain: model, vocabulary, validation, formats, stores and analyses."""

__version__ = "0.1.0"
