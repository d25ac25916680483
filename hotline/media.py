"""Voice notes, video notes, audio, stickers and locations during a hand-off, both ways.

They travel as new messages sent by file id (a copy: the person's name, username and chat never
go with them, unlike a forward), with their duration in the transcript. A location identifies
the person: it waits for an explicit button. A contact card is never passed on.
"""

from __future__ import annotations

import warnings
from typing import Any

from telegram import Bot, Message

MEDIA = ("voice", "video_note", "audio", "sticker")  # relayed as copies by file id
KIND = "user_media"  # the outbox kind (operators' side); "op_media" on the person's side


def duration_text(seconds: int | None) -> str:
    """Return a duration as m:ss."""
    seconds = int(seconds or 0)
    return f"{seconds // 60}:{seconds % 60:02d}"


def media_of(message: Message) -> dict[str, Any] | None:
    """Return what a relay needs of a voice note, video note, audio or sticker (else None)."""
    for media in MEDIA:
        item = getattr(message, media, None)
        if item is not None:
            return {"media": media, "file_id": item.file_id, "duration": seconds_of(item)}
    return None


def seconds_of(item: object) -> int | None:
    """Return a media item's duration in seconds (PTB 22.2+ moves it to a timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the deprecation notice about that move
        duration = getattr(item, "duration", None)
    if duration is None:
        return None
    return int(duration.total_seconds()) if hasattr(duration, "total_seconds") else int(
        duration)


def transcript_line(payload: dict[str, Any]) -> str:
    """Return the transcript line of a relayed media message (its kind and duration)."""
    media = payload["media"]
    if media == "location":
        return "[location, shared after the person confirmed]"
    if media == "sticker":
        return "[sticker]"
    return f"[{media.replace('_', ' ')}, {duration_text(payload.get('duration'))}]"


async def send_media(bot: Bot, chat_id: int, payload: dict[str, Any], *,
                     thread: int | None = None, caption: str | None = None) -> Message:
    """Send a copy of a media message by file id (or a location by its coordinates)."""
    media = payload["media"]
    if media == "voice":
        return await bot.send_voice(chat_id, payload["file_id"], caption=caption,
                                    parse_mode="HTML", message_thread_id=thread)
    if media == "audio":  # a file's own title and performer can name someone: replaced
        return await bot.send_audio(chat_id, payload["file_id"], caption=caption,
                                    parse_mode="HTML", title="audio", performer="-",
                                    message_thread_id=thread)
    if media == "video_note":
        return await bot.send_video_note(chat_id, payload["file_id"], message_thread_id=thread)
    if media == "sticker":
        return await bot.send_sticker(chat_id, payload["file_id"], message_thread_id=thread)
    if media == "location":
        return await bot.send_location(chat_id, latitude=float(payload["latitude"]),
                                       longitude=float(payload["longitude"]),
                                       message_thread_id=thread)
    raise ValueError(f"unknown media {media}")
