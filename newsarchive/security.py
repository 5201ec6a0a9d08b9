"""What keeps the site and its admin safe beyond Django's own settings: a
Content-Security-Policy header, and a limit on repeated failed logins.

The policy is read from ``SECURE_CSP`` / ``SECURE_CSP_REPORT_ONLY`` (directive -> list of
sources), the names and shape Django 6.0's built-in ``ContentSecurityPolicyMiddleware``
reads, so that upgrading means swapping the middleware and nothing else.

Failed logins are counted per username and per client address in a cache every worker
process shares (``LOGIN_THROTTLE_CACHE``: a database table, or Redis). After
``LOGIN_THROTTLE_FAILURES`` failures within the last ``LOGIN_THROTTLE_WINDOW`` seconds,
``ThrottledModelBackend`` refuses every further attempt for that username or address,
right password or not, until the oldest of them is a window old;
``LoginThrottleMiddleware`` answers such a login form with 429 and a message a person can
read instead of "wrong password".

Each failure takes a slot of its own (``<key>:1`` … ``<key>:N``) with ``cache.add``, which
every cache backend makes atomic (a unique key in the table, SET NX in Redis), so two
workers failing at once are counted twice; a read-modify-write counter (``incr`` on the
database cache) would count them once.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import caches
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.dispatch import receiver
from django.forms.utils import ErrorDict
from django.template.response import TemplateResponse

THROTTLED_MESSAGE = (
    "Too many failed attempts to log in. For your account's safety, logging in is "
    "paused for a while; please try again in {minutes} minutes."
)


# --- Content-Security-Policy ------------------------------------------------------


def policy_header(policy: dict[str, list[str]]) -> str:
    """``{"img-src": ["'self'", "data:"]}`` -> ``"img-src 'self' data:"``."""
    return "; ".join(
        " ".join([directive, *sources]) if sources else directive
        for directive, sources in policy.items()
    )


class ContentSecurityPolicyMiddleware:
    """Adds the policy to every response that does not carry one already."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = policy_header(getattr(settings, "SECURE_CSP", {}))
        self.report_only = policy_header(getattr(settings, "SECURE_CSP_REPORT_ONLY", {}))

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Content-Security-Policy", self.header)
        if self.report_only:
            response.headers.setdefault("Content-Security-Policy-Report-Only", self.report_only)
        return response


# --- Failed logins ----------------------------------------------------------------


def _cache():
    return caches[settings.LOGIN_THROTTLE_CACHE]


def client_address(request) -> str:
    """The client's address as ``LOGIN_THROTTLE_IP_HEADER`` gives it (REMOTE_ADDR unless a
    reverse proxy sets another header; of a list, the last entry, the one our proxy added)."""
    if request is None:
        return ""
    raw = request.META.get(settings.LOGIN_THROTTLE_IP_HEADER, "") or ""
    return raw.split(",")[-1].strip()


def _keys(username: str | None, address: str) -> list[str]:
    keys = []
    if username:
        digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
        keys.append(f"login-failures:user:{digest}")
    if address:
        keys.append(f"login-failures:ip:{hashlib.sha256(address.encode()).hexdigest()}")
    return keys


def _slots(key: str) -> list[str]:
    return [f"{key}:{n}" for n in range(1, settings.LOGIN_THROTTLE_FAILURES + 1)]


def login_refused(request, username: str | None) -> bool:
    """True when this username or this client has failed too often lately: every slot of
    one of its keys is taken."""
    keys = _keys(username, client_address(request))
    taken = _cache().get_many([slot for key in keys for slot in _slots(key)])
    return any(all(slot in taken for slot in _slots(key)) for key in keys)


def _username(credentials: dict) -> str | None:
    field = get_user_model().USERNAME_FIELD
    return credentials.get("username") or credentials.get(field)


@receiver(user_login_failed, dispatch_uid="newsarchive.security.count_failed_login")
def count_failed_login(sender, credentials, request=None, **kwargs):
    cache = _cache()
    for key in _keys(_username(credentials), client_address(request)):
        # The first free slot; each expires a window after its failure. All taken: the
        # key is refused already, and the failure adds nothing.
        for slot in _slots(key):
            if cache.add(slot, 1, timeout=settings.LOGIN_THROTTLE_WINDOW):
                break


@receiver(user_logged_in, dispatch_uid="newsarchive.security.forget_failed_logins")
def forget_failed_logins(sender, request, user, **kwargs):
    # Only the account's count: an address's count stays, or one known password would
    # reset the count for guessing others from the same place.
    _cache().delete_many([slot for key in _keys(user.get_username(), "") for slot in _slots(key)])


class ThrottledModelBackend(ModelBackend):
    """Django's backend, refusing usernames and clients with too many recent failures.

    PermissionDenied makes ``django.contrib.auth.authenticate`` stop trying backends, so
    a throttled login fails whatever the password, whichever form it comes from.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        name = username or kwargs.get(get_user_model().USERNAME_FIELD)
        if login_refused(request, name):
            raise PermissionDenied("too many failed logins")
        return super().authenticate(request, username=username, password=password, **kwargs)


class _RefusedLoginForm(AdminAuthenticationForm):
    """The admin's login form as it shows a refused attempt: the username kept, one
    message, and no password checked (so a throttled attempt costs no hashing either)."""

    def __init__(self, request, username: str, message: str):
        super().__init__(request, initial={"username": username})
        self.message = message

    def full_clean(self):
        self.cleaned_data = {}
        self._errors = ErrorDict(
            {NON_FIELD_ERRORS: self.error_class([self.message], error_class="nonfield")}
        )


class LoginThrottleMiddleware:
    """Answers a login form sent by a throttled username or client with 429 and the
    admin's login page saying why, before any password is checked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # After CsrfViewMiddleware's own process_view, so a forged POST is refused first.
        match = request.resolver_match
        if request.method != "POST" or match is None:
            return None
        if match.view_name not in settings.LOGIN_THROTTLE_VIEWS:
            return None
        username = request.POST.get("username", "")
        if login_refused(request, username):
            return self._refusal(request, username)
        return None

    @staticmethod
    def _refusal(request, username: str) -> TemplateResponse:
        minutes = max(1, round(settings.LOGIN_THROTTLE_WINDOW / 60))
        form = _RefusedLoginForm(request, username, THROTTLED_MESSAGE.format(minutes=minutes))
        context = {
            **admin.site.each_context(request),
            "title": "Log in",
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": username,
            "form": form,
            "next": request.POST.get("next", ""),
        }
        return TemplateResponse(request, "admin/login.html", context, status=429)
