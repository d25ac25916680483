"""Cue phrases that tell the dialogue about the person's situation, in ky/ru/en, any script.

The parser says what a message is about; these say how it relates to the conversation: a
relative speaking, a contract that ended or that there is none, "what now" after an answer.
They match the folded view of the text (lower case, Kyrgyz letters typed as Russian ones), so
"келишимим бүттү" and "келишимим бутту" read alike; Latin-typed forms are listed beside them.
"""

from __future__ import annotations

import re

from nlu.normalize import fold


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# whom a relative asks about: key -> patterns (Russian, Kyrgyz, Latin-typed, English)
RELATIVES: dict[str, re.Pattern[str]] = {
    "son": _any(r"\bсын(а|у|ом|ок)?\b", r"\bуулу(м|бу|бус|буз)\b", r"\buulu(m|buz)\b",
                r"\bmy son\b", r"\bour son\b"),
    "daughter": _any(r"\bдоч(ь|ка|ки|ку|ери|ерь)\b", r"\bкызы(м|бы|быз)\b", r"\bkyzy(m|byz)\b",
                     r"\bmy daughter\b"),
    "husband": _any(r"\bмуж(а|у|ем)?\b", r"\bкуйоо(м|бу)\b", r"\bkuyoo(m|bu)\b", r"\bkuioom\b",
                    r"\bmy husband\b"),
    "wife": _any(r"\bжен(а|у|ой|ы)\b", r"\bаялы(м|бы)\b", r"\bayalym\b", r"\baialym\b",
                 r"\bmy wife\b"),
    "brother": _any(r"\bбрат(а|у|ом|ишка)?\b", r"\b(агам|иним|агабыз|инибиз)\b",
                    r"\b(agam|inim)\b", r"\bmy (little |older |younger )?brother\b"),
    "sister": _any(r"\bсестр(а|у|ой|ы|енка)\b", r"\b(эжем|карындашым|синдим|сиӊдим)\b",
                   r"\b(ejem|eje[mn]|karyndashym|sindim)\b", r"\bmy (little |older )?sister\b"),
    "child": _any(r"\bребен(ок|ка|ку)\b", r"\bбалам\b", r"\bbalam\b", r"\bmy child\b"),
    "relative": _any(r"\bплемянн?ик\w*", r"\bродственни\w*", r"\bтуугану?м\b",
                     r"\bжээни?м\b", r"\btuuganym\b", r"\bmy (cousin|nephew|niece|relative|"
                     r"uncle|aunt|father|dad|mother|mum|mom)\b"),
}

CONTRACT_ENDED = _any(
    r"(договор|контракт)\w*\s+(\w+\s+)?(законч|кончи|истек|истёк|расторг|прекрат|закрыл)",
    r"(законч|кончил|истек|расторг)\w*\s+(\w+\s+)?(договор|контракт)",
    r"келишим\w*\s+(\w+\s+)?(бутт|буткон|буту|аяктад|токтот)",
    r"(dogovor|kontrakt|kelishim)\w*\s+(\w+\s+)?(buttu|butkon|zakonch|konchil|istek)",
    r"contract\w*\s+(has\s+|have\s+)?(\w+\s+)?(ended|expired|finished|is over|was over|"
    r"terminated|ran out)",
    r"(ended|terminated|finished) (my|the|our) contract",
)
NO_CONTRACT = _any(
    r"(нет|без|не было|не дали|не подписал\w*)\s+(\w+\s+)?(договор|контракт)",
    r"(договор|контракт)\w*\s+(\w+\s+)?(нет|не было)",
    r"(келишим|договор|контракт)\w*\s+(\w+\s+)?жок",
    r"(kelishim|dogovor|kontrakt)\w*\s+(\w+\s+)?(jok|net)",
    r"\bno (work |written |employment )?contract", r"without (a |any )?contract",
    r"(dont|don't|do not|didnt|never) (have|has|got|sign\w*) (a |any )?contract",
)
HAS_CONTRACT = _any(
    r"(есть|подписал\w*|имею)\s+(\w+\s+)?(трудовой\s+)?(договор|контракт)",
    r"(договор|контракт)\w*\s+(\w+\s+)?есть",
    r"(келишим|договор)\w*\s+(\w+\s+)?бар", r"(kelishim|dogovor)\w*\s+(\w+\s+)?bar",
    r"\bi (have|signed|got) (a |an )?(work |employment |labour |labor )?contract",
)
# "what now", "please help", "and then?": the person wants the next step on the same topic
WHAT_NOW = _any(
    r"что (же )?(мне |нам )?(теперь |сейчас |дальше )?(делать|делать теперь)",
    r"что дальше", r"^(а|и) (что )?дальше", r"^и что\b", r"как (мне |нам )?быть",
    r"что (мне |нам )?(теперь|сейчас)\b", r"помоги(те)?\b",
    r"эмне (кыл\w*)", r"^эми эмне", r"андан кийин", r"^анан\b", r"^andan kiiin\b",
    r"жардам (бер|бериниз|бергиле|керек)", r"кантем\b", r"эмне иш кылам",
    r"emne (kyl\w*)", r"^emi emne", r"jardam (ber|kerek)", r"^anan\b",
    r"\bwhat (now|next)\b", r"\bwhat (do|should|can|shall) (i|we) do\b", r"\band then\b",
    r"\b(а|и) (что )?дальше\b", r"\bанан (эмне|эмнe)\b", r"\banan emne\b",
    r"\bnow what\b", r"\bhelp me\b", r"\bplease help\b", r"^help\b", r"\bwhat is the next step",
    r"\b(the )?first step\b", r"\bwhere (do|should) i (start|begin)\b", r"с чего (мне )?начать",
    r"\bпервый шаг\b", r"эмнеден баштайм", r"\bemneden bashtaim\b",
)
# "count my days": the person wants the stay calculator itself
COUNT_DAYS = _any(
    r"(посчита|подсчита|сосчита|считай|посчитай)\w*\s+(\w+\s+){0,3}(дн|срок)",
    r"сколько\s+(\w+\s+){0,3}(осталось|остается|остаётся)",
    r"(кун|кундор|кундорум)\w*\s+(\w+\s+){0,2}(эсепте|санап|сана)", r"канча кун (калды|калган)",
    r"(kun|kunder|kundor)\w*\s+(\w+\s+){0,2}(esepte|sanap|sana)", r"kancha kun (kaldy|kalgan)",
    r"\bcount (my |the )?days\b", r"\bhow many days (do i have )?left\b",
    r"\bdays calculator\b",
)


