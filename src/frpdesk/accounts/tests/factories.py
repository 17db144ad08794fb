from frpdesk.accounts.models import TokenScope, User
from frpdesk.accounts.services import issue_api_token


def token_header(user: User, scope: str = TokenScope.WRITE) -> str:
    """An ``Authorization`` header value with a new API token of ``user``."""
    _token, key = issue_api_token(acting_user=user, name="tests", scope=scope, days=30)
    return f"Token {key}"
