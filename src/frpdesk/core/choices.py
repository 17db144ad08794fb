"""Choice lists shared across apps."""

from django.conf import global_settings

LANGUAGES: list[tuple[str, str]] = sorted(
    ((code, str(name)) for code, name in global_settings.LANGUAGES if "-" not in code),
    key=lambda item: item[1],
)

INDUSTRIES: list[tuple[str, str]] = [
    ("agriculture", "Agriculture"),
    ("automotive", "Automotive"),
    ("education", "Education"),
    ("energy", "Energy and utilities"),
    ("financial_services", "Financial services"),
    ("government", "Government"),
    ("healthcare", "Healthcare"),
    ("hospitality", "Hospitality and travel"),
    ("manufacturing", "Manufacturing"),
    ("media", "Media and communications"),
    ("nonprofit", "Nonprofit"),
    ("professional_services", "Professional services"),
    ("retail", "Retail and consumer goods"),
    ("technology", "Technology"),
    ("transportation", "Transportation and logistics"),
]

CUSTOMER_SIZES: list[tuple[str, str]] = [
    ("150-499", "150–499 seats"),
    ("500-2499", "500–2,499 seats"),
    ("2500-9999", "2,500–9,999 seats"),
    ("10000+", "10,000+ seats"),
]


def languages() -> list[tuple[str, str]]:
    return LANGUAGES


def industries() -> list[tuple[str, str]]:
    return INDUSTRIES


def customer_sizes() -> list[tuple[str, str]]:
    return CUSTOMER_SIZES


def labels(choices: list[tuple[str, str]], codes: list[str]) -> list[str]:
    """Display names of stored codes, keeping unknown codes as they are."""
    names = dict(choices)
    return [names.get(code, code) for code in codes]
