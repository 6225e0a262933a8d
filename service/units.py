"""Units and magnitudes as news style abbreviates them, and the words a plain rewrite spells them out with.

"5bn km", "1,000km", "43 by 33km", "a 4ft wall", "-15C": a reader, and a plain-English rewrite, says "kilometres",
"feet" and "degrees Celsius", and gives a range's unit once ("20 to 50kg" for "20kg to 50kg"). The checks read an
abbreviation as its words only where it measures a number (glued to it, or right after it), so the word "km"
alone, or "ha" as a laugh, stays a word.
"""

from __future__ import annotations

import re

from service.parser import counts_millions

UNITS: dict[str, tuple[str, ...]] = {
    "km": ("kilometre", "kilometres", "kilometer", "kilometers"),
    "cm": ("centimetre", "centimetres", "centimeter", "centimeters"),
    "mm": ("millimetre", "millimetres", "millimeter", "millimeters"),
    "m": ("metre", "metres", "meter", "meters"),  # or a million: magnitudes() reads that
    "kg": ("kilogram", "kilograms", "kilogramme", "kilogrammes", "kilo", "kilos"),
    "ft": ("foot", "feet"),
    "mph": ("miles", "mile", "per", "hour"),
    "kph": ("kilometres", "kilometers", "per", "hour"),
    "lb": ("pound", "pounds"),
    "lbs": ("pound", "pounds"),
    "oz": ("ounce", "ounces"),
    "ha": ("hectare", "hectares"),
    "sq": ("square",),
    "c": ("degrees", "degree", "celsius", "centigrade"),  # "-15C": "-15 degrees Celsius"
    "f": ("degrees", "degree", "fahrenheit"),
}
_NUMBER = r"\d+(?:[.,]\d+)*"
_MAGNITUDE = re.compile(rf"({_NUMBER})(bn|m)\b")  # "$240bn", "£36.2m", "100m years"
_CURRENCY_MILLIONS = re.compile(rf"[$£€]\s?{_NUMBER}m\b")
_GLUED = re.compile(rf"({_NUMBER})(" + "|".join(sorted(UNITS, key=len, reverse=True)) + r")")


def magnitudes(text: str) -> set[str]:
    """The magnitudes news style abbreviates, in digits: "$240bn" names a billion as "$240 billion" does,
    and "£2m" a million; a bare "2m" may be metres, so only after a currency sign or where it counts a plural
    noun ("100m years", "2m people"; not "a 10m wall", "the 100m race": ``counts_millions``)."""
    found = {m[2] for m in _MAGNITUDE.finditer(text)}
    billions = {"1000000000"} if "bn" in found else set()
    millions = "m" in found and bool(_CURRENCY_MILLIONS.search(text) or counts_millions(text))
    return billions | ({"1000000"} if millions else set())


def unit_words(tokens: list[str]) -> list[str]:
    """The words that the unit abbreviations among these (lower-cased) words stand for: "1,000km" and "5bn",
    "km" give the words of kilometres."""
    found: list[str] = []
    for i, token in enumerate(tokens):
        glued = _GLUED.fullmatch(token)
        if glued:
            found += UNITS[glued[2]]
        elif token in UNITS and i > 0 and tokens[i - 1][:1].isdigit():
            found += UNITS[token]
    return found


def in_range(fact: str, text: str) -> bool:
    """``text``, as written (its dashes and commas tell a range from two numbers side by side), gives the number of
    ``fact``, a number glued to its unit, as the first end of a range whose unit is written once, after its other
    end: "20kg" in "between 20 and 50kg", "20-50kg", "20 to 50 kilograms"."""
    glued = _GLUED.fullmatch(fact.lower())
    if not glued:
        return False
    unit = "|".join(re.escape(u) for u in (glued[2], *UNITS[glued[2]]) if u not in ("per", "hour"))
    other = rf"{_NUMBER}\s?(?:{unit})(?!\w)"
    return bool(re.search(rf"(?<![\w.,]){re.escape(glued[1])}\s?(?:to|and|or|-|–)\s?{other}", text.lower()))


def written_out(fact: str) -> list[str]:
    """The ways a plain rewrite may write a fact news style abbreviates: a magnitude ("$240bn": "$240
    billion"; "£36.2m": "£36.2 million") or a number glued to its unit ("1,000km": "1,000 km", "1,000
    kilometres"...); nothing for any other fact."""
    ways = [_MAGNITUDE.sub(lambda m: f"{m[1]} {'billion' if m[2] == 'bn' else 'million'}", fact)]
    glued = _GLUED.fullmatch(fact.lower())
    if glued:
        number, unit = glued[1], glued[2]
        ways += [f"{number} {unit}"] + [f"{number} {word}" for word in UNITS[unit] if word not in ("per", "hour")]
    return [w for w in ways if w != fact]
