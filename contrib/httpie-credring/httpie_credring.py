"""HTTPie auth plugin: the bearer token of a credring account.

    http -A credring -a ACCOUNT https://api.example.com/items

The token comes from `credring token ACCOUNT --format json` (run without a
shell; `credring` found in PATH, or $CREDRING_COMMAND), so it is the one
credring serves everywhere: cached in the keyring, renewed before it
expires.  When the API answers 401, the refused token is handed back on
stdin (`credring token ACCOUNT --refused-token-stdin`, which drops it from
the cache unless another process has already replaced it, as git's erase
does) and the request is sent once more with the token that gives.  A
request whose body is a stream (read once) is not sent again.  A second
401 is the answer HTTPie shows (exit 0, or 4 with --check-status), with a
line on stderr; no token at all is an error (HTTPie's exit 1) carrying
credring's message, and nothing is sent.
"""

import json
import os
import subprocess
import sys

import requests
from httpie.plugins import AuthPlugin

__version__ = "0.1.0"

# As credring's own limits: a token of at most 64 KiB in a small JSON object.
MAX_ANSWER = 1024 * 1024


class CredringError(Exception):
    """credring gave no token: its message, and its exit status."""

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


def credring_command():
    return os.environ.get("CREDRING_COMMAND") or "credring"


def fetch_token(account, refused=None):
    """A valid token for ACCOUNT; with REFUSED, that token is dropped first."""
    argv = [credring_command(), "token", account, "--format", "json"]
    if refused is not None:
        argv.append("--refused-token-stdin")
    try:
        # stderr stays the user's: a sign-in's address or code shows there.
        done = subprocess.run(argv, input=(refused or "").encode("ascii"),
                              stdout=subprocess.PIPE, check=False)
    except OSError as e:
        raise CredringError("cannot run %s: %s" % (argv[0], e.strerror), 1)
    if done.returncode != 0:
        raise CredringError("credring gave no token for %r (exit status %d; its message is "
                            "above)" % (account, done.returncode), done.returncode)
    if len(done.stdout) > MAX_ANSWER:
        raise CredringError("credring's answer is too long", 1)
    try:
        token = json.loads(done.stdout.decode("utf-8"))["access_token"]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise CredringError("credring's answer is not the JSON of a token", 1)
    if not isinstance(token, str) or not token:
        raise CredringError("credring's answer has no token", 1)
    return token


def replayable(request):
    """Whether REQUEST's body can be sent again: none, or bytes/text."""
    return request.body is None or isinstance(request.body, (bytes, str))


class CredringAuth(requests.auth.AuthBase):
    """Sets "Authorization: Bearer TOKEN"; on a 401, once more with a new one."""

    def __init__(self, account):
        self.account = account
        self.token = None

    def __call__(self, request):
        self.token = fetch_token(self.account)
        request.headers["Authorization"] = "Bearer " + self.token
        request.register_hook("response", self.handle_401)
        return request

    def handle_401(self, response, **kwargs):
        if response.status_code != 401:
            return response
        request = response.request
        if getattr(request, "_credring_retried", False):
            self.warn("the API refused a new token too (HTTP 401)")
            return response
        refused = self.token
        if not replayable(request):
            fetch_token(self.account, refused)  # dropped all the same
            self.warn("the API refused the token (HTTP 401); not retried: the body is a "
                      "stream, which cannot be sent twice")
            return response
        self.token = fetch_token(self.account, refused)
        # The 401's body is read and its connection given back before the
        # same request goes again (requests' own HTTPDigestAuth does so).
        response.content
        response.close()
        again = request.copy()
        again.headers["Authorization"] = "Bearer " + self.token
        again._credring_retried = True
        answer = response.connection.send(again, **kwargs)
        answer.history.append(response)
        answer.request = again
        if answer.status_code == 401:
            self.warn("the API refused a new token too (HTTP 401)")
        return answer

    def warn(self, message):
        print("credring: %s: %s" % (self.account, message), file=sys.stderr)


class CredringAuthPlugin(AuthPlugin):
    name = "credring"
    auth_type = "credring"
    description = "The bearer token of a credring account: -a ACCOUNT"
    auth_require = True
    # -a is the account's name, not user:password.
    auth_parse = False
    prompt_password = False

    def get_auth(self, username=None, password=None):
        return CredringAuth(self.raw_auth)
