"""Answers (data files per language), the help directory and interface catalogs."""

from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent
