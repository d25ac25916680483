"""Command lines that span the bot and the hotline, composed from both packages' parts.

Only entry points (`__main__` modules) import this package, so no library module of the
hotline depends on the bot through it (tests/test_import_graph.py checks both rules).
"""
