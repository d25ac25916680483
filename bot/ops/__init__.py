"""Running Sapar on a server: checks, backups, key rotation, metrics, logs, health routes."""