def relative_in(text: str) -> str | None:
    """Return whom the message is about when a relative writes ("son", "relative"...)."""
    folded = fold(text)
    for key, pattern in RELATIVES.items():
        if pattern.search(folded):
            return key
    return None


def contract_status(text: str) -> str | None:
    """Return "ended", "no" or "yes" when the message says so about a work contract."""
    folded = fold(text)
    if CONTRACT_ENDED.search(folded):
        return "ended"
    if NO_CONTRACT.search(folded):
        return "no"
    if HAS_CONTRACT.search(folded):
        return "yes"
    return None


# "тут плохо на работе", "жумушта кыйын болуп жатат", "trouble at work": something is wrong at
# work, but not yet what
TROUBLE_AT_WORK = _any(
    r"\b(плохо|тяжело|трудно|проблем\w*|беда|неприятност\w*|жесть)\s+(на|с)\s+работ\w*",
    r"\bна\s+работе\s+(плохо|тяжело|трудно|проблем\w*|беда|неприятност\w*|жесть)",
    r"\bс\s+работодател\w*\s+проблем\w*|\bпроблем\w*\s+с\s+(работодател|начальник|хозя)\w*",
    r"\b(жумушта|иште|жумуш\s+жерде)\s+(кыйын|жаман|проблема|койгой|кыйынчылык|оор)\w*",
    r"\b(jumushta|ishte)\s+(kyiyn|kyyn|kiyin|jaman|problema|koigoi|oor)\w*",
    r"\b(trouble|problems?|issues?)\s+(at|with)\s+(my\s+)?(work|job|boss|employer)\b",
    r"\b(bad|hard|terrible|awful)\s+(at|in)\s+(my\s+)?(work|job)\b",
    r"\b(work|job)\s+is\s+(bad|hard|terrible|awful)\b",
)


# "сейчас дома", "үйгө келдим", "came home": the person is back in Kyrgyzstan already
AT_HOME = _any(
    r"\b(сейчас|уже|я|мы)\s+дома\b", r"\b(вернул\w*|приехал\w*)\s+домой\b",
    r"\b(уйдомун|уйдобуз|уйдомүн)\b", r"\bазыр\s+уйдо\b", r"\bуйго\s+(келдим|кайттым|келдик)\b",
    r"\b(uidomun|uydomun|uigo keldim|uygo keldim)\b",
    r"\b(came|come|went|got)\s+(back\s+)?home\b", r"\b(i am|im|we are|now)\s+(back\s+)?home\b",
    r"\bback\s+home\s+now\b",
)


def says_at_home(text: str) -> bool:
    """Return True when the person says they are back home (going home is not their need)."""
    return bool(AT_HOME.search(fold(text)))


def speaks_of_trouble_at_work(text: str) -> bool:
    """Return True for "it is bad at work" without saying what is wrong."""
    return bool(TROUBLE_AT_WORK.search(fold(text)))


def asks_what_now(text: str) -> bool:
    """Return True for "what do I do now", "please help", "and then?" and their kin."""
    return bool(WHAT_NOW.search(fold(text).strip(" ?!.")))


YES_WORDS = frozenset({"да", "ага", "угу", "конечно", "ооба", "ообо", "оо", "ooba", "ha", "xa",
                       "yes", "yeah", "yep", "y", "da"})
