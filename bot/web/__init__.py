"""The web chat: the same dialogue core and hotline as the Telegram bot, in a plain web page."""
