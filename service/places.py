"""Nationality and regional adjectives and the places they name: "a European service" draws on the source's
"Europe", "British pay" on "Britain" or "the UK". A rewrite or a summary turns one into the other without adding
a fact, so the name checks treat the two forms as one word. A fixed table of countries and regions in English
usage (both directions; several places where one adjective serves more than one)."""

from __future__ import annotations

from functools import lru_cache

_TABLE = """
afghan:afghanistan african:africa albanian:albania algerian:algeria american:america,usa
angolan:angola antarctic:antarctica arab:arabia argentine:argentina argentinian:argentina armenian:armenia
asian:asia australian:australia austrian:austria azerbaijani:azerbaijan bangladeshi:bangladesh
belarusian:belarus belgian:belgium bolivian:bolivia bosnian:bosnia brazilian:brazil british:britain,uk
bulgarian:bulgaria burmese:burma,myanmar cambodian:cambodia cameroonian:cameroon canadian:canada
chilean:chile chinese:china colombian:colombia congolese:congo croatian:croatia
cuban:cuba cypriot:cyprus czech:czechia danish:denmark dutch:netherlands,holland ecuadorian:ecuador
egyptian:egypt english:england eritrean:eritrea estonian:estonia ethiopian:ethiopia european:europe
filipino:philippines finnish:finland french:france georgian:georgia german:germany ghanaian:ghana
greek:greece guatemalan:guatemala haitian:haiti honduran:honduras hungarian:hungary icelandic:iceland
indian:india indonesian:indonesia iranian:iran iraqi:iraq irish:ireland israeli:israel italian:italy
jamaican:jamaica japanese:japan jordanian:jordan kazakh:kazakhstan kenyan:kenya korean:korea
kosovan:kosovo kurdish:kurdistan kuwaiti:kuwait latvian:latvia lebanese:lebanon libyan:libya
lithuanian:lithuania malaysian:malaysia malian:mali maltese:malta mexican:mexico moldovan:moldova
mongolian:mongolia moroccan:morocco mozambican:mozambique nepalese:nepal nepali:nepal nicaraguan:nicaragua
nigerian:nigeria norwegian:norway pakistani:pakistan palestinian:palestine panamanian:panama
paraguayan:paraguay persian:persia peruvian:peru polish:poland portuguese:portugal qatari:qatar
romanian:romania russian:russia rwandan:rwanda saudi:arabia scottish:scotland senegalese:senegal
serbian:serbia singaporean:singapore slovak:slovakia slovenian:slovenia somali:somalia
spanish:spain sudanese:sudan swedish:sweden swiss:switzerland syrian:syria
taiwanese:taiwan tanzanian:tanzania thai:thailand tibetan:tibet tunisian:tunisia turkish:turkey,turkiye
ugandan:uganda ukrainian:ukraine emirati:emirates uruguayan:uruguay uzbek:uzbekistan venezuelan:venezuela
vietnamese:vietnam welsh:wales yemeni:yemen zambian:zambia zimbabwean:zimbabwe
scandinavian:scandinavia balkan:balkans
londoner:london parisian:paris
"""


@lru_cache(maxsize=1)
def _forms() -> dict[str, frozenset[str]]:
    """Every word of the table and the words it stands for, both ways round."""
    pairs: dict[str, set[str]] = {}
    for entry in _TABLE.split():
        adjective, places = entry.split(":")
        for place in places.split(","):
            pairs.setdefault(adjective, set()).add(place)
            pairs.setdefault(place, set()).add(adjective)
    return {word: frozenset(others) for word, others in pairs.items()}


def same_place(word: str) -> frozenset[str]:
    """The other forms of a lower-cased place word ("european" → {"europe"}), or nothing."""
    return _forms().get(word, frozenset())
