"""The case card operators see when a case opens (and again when its topic is re-created)."""

from __future__ import annotations

from html import escape

from hotline.cases import Case


def case_card(case: Case) -> str:
    """Return the consented summary shown to operators when a case opens."""
    lines = [f"<b>Case {case.case_code}</b> · {'URGENT' if case.urgent else 'normal'} · "
             f"language: {case.language}",
             f"Topic: {escape(case.topic)}",
             f"Consent: {escape(case.consent)}"]
    if case.region:
        lines.append(f"Region (shared by the person): {escape(case.region)}")
    if case.summary:
        lines.append(f"Check-up (shared by the person): {escape(case.summary)}")
    if case.channel != "telegram":
        lines.append(f"Channel: {escape(case.channel)} chat (text only: files do not reach "
                     "the person)")
    lines.append("Commands in this topic: /claim, /close [reason], /note text, /canned, "
                 "/transcript, /transfer, /block")
    return "\n".join(lines)
