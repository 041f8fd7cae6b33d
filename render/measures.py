"""What a key number measures, from its label: users, requests, page views, data stored, servers or people.

The compare page lines two architectures' numbers up by what they measure, so
the classifier is conservative: a label it is unsure of stays "other", and
the page shows it among the numbers it does not line up. A label is one
measure only when exactly one measure's words occur in it (outside brackets)
and no word of a design figure, a ratio, a cost, a time or a per-unit
figure does ("Servers per operations person", "Storage (design)", "Typical
request latency" stay "other"), and its value is not a share ("over 90%").
Data stored also needs an amount of bytes in the value, and no rate nor
traffic ("Data processed: 60 TB per day" is not what is kept).
"""

from __future__ import annotations

import re

# Each measure's id, in the order the compare page shows them, and its name there.
MEASURES: dict[str, str] = {
    "users": "Users",
    "requests": "Requests",
    "page-views": "Page views",
    "storage": "Data stored",
    "servers": "Servers",
    "people": "Engineers and staff",
}
OTHER = "other"

_WORDS: dict[str, re.Pattern[str]] = {
    "users": re.compile(r"\b(?:users|members|visitors|subscribers|players|audience)\b"),
    "requests": re.compile(r"(?<!page )\brequests?\b|\bapi calls\b"),
    "page-views": re.compile(r"\bpage[ -]?views\b|\bpages served\b|\bpage requests\b"),
    "storage": re.compile(r"\bstorage\b|\bstored\b|\bkept\b|\bdata\b"),
    "servers": re.compile(r"\bservers\b|\bmachines\b|\bnodes\b|\bec2 instances\b"),
    "people": re.compile(r"\bengineers?\b|\bengineering (?:team|staff)\b|\bdevelopers\b|\bstaff\b|\bemployees\b"
                         r"|\bteam\b|\bpeople\b(?! search)"),
}

# Words that make a figure something other than how big the system is: a design or an example, a ratio, a cost,
# a time, a rate of change, one part of the system, a comparison.
_NOT_A_SIZE = re.compile(
    r"\b(?:design|designed|target|goal|aims?|recommended|suggested|planned|needed|expected|projected|default"
    r"|built for|typical|example|estimate of|latency|time|times|duration|interval|lag|availability|sla|outage"
    r"|cost|costs|price|budget|spend|bill|saved|saving|savings|licen[cs]es?|share of|ratio|growth|grew|added"
    r"|adding|overhead|bandwidth|traffic|throughput|load|hit rate|percentile|failure|failed|loss|ram|memory"
    r"|heap|cpus?|cores|one|single|each|vs|versus|compared|without|instead|regions?)\b"
    r"|^new\b|\bon an?\b|\$|\bper (?!(?:second|sec|minute|min|hour|day|week|month|quarter|year)\b)\w")
_NOT_KEPT = re.compile(r"\b(?:served|processed|downloaded|moved|transferred|loaded|passing|augmented)\b")
_RATE = re.compile(r"\bper (?:second|sec|minute|min|hour|day|week|month|quarter|year)\b|/s\b|/day\b|\ba day\b"
                   r"|\ba month\b|\ba year\b|\ba week\b|\bqps\b")
_BYTES = re.compile(r"\b\d[\d.,]*\s*[kmgtpe]i?b\b|\b(?:kilo|mega|giga|tera|peta|exa)?bytes\b")
_RATIO_VALUE = re.compile(r"^\D*?\d[\d.,]*\s*%|^\W*(?:about |nearly |almost |over |under |roughly )?"
                          r"(?:half|a third|a quarter|a tenth)\b")


def measure_of(label: str, value: str = "") -> str:
    """The measure a key number's label names (a key of MEASURES), or "other" when unsure."""
    text = label.lower()
    plain = re.sub(r"\([^)]*\)", " ", text)  # "(28 AIR servers)" says how, not what
    if _NOT_A_SIZE.search(text) or _RATIO_VALUE.search(value.lower()):
        return OTHER
    found = [measure for measure, words in _WORDS.items() if words.search(plain)]
    if len(found) != 1:
        return OTHER
    measure = found[0]
    if measure == "storage" and (not _BYTES.search(value.lower()) or _NOT_KEPT.search(text) or _RATE.search(text)
                                 or _RATE.search(value.lower())):
        return OTHER  # data stored is an amount of bytes kept, not a count of things nor traffic
    return measure
