"""Team login (streamlit-authenticator) and the rule that an app reachable from the network needs it.

Without `ASSISTANT_AUTH_ENABLED` the app is single-user on 127.0.0.1 and nothing here shows. With it, every page
first asks for a user from `<data_dir>/users.yaml` (bcrypt hashes, maintained with `assistant users`); the role
is re-read from that file on every run, so removing a user or changing a role takes effect at once.
"""

from __future__ import annotations

import streamlit as st

from assistant.i18n import msg
from assistant.users import User, UserStore

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_USER_KEY = "auth::user"


def _lang() -> str:
    from ui.i18n import lang

    return lang()


def _settings():
    from ui.common import settings

    return settings()


def listen_address() -> str:
    """Streamlit's `server.address`; empty means every interface (what Streamlit does without the option)."""
    return str(st.get_option("server.address") or "")


def exposed() -> bool:
    return listen_address() not in LOOPBACK


def guard_listen_address() -> None:
    """Refuse to serve on a non-loopback address unless login is on: consultations hold client data."""
    if exposed() and not _settings().auth_enabled:
        lang = _lang()
        st.error(msg("auth.exposed_title", lang, address=listen_address() or "0.0.0.0"), icon=":material/block:")
        st.markdown(msg("auth.exposed_text", lang))
        st.stop()


def current_user() -> User | None:
    """The logged-in user, or None when login is off (single-user mode sees everything)."""
    return st.session_state.get(_USER_KEY)


def require_login() -> User | None:
    """Show the login form until a known user is signed in; returns that user (None when login is off)."""
    settings = _settings()
    if not settings.auth_enabled:
        st.session_state.pop(_USER_KEY, None)
        return None
    lang = _lang()
    users = UserStore.for_settings(settings)
    if not users.users():
        st.error(msg("auth.no_users", lang))
        st.stop()
    authenticator = _authenticator(users)
    if not st.session_state.get("authentication_status"):
        st.title(msg("auth.login_title", lang))
        st.caption(msg("auth.login_intro", lang))
    try:
        authenticator.login(location="main", key="auth::login", fields={
            "Form name": msg("auth.login_title", lang), "Username": msg("auth.login_username", lang),
            "Password": msg("auth.login_password", lang), "Login": msg("auth.login_button", lang)})
    except Exception:  # noqa: BLE001 - a wrong or unknown name must read as a failed login, not a trace
        st.session_state["authentication_status"] = False
    status = st.session_state.get("authentication_status")
    if status is False:
        st.error(msg("auth.login_failed", lang))
    user = users.get(str(st.session_state.get("username") or "")) if status else None
    if user is None:
        st.session_state.pop(_USER_KEY, None)
        st.stop()
    st.session_state[_USER_KEY] = user
    st.session_state["auth::authenticator"] = authenticator
    return user


def sidebar_user() -> None:
    """Who is signed in, and the logout button (nothing when login is off)."""
    user = current_user()
    if user is None:
        return
    lang = _lang()
    st.caption(msg("auth.signed_in", lang, name=user.name, role=msg(f"auth.role_{user.role}", lang)))
    authenticator = st.session_state.get("auth::authenticator")
    if authenticator is not None:
        authenticator.logout(msg("auth.logout", lang), location="sidebar", key="auth::logout",
                             callback=lambda _info: st.session_state.pop(_USER_KEY, None))


def _authenticator(users: UserStore):
    import streamlit_authenticator as stauth

    cookie = users.cookie()
    data = users.load()
    # A dict, not the file path: the library would otherwise write login state back into users.yaml.
    return stauth.Authenticate(data["credentials"], cookie_name=cookie["name"], cookie_key=cookie["key"],
                               cookie_expiry_days=float(cookie.get("expiry_days", 1)), auto_hash=False,
                               login_sleep_time=0.2)
