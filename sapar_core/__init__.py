"""What the bot and the hotline both need and neither owns: the SQLite clean-up after deletes
and plain inserts, the Telegram retry flag, a command line's opening of its database, the YAML
reader (content and nlu use it too). Nothing here imports bot/ or hotline/, so either side may
import it."""