NO_WORDS = frozenset({"нет", "неа", "жок", "jok", "zhok", "net", "no", "nope", "n"})


def yes_or_no(text: str) -> str | None:
    """Return "yes" or "no" when a message starts with a yes or no word ("нет, в этом году
    первый раз"), else None."""
    words = fold(text).split()
    if not words:
        return None
    if words[0] in YES_WORDS:
        return "yes"
    if words[0] in NO_WORDS:
        return "no"
    return None


def names_a_rule(text: str) -> bool:
    """Return True when a message speaks of a rule ("what is the 90-day rule")."""
    return bool(RULE_WORDS.search(fold(text)))


def asks_to_count(text: str) -> bool:
    """Return True for "count my days", "сколько дней осталось", "канча кун калды"."""
    return bool(COUNT_DAYS.search(fold(text)))


FILLER_WORDS = frozenset({
    "я", "мы", "он", "она", "они", "сейчас", "щас", "теперь", "тут", "здесь", "живу",
    "работаю", "нахожусь", "в", "во", "городе", "город", "уже", "пока", "а", "и", "ну", "мен",
    "биз", "ал", "алар", "азыр", "эми", "ушул", "жашайм", "иштейм", "шаарында", "шаары",
    "men", "biz", "al", "azyr", "emi", "i", "am", "im", "we", "are", "were", "he", "is", "hes",
    "she", "shes", "they", "in", "at", "now", "living", "working", "the", "city", "of", "still",
    "near", "ok", "okay", "ладно", "хорошо", "макул", "жакын", "около", "под", "области",
    "oblast", "region", "county", "area", "town", "village", "айылда", "облусунда", "home",
    "back", "дома", "уйдо", "uido", "uydo", "уйго", "already", "and", "for", "what", "about",
    "how", "для", "как", "насчет", "насчёт", "про", "учун", "анан", "if", "actually", "live",
    "lives", "staying", "вообще", "живет", "живёт", "жашайт", "chynynda",
})
# "we are on a farm in Kent", "он на стройке в Подольске", "фермада иштейм": the kind of
# workplace says where, not what happened
WORKPLACE_WORDS = frozenset({
    "on", "a", "an", "farm", "site", "building", "construction", "factory", "warehouse",
    "market", "greenhouse", "plant", "на", "ферме", "стройке", "объекте", "заводе", "складе",
    "фабрике", "рынке", "базаре", "теплице", "работал", "работала", "работает", "был", "была",
    "фермада", "курулушта", "заводдо", "складта", "базарда", "иштеген", "иштейт", "was", "works",
    "worked",
})


def sounds_like_location(text: str, place_words: str = "") -> bool:
    """Return True when a short message says only where someone is: besides the place's own
    words (`place_words`), nothing but pronouns, prepositions and "now" ("I am in Kazan",
    "мен азыр Казандамын", "она в Стамбуле"); "they locked me in Podolsk" is not."""
    place = set(fold(place_words).split())
    rest = [word for word in fold(text).split()
            if word not in place and word not in FILLER_WORDS and word not in WORKPLACE_WORDS]
    return len(rest) <= 1 and (not rest or len(fold(text).split()) <= 3)


# "I am in ...", "я в ...", "работаю в ...", "Москвада иштейм": where someone is now
PRESENT_PLACE = _any(
    r"\b(я|мы|он|она|они|сын|дочь|муж|брат)\s+(сейчас\s+|уже\s+|тут\s+)?(в|во)\s",
    r"\b(живу|живем|живём|работаю|работаем|нахожусь|находимся|застрял\w*|сижу)\s+(в|во)\s",
    r"\b(сейчас|здесь|тут)\s+(в|во)\s",
    r"\b(i am|im|we are|were|he is|hes|she is|shes|they are|i live|we live|i work|we work|"
    r"living|working|stuck|staying)\s+(now\s+)?(in|at)\b",
    r"\b(here|now) in\b",
    r"^(we are|were|i am|im|we work|i work)\b.{0,30}\b(in|at)\b",
)
# "the 90-day rule": a number of days that names a rule, not a stay
RULE_WORDS = _any(r"\brule\b", r"правил", r"эреже", r"\bereje", r"\bpravil", r"закон", r"мыйзам")
KY_LOCATIVE = re.compile(r"(да|де|до|та|те|то|da|de|do|ta|te|to)(мын|бын|быз|мыз|сын|сыз|"
                         r"myn|byn|byz|myz|dagy|дагы|гы|ky)?$")


def says_present_place(text: str, place_words: str) -> bool:
    """Return True when a message says someone is in the place it names ("я в Казани",
    "I am working in Kent", "Москвада иштейм")."""
    if PRESENT_PLACE.search(fold(text)):
        return True
    return any(KY_LOCATIVE.search(word) for word in fold(place_words).split())


def word_count(text: str) -> int:
    """Return how many words a message has."""
    return len(fold(text).split())
