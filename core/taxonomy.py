"""Shared vocabularies: niches, countries, languages, currencies. One list each, used everywhere."""

from django.db import models


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

# ISO 4217 currencies Stripe Connect pays out in, with their minor-unit exponent.
CURRENCY_EXPONENT: dict[str, int] = {
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "CAD": 2,
    "AUD": 2,
    "NZD": 2,
    "CHF": 2,
    "SEK": 2,
    "NOK": 2,
    "DKK": 2,
    "PLN": 2,
    "BRL": 2,
    "MXN": 2,
    "SGD": 2,
    "JPY": 0,
    "KRW": 0,
    "INR": 2,
    "ZAR": 2,
    "AED": 2,
}
CURRENCY_CHOICES = [(code, code) for code in sorted(CURRENCY_EXPONENT)]


def is_currency(code: str) -> bool:
    return code in CURRENCY_EXPONENT


def format_money(amount_cents: int, currency: str) -> str:
    """'1234', 'USD' -> 'USD 12.34' (integer arithmetic only)."""
    exponent = CURRENCY_EXPONENT.get(currency, 2)
    sign = "-" if amount_cents < 0 else ""
    whole, frac = divmod(abs(amount_cents), 10**exponent)
    if exponent == 0:
        return f"{sign}{currency} {whole:,}"
    return f"{sign}{currency} {whole:,}.{frac:0{exponent}d}"
