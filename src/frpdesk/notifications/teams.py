"""Microsoft Teams incoming webhooks: the card a message becomes, and posting it.

The payload is a message with one Adaptive Card attachment, which both kinds of Teams webhook
accept (the classic channel connector and the Workflows "post to a channel when a webhook request
is received"). A webhook URL is a secret — whoever has it can post to the channel — so it never
appears in a log line, an error or the delivery log.
"""

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

if TYPE_CHECKING:
    from frpdesk.notifications.services import Message

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10.0
# Tests put an httpx.MockTransport here; None is the network.
TRANSPORT: httpx.BaseTransport | None = None


def card(message: "Message") -> dict[str, Any]:
    """The Teams payload of a message: a title, the intro, each section as a list of links."""
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": message.subject,
            "size": "Medium",
            "weight": "Bolder",
            "wrap": True,
        },
        {"type": "TextBlock", "text": message.intro, "wrap": True},
    ]
    for section in message.sections:
        body.append(
            {
                "type": "TextBlock",
                "text": f"{section.title} ({len(section.items)})",
                "weight": "Bolder",
                "spacing": "Medium",
                "wrap": True,
            }
        )
        body.append(
            {
                "type": "TextBlock",
                "text": "\n".join(
                    f"- [{_markdown_text(item.title)}]({item.url})"
                    + (f" — {_markdown_text(item.detail)}" if item.detail else "")
                    for item in section.items
                ),
                "wrap": True,
            }
        )
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": body,
                    "actions": [
                        {"type": "Action.OpenUrl", "title": message.link_label, "url": message.link}
                    ],
                },
            }
        ],
    }


def _markdown_text(text: str) -> str:
    """Text shown inside a markdown link or list item, without characters that would end it."""
    return " ".join(text.replace("[", "(").replace("]", ")").split())


def is_valid_webhook_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" and bool(parts.hostname)


def masked(url: str) -> str:
    """What a page shows of a saved webhook URL: its host and last four characters."""
    if not url:
        return ""
    host = urlsplit(url).hostname or "…"
    return f"https://{host}/…{url[-4:]}"


def post(url: str, payload: dict[str, Any]) -> str:
    """Post the payload; "" when Teams took it, else what went wrong (never the URL)."""
    try:
        with httpx.Client(timeout=TIMEOUT_SECONDS, transport=TRANSPORT) as client:
            response = client.post(url, json=payload)
    except httpx.TimeoutException:
        return f"Teams did not answer within {TIMEOUT_SECONDS:g} seconds."
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        return f"Teams could not be reached ({type(error).__name__})."
    if response.is_success:
        return ""
    answer = " ".join(response.text.replace(url, "[webhook URL]").split())[:200]
    return f"Teams answered HTTP {response.status_code}" + (f": {answer}" if answer else ".")
