"""Shared vocabularies: niches, countries, languages. One list each, used everywhere.

Currencies and money live in ``core.money``; the names below stay importable from here.
"""

from django.db import models

from core.money import CURRENCY_CHOICES as CURRENCY_CHOICES
from core.money import CURRENCY_EXPONENT as CURRENCY_EXPONENT
from core.money import format_money as format_money
from core.money import is_currency as is_currency


class Niche(models.TextChoices):
    BEAUTY = "beauty", "Beauty & skincare"
    FASHION = "fashion", "Fashion"
    FITNESS = "fitness", "Fitness"
    FOOD = "food", "Food & drink"
    TRAVEL = "travel", "Travel"
    OUTDOORS = "outdoors", "Outdoors"
    TECH = "tech", "Tech & gadgets"
    GAMING = "gaming", "Gaming"
    PARENTING = "parenting", "Parenting"
    HOME = "home", "Home & DIY"
    PETS = "pets", "Pets"
    FINANCE = "finance", "Personal finance"
    EDUCATION = "education", "Education"
    LIFESTYLE = "lifestyle", "Lifestyle"
    COMEDY = "comedy", "Comedy"
    MUSIC = "music", "Music"


# ISO 3166-1 alpha-2 codes of the markets we serve first; extend freely.
COUNTRIES: dict[str, str] = {
    "US": "United States",
    "CA": "Canada",
    "MX": "Mexico",
    "BR": "Brazil",
    "AR": "Argentina",
    "GB": "United Kingdom",
    "IE": "Ireland",
    "FR": "France",
    "DE": "Germany",
    "ES": "Spain",
    "IT": "Italy",
    "NL": "Netherlands",
    "BE": "Belgium",
    "PT": "Portugal",
    "SE": "Sweden",
    "NO": "Norway",
    "DK": "Denmark",
    "FI": "Finland",
    "PL": "Poland",
    "AT": "Austria",
    "CH": "Switzerland",
    "AU": "Australia",
    "NZ": "New Zealand",
    "JP": "Japan",
    "KR": "South Korea",
    "IN": "India",
    "SG": "Singapore",
    "ZA": "South Africa",
    "NG": "Nigeria",
    "AE": "United Arab Emirates",
}
COUNTRY_CHOICES = sorted(COUNTRIES.items(), key=lambda item: item[1])

LANGUAGES: dict[str, str] = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "sv": "Swedish",
    "pl": "Polish",
    "ja": "Japanese",
    "ko": "Korean",
    "hi": "Hindi",
    "ar": "Arabic",
}
LANGUAGE_CHOICES = sorted(LANGUAGES.items(), key=lambda item: item[1])
