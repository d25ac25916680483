"""Canned replies: one text, sent to the user in their language (translated via the catalogs)."""

from content.i18n import mark

CANNED: tuple[str, ...] = (
    mark("Hello, I am a hotline operator. I am reading your messages. How can I help you?"),
    mark("Are you safe right now? Can you write freely, or is someone watching your phone?"),
    mark("If you are in danger right now, call 112. It works in Russia even without credit "
         "or a SIM card."),
    mark("Please write the city you are in, if you agree to share it. You don't have to."),
    mark("I need a few minutes to check this. Please stay in this chat."),
    mark("Keep copies of your passport, contract and pay records, on your phone or with "
         "someone you trust."),
    mark("Thank you for writing. I am closing this chat now; you can write again at any time."),
)
