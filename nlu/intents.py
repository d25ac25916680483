"""The intent contract (shared/spec/intents.md): one set of names for data, parser and dialogue."""

INTENTS: tuple[str, ...] = (
    "greet",
    "goodbye",
    "thanks",
    "affirm",
    "deny",
    "help",
    "change_language",
    "bot_challenge",
    "out_of_scope",
    "recruitment_fees",
    "agency_check",
    "job_offer_check",
    "entry_ban",
    "control_list",
    "stay_rule",
    "work_documents",
    "trafficking_signs",
    "self_check",
    "passport_taken",
    "unpaid_wages",
    "urgent_danger",
    "talk_to_human",
    "hotline_numbers",
    "ngo_help",
    "family_concern",
    "return_home",
    "embassy_contacts",
    "deportation",
    "military_recruitment",
    "privacy",
    "delete_data",
    "pre_departure",
    # Beyond the contract's 32 (README: "Intents added beyond the contract"): answers to the
    # bot's own questions inside flows and follow-ups.
    "dont_understand",
    "dont_know",
)

ENTITY_TYPES: tuple[str, ...] = ("date", "number_of_days", "region", "country", "money")

LANGUAGES: tuple[str, ...] = ("ky", "ru", "en")
