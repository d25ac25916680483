"""`python -m hotline stats` and `python -m hotline broadcast FILE`: the operators' command line.

It is composed in sapar_cli/hotline.py (the hotline's `stats` from hotline/cli.py, the
reminders' `broadcast` and counts from the bot), so this entry point only starts it.
"""

from __future__ import annotations

import sys

from sapar_cli.hotline import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
