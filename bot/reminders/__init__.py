"""Opt-in reminders before a deadline and opt-in alerts when the rules change (issue 19).

Stay reminders (the last legal day), registration and new-contract deadlines are stored only
after an explicit yes: the date, the language and the encrypted chat id, under the pseudonym,
and deleted when the date has passed, on "stop reminders" and on /forget. Alerts go to the
subscribers of a topic; an operator sends them (preview, confirmation, then a paced,
resumable send that keeps replies to people first).
"""
