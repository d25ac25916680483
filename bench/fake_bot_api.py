"""A local, Bot-API-compatible HTTP server for tests and benchmarks (127.0.0.1 only).

It answers the methods Sapar uses, hands out queued updates through getUpdates, records every
request, and can be told to fail (429 with retry_after, 500, malformed JSON, slow answers).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_USER = {"id": 777000111, "is_bot": True, "first_name": "Sapar", "username": "sapar_test_bot",
            "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": False}


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    result: Any = None  # what the fake answered (a test reads ids from it, never guesses)


class _QuietServer(ThreadingHTTPServer):
    """A client hanging up mid-answer (a long poll at shutdown) is normal, not an error."""

    daemon_threads = True
    # A bot opens dozens of connections at once (PTB's pool holds up to 256); with the default
    # listen backlog of 5 the kernel resets some of them and requests fail with httpx.ReadError.
    request_queue_size = 256

    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class FakeBotApi:
    """Start with `with FakeBotApi() as api:`; point TELEGRAM_API_BASE_URL at `api.base_url`."""

    def __init__(self, operator_chat: dict[str, Any] | None = None) -> None:
        self.calls: list[Call] = []
        self.updates: deque[dict[str, Any]] = deque()
        self.failures: dict[str, deque[str]] = {}
        self.chat_failures: dict[tuple[str, str], deque[str]] = {}
        self.operator_chat = operator_chat or {
            "id": -1001234567890, "type": "supergroup", "title": "Hotline operators",
            "is_forum": True}
        self.members: dict[int, str] = {}
        self.group_chats: dict[int, dict[str, Any]] = {}  # more forum groups (partner desks)
        # topics an operator deleted or closed: thread id -> the Bot API's error description
        self.unusable_threads: dict[int, str] = {}
        self.deleted_messages: list[tuple[int, int]] = []  # (chat id, message id)
        self.undeletable: set[tuple[int, int]] = set()  # messages deleteMessage(s) refuses
        self.files: dict[str, bytes] = {}  # file_id -> the bytes getFile's download returns
        self._message_ids = itertools.count(1000)
        self._update_ids = itertools.count(1)
        self._thread_ids = itertools.count(50)
        self._lock = threading.Condition()
        self._server = _QuietServer(("127.0.0.1", 0), self._handler_class())
        # shutdown() waits for the serving loop to look up: at the default 0.5 s that was half
        # of a short test's time
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.02}, daemon=True)
        self.handlers: dict[str, Callable[[dict[str, Any]], Any]] = {}

    # ----- lifecycle ------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The value for TELEGRAM_API_BASE_URL (the token is appended by the client)."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/bot"

    def __enter__(self) -> FakeBotApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._lock.notify_all()
        self._server.shutdown()
        self._server.server_close()

    # ----- what tests do --------------------------------------------------------------------

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates; return its update_id."""
        with self._lock:
            update = {"update_id": next(self._update_ids), **update}
            self.updates.append(update)
            self._lock.notify_all()
            return update["update_id"]

    def fail(self, method: str, *kinds: str) -> None:
        """Make the next calls of a method fail: '429', '500', 'malformed', 'slow', '400', '401',
        '403' (the bot was blocked by the user)
        ('429:N' retries after N s, 'slow:N' answers after N s)."""
        with self._lock:
            self.failures.setdefault(method, deque()).extend(kinds)

    def fail_chat(self, method: str, chat_id: int, *kinds: str) -> None:
        """Like `fail`, for the calls of a method to one chat only ('429:5': retry after 5 s)."""
        with self._lock:
            self.chat_failures.setdefault((method, str(chat_id)), deque()).extend(kinds)

    def delete_topic(self, thread_id: int) -> None:
        """An operator deletes a forum topic: every later request into it is refused."""
        with self._lock:
            self.unusable_threads[thread_id] = "Bad Request: message thread not found"

    def close_topic(self, thread_id: int) -> None:
        """A topic closed where the bot may no longer post (its rights were narrowed)."""
        with self._lock:
            self.unusable_threads[thread_id] = "Bad Request: TOPIC_CLOSED"

    def add_group(self, chat_id: int, title: str = "Partner desk") -> None:
        """Add another forum supergroup the bot administers (a partner NGO's desk)."""
        self.group_chats[chat_id] = {"id": chat_id, "type": "supergroup", "title": title,
                                     "is_forum": True}

    def calls_of(self, *methods: str) -> list[Call]:
        """Return the recorded calls of some methods, oldest first."""
        with self._lock:
            return [c for c in self.calls if c.method in methods]

    def wait_for(self, predicate: Callable[[list[Call]], bool], timeout: float = 10.0
                 ) -> list[Call]:
        """Block until the recorded calls satisfy a predicate; raise TimeoutError otherwise."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not predicate(list(self.calls)):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"condition not met; last calls: "
                                       f"{[c.method for c in self.calls[-10:]]}")
                self._lock.wait(remaining)
            return list(self.calls)

    def new_message_id(self) -> int:
        """Return a fresh message id."""
        return next(self._message_ids)

    # ----- the server -----------------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the real Bot API
            # Headers and body go out in two writes: with Nagle on, a kept-alive connection
            # holds the body until the client's delayed ACK (~40 ms per request).
            disable_nagle_algorithm = True

            def log_message(self, *args: object) -> None:
                return

            def do_POST(self) -> None:
                api._serve(self)

            do_GET = do_POST  # noqa: N815

        return Handler

    def _read_params(self, request: BaseHTTPRequestHandler) -> dict[str, Any]:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        content_type = request.headers.get("Content-Type", "")
        if "application/json" in content_type:
            return json.loads(body or b"{}")
        if "multipart/form-data" in content_type:
            message = BytesParser(policy=HTTP).parsebytes(
                f"Content-Type: {content_type}\r\n\r\n".encode() + body)
            params: dict[str, Any] = {}
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True) or b""
                if part.get_filename():
                    params[name] = {"filename": part.get_filename(), "content": payload}
                else:
                    params[name] = payload.decode()
            return params
        return dict(parse_qsl(body.decode()))

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        if request.path.startswith("/file/"):
            self._send_file(request)
            return
        method = request.path.rsplit("/", 1)[-1]
        params = self._read_params(request)
        with self._lock:
            queue = self.chat_failures.get((method, str(params.get("chat_id"))))
            if not queue:
                queue = self.failures.get(method)
            failure = queue.popleft() if queue else None
        if failure == "pass":  # this call goes through as usual
            failure = None
        thread = params.get("message_thread_id")
        with self._lock:
            refused = self.unusable_threads.get(int(thread)) if thread else None
        if refused and method != "deleteForumTopic":
            with self._lock:
                self.calls.append(Call(f"{method}!thread", params))
                self._lock.notify_all()
            self._send(request, 400, {"ok": False, "error_code": 400, "description": refused})
            return
        if failure and failure.startswith("slow"):
            with self._lock:  # the request has arrived; its answer is late
                self.calls.append(Call(f"{method}~slow", params))
                self._lock.notify_all()
            time.sleep(float(failure.partition(":")[2] or 3))  # 'slow:17': a 17 s answer
        elif failure:
            self._fail(request, method, params, failure)
            return
        call = Call(method, params)
        if method != "getUpdates":
            with self._lock:
                self.calls.append(call)
                self._lock.notify_all()
        result = self._result(method, params)
        with self._lock:
            call.result = result
            self._lock.notify_all()
        self._send(request, 200, {"ok": True, "result": result})

    def _fail(self, request: BaseHTTPRequestHandler, method: str, params: dict[str, Any],
              kind: str) -> None:
        with self._lock:
            self.calls.append(Call(f"{method}!{kind}", params))
            self._lock.notify_all()
        if kind.startswith("429"):
            after = int(kind.partition(":")[2] or 1)
            self._send(request, 429, {"ok": False, "error_code": 429,
                                      "description": f"Too Many Requests: retry after {after}",
                                      "parameters": {"retry_after": after}})
        elif kind == "500":
            self._send(request, 500, {"ok": False, "error_code": 500,
                                      "description": "Internal Server Error"})
        elif kind == "401":
            self._send(request, 401, {"ok": False, "error_code": 401,
                                      "description": "Unauthorized"})
        elif kind == "403":
            self._send(request, 403, {"ok": False, "error_code": 403,
                                      "description": "Forbidden: bot was blocked by the user"})
        elif kind == "400":
            self._send(request, 400, {"ok": False, "error_code": 400,
                                      "description": "Bad Request: chat not found"})
        else:
            raw = b'{"ok": true, "result": {'
            request.send_response(200)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(raw)))
            request.end_headers()
            request.wfile.write(raw)

    def _send_file(self, request: BaseHTTPRequestHandler) -> None:
        name = request.path.rsplit("/", 1)[-1]
        raw = self.files.get(name.removesuffix(".bin"),
                             b"%PDF-1.4 fake document for " + name.encode())
        request.send_response(200)
        request.send_header("Content-Type", "application/octet-stream")
        request.send_header("Content-Length", str(len(raw)))
        request.end_headers()
        request.wfile.write(raw)

    @staticmethod
    def _send(request: BaseHTTPRequestHandler, status: int, payload: dict[str, Any]) -> None:
        raw = json.dumps(payload).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(raw)))
        request.end_headers()
        request.wfile.write(raw)

    def _chat(self, chat_id: int) -> dict[str, Any] | None:
        """Return a group the fake knows (the operators' chat or a partner's), else None."""
        if chat_id == self.operator_chat["id"]:
            return self.operator_chat
        return self.group_chats.get(chat_id)

    def _message(self, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
        chat_id = int(params.get("chat_id", 0))
        chat = self._chat(chat_id) or {"id": chat_id, "type": "private", "first_name": "User"}
        message = {"message_id": self.new_message_id(), "date": int(time.time()),
                   "chat": chat, "from": BOT_USER}
        if params.get("message_thread_id"):
            message["message_thread_id"] = int(params["message_thread_id"])
            message["is_topic_message"] = True
        message.update(extra)
        return message

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method in self.handlers:
            return self.handlers[method](params)
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            return self._get_updates(params)
        if method in ("sendMessage", "editMessageText"):
            return self._message(params, text=params.get("text", ""))
        if method == "sendDocument":
            document = params.get("document") or {}
            name = document.get("filename", "file") if isinstance(document, dict) else "file"
            return self._message(params, document={"file_id": "f1", "file_unique_id": "u1",
                                                   "file_name": name})
        if method == "getFile":
            file_id = str(params.get("file_id", "f"))
            return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": 40,
                    "file_path": f"documents/{file_id}.bin"}
        if method == "sendPhoto":
            return self._message(params, photo=[{"file_id": "p1", "file_unique_id": "p1u",
                                                 "width": 90, "height": 90}])
        if method in ("copyMessage", "forwardMessage"):
            return {"message_id": self.new_message_id()}
        if method in ("sendVoice", "sendVideoNote", "sendAudio", "sendLocation", "sendSticker"):
            return self._message(params)
        if method in ("deleteMessage", "deleteMessages"):
            return self._delete(params)
        if method == "deleteForumTopic":
            with self._lock:
                self.unusable_threads[int(params.get("message_thread_id", 0))] = (
                    "Bad Request: message thread not found")
            return True
        if method == "createForumTopic":
            return {"message_thread_id": next(self._thread_ids), "name": params.get("name"),
                    "icon_color": 7322096}
        if method == "getChat":
            group = self._chat(int(params.get("chat_id", 0)))
            if group is not None:
                return {**group, "accent_color_id": 0, "max_reaction_count": 11,
                        "accepted_gift_types": {"unlimited_gifts": False,
                                                "limited_gifts": False,
                                                "unique_gifts": False,
                                                "premium_subscription": False,
                                                "gifts_from_channels": False}}
            return {"id": int(params.get("chat_id", 0)), "type": "private",
                    "accent_color_id": 0, "max_reaction_count": 11,
                    "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                            "unique_gifts": False,
                                            "premium_subscription": False,
                                            "gifts_from_channels": False}}
        if method == "getChatMember":
            user_id = int(params.get("user_id", 0))
            status = "administrator" if user_id == BOT_USER["id"] else self.members.get(
                user_id, "left")
            member: dict[str, Any] = {"status": status, "user": {
                "id": user_id, "is_bot": user_id == BOT_USER["id"], "first_name": "Member"}}
            if status == "administrator":
                member.update({
                    "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
                    "can_delete_messages": True, "can_manage_video_chats": False,
                    "can_restrict_members": False, "can_promote_members": False,
                    "can_change_info": False, "can_invite_users": True,
                    "can_post_stories": False, "can_edit_stories": False,
                    "can_delete_stories": False, "can_manage_topics": True,
                    "can_pin_messages": True})
            elif status == "member":
                member["until_date"] = None
            return member
        return True

    def _delete(self, params: dict[str, Any]) -> bool:
        """Delete messages as Telegram does: refused ones (too old) are left; True if any went.

        deleteMessages skips the messages it cannot delete and still answers True; deleteMessage
        of one such message is a 400 (raised by `fail` in tests that need it).
        """
        chat_id = int(params.get("chat_id", 0))
        raw = params.get("message_ids", params.get("message_id"))
        ids = json.loads(raw) if isinstance(raw, str) and raw.startswith("[") else raw
        ids = ids if isinstance(ids, list) else [ids]
        with self._lock:
            for message_id in ids:
                if (chat_id, int(message_id)) not in self.undeletable:
                    self.deleted_messages.append((chat_id, int(message_id)))
        return True

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 1.0)
        deadline = time.monotonic() + timeout
        with self._lock:
            while self.updates and self.updates[0]["update_id"] < offset:
                self.updates.popleft()
            while not self.updates and time.monotonic() < deadline:
                self._lock.wait(deadline - time.monotonic())
            return list(itertools.islice(self.updates, 0, int(params.get("limit") or 100)))
