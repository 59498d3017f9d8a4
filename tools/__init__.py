"""Maintainer tools for the book (not part of the model package)."""
