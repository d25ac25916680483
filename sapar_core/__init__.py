"""What the bot and the hotline both need and neither owns: the SQLite clean-up after deletes,
the Telegram retry flag, a command line's opening of its database. Nothing here imports bot/
or hotline/, so either side may import it."""
