"""Sapar: the dialogue core, the console chat and the Telegram bot."""
