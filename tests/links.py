import re
from urllib.parse import urlsplit


def path_of(url: str) -> str:
    """The path and query of an absolute link, for the test client."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def first_link(text: str) -> str:
    return path_of(re.search(r"https?://\S+", text).group(0))


def token_of(path: str) -> str:
    return re.search(r"token=([^&\s]+)", path).group(1)
