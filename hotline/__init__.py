"""Anonymous hand-off of chats to hotline operators and partner NGOs."""
