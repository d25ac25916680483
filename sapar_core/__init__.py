"""What the bot and the hotline both need and neither owns: the SQLite clean-up after deletes,
the Telegram retry flag, the YAML reader (content and nlu use it too). Nothing here imports
bot/ or hotline/, so either side may import it."""
