"""The demo agent's one tool: a deterministic weather lookup."""

from __future__ import annotations

import string

from langchain_core.tools import tool

CITY_ALIASES = {
    "sf": "San Francisco",
    "san francisco": "San Francisco",
    "nyc": "New York",
    "ny": "New York",
    "new york": "New York",
    "new york city": "New York",
}
WEATHER = {
    "San Francisco": "60 degrees and foggy",
    "New York": "68 degrees and partly cloudy",
    "London": "55 degrees with light rain",
    "Paris": "64 degrees and sunny",
    "Tokyo": "72 degrees and humid",
}
DEFAULT_WEATHER = "70 degrees and clear"


def canonical_city(city: str) -> str:
    """The display name of a city: aliases resolved ("SF" -> "San Francisco"), words capitalised."""
    name = " ".join(city.split())
    return CITY_ALIASES.get(name.lower(), string.capwords(name))


@tool
def get_weather(city: str) -> str:
    """Get the current weather in a city."""
    return WEATHER.get(canonical_city(city), DEFAULT_WEATHER)
