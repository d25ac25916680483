"""Find help near me: region or country, then the kind of help, then contacts."""

from __future__ import annotations

from typing import Any

from bot.dialogue import actions
from bot.dialogue.context import Turn
from bot.dialogue.model import Button
from bot.dialogue.numbers import country_names
from content.directory import REGIONS, SERVICES, find

NAME = "find"
ABROAD = ("RU", "KZ", "TR", "GB", "KR")


def region_names(turn: Turn) -> dict[str, str]:
    """Return Kyrgyz regions' names in the reply language."""
    _ = turn._
    return {"bishkek": _("Bishkek"), "osh": _("Osh"), "chui": _("Chui"), "batken": _("Batken"),
            "jalal_abad": _("Jalal-Abad"), "issyk_kul": _("Issyk-Kul"), "naryn": _("Naryn"),
            "talas": _("Talas")}


def service_names(turn: Turn) -> dict[str, str]:
    """Return the kinds of help in the reply language."""
    _ = turn._
    return {"shelter_women": _("Shelter for women"), "shelter_men": _("Shelter for men"),
            "shelter_children": _("Shelter for children"), "legal_aid": _("Legal aid"),
            "psychological": _("Psychologist"), "return_home": _("Return home")}


def start(turn: Turn, **_options: Any) -> None:
    """Ask where the person is, unless we already know the region."""
    state = turn.state
    state.flow, state.step, state.data = NAME, "where", {}
    if state.country in ABROAD:  # the person said where they are: that country's help
        on_action(turn, ["country", state.country])
        return
    if state.region in REGIONS:
        ask_service(turn, state.region)
        return
    _ = turn._
    names = region_names(turn)
    buttons = [Button(names[key], actions.make(NAME, "region", key)) for key in REGIONS]
    countries = country_names(turn)
    abroad = [Button(countries[code], actions.make(NAME, "country", code)) for code in ABROAD]
    turn.say(_("Where are you? Choose a region of Kyrgyzstan or the country you are in."),
             buttons[:4], buttons[4:], abroad[:3], abroad[3:], kind="find")


def ask_service(turn: Turn, region: str) -> None:
    """Ask which kind of help is needed in a region."""
    _ = turn._
    # an old region button may be pressed during another flow: this flow takes over
    turn.state.flow, turn.state.step, turn.state.data = NAME, "service", {"region": region}
    names = service_names(turn)
    buttons = [Button(names[s], actions.make(NAME, "svc", s)) for s in SERVICES]
    turn.say(_("What kind of help do you need in {region}?").format(
        region=region_names(turn)[region]),
        buttons[:3], buttons[3:], [Button(_("Show all"), actions.make(NAME, "svc", "all"))],
        kind="find")


def show_contacts(turn: Turn, contacts: list, heading: str) -> None:
    """List contacts, or say honestly that we know none and offer the hotline."""
    _ = turn._
    turn.state.end_flow()
    if not contacts:
        turn.say(heading + "\n\n" + _("I have no checked contacts for this yet. "
                                      "A hotline operator can help you find one."),
                 [Button(_("Talk to a person"), "human"), Button(_("Menu"), "menu")],
                 kind="find")
        return
    body = "\n\n".join(c.render(turn.language) for c in contacts[:8])
    turn.say(f"{heading}\n\n{body}",
             [Button(_("Talk to a person"), "human"), Button(_("Menu"), "menu")], kind="find")


def on_action(turn: Turn, args: list[str]) -> bool:
    """Handle the region, country and service buttons."""
    _ = turn._
    state = turn.state
    if args[:1] == ["region"] and len(args) == 2 and args[1] in REGIONS:
        state.region = args[1]
        ask_service(turn, args[1])
        return True
    if args[:1] == ["country"] and len(args) == 2 and args[1] in ABROAD:
        contacts = [c for c in find(country=args[1]) if c.kind != "emergency"]
        show_contacts(turn, contacts, _("<b>Help in {country}</b>").format(
            country=country_names(turn)[args[1]]))
        return True
    if args[:1] == ["svc"] and len(args) == 2 and (args[1] in SERVICES or args[1] == "all"):
        region = state.data.get("region") or state.region
        if region not in REGIONS:
            start(turn)
            return True
        service = None if args[1] == "all" else args[1]
        local = [c for c in find(country="KG", region=region, service=service)
                 if c.kind in ("ngo", "government") and c.regions]
        national = [c for c in find(country="KG", service=service)
                    if c.kind in ("ngo", "government", "hotline") and not c.regions]
        label = _("all kinds of help") if service is None else service_names(turn)[service]
        show_contacts(turn, local + national, _("<b>{service} — {region}</b>").format(
            service=label, region=region_names(turn)[region]))
        return True
    return False


def on_text(turn: Turn, text: str) -> bool:
    """A region typed instead of pressed continues the flow; anything else leaves it."""
    regions = turn.parse.entity_values("region") if turn.parse else []
    if regions and regions[0] in REGIONS:
        turn.state.region = regions[0]
        ask_service(turn, regions[0])
        return True
    if turn.state.country in ABROAD and turn.parse and turn.parse.entity_values("country"):
        return on_action(turn, ["country", turn.state.country])
    turn.state.end_flow()
    return False
