from frpdesk.accounts.models import Team, TokenScope, User
from frpdesk.accounts.services import issue_api_token

DELIVERY_TEAM = "Delivery"


def delivery_team() -> Team:
    """The team test customers belong to, and test users who see only their teams' customers."""
    return Team.objects.get_or_create(name=DELIVERY_TEAM)[0]


def token_header(user: User, scope: str = TokenScope.WRITE) -> str:
    """An ``Authorization`` header value with a new API token of ``user``."""
    _token, key = issue_api_token(acting_user=user, name="tests", scope=scope, days=30)
    return f"Token {key}"
