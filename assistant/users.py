"""Team deployment: the users who may log in, with bcrypt hashes, in `<data_dir>/users.yaml`.

The file has the layout streamlit-authenticator reads (`credentials.usernames.<name>.{name,password,roles}` and a
`cookie` section with a random signing key), so the app hands it over as it is. Passwords are never stored,
only bcrypt hashes; the file is written atomically, under a lock, readable by its owner only.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import Literal

import bcrypt
import yaml
from filelock import FileLock
from pydantic import BaseModel

from assistant.i18n import msg

Role = Literal["advisor", "admin"]
ROLES: tuple[str, ...] = ("advisor", "admin")
MIN_PASSWORD_LEN = 10
_USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{1,31}")


class UserError(ValueError):
    """A user that cannot be added/removed; the message says why."""


class User(BaseModel):
    username: str
    name: str
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


def check_password(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode("utf-8"), hashed.encode("ascii"))
    except ValueError:
        return False


class UserStore:
    """Read and change users.yaml."""

    def __init__(self, path: Path, lang: str = "de"):
        self.path = Path(path)
        self.lang = lang
        self._lock = FileLock(str(self.path) + ".lock", timeout=10)

    @classmethod
    def for_settings(cls, settings) -> UserStore:
        return cls(settings.users_path, settings.lang)

    def exists(self) -> bool:
        return self.path.is_file()

    def load(self) -> dict:
        """The whole file as streamlit-authenticator expects it (empty skeleton when there is none)."""
        if not self.path.is_file():
            return {"credentials": {"usernames": {}}, "cookie": {}}
        from assistant.knowledge.loaders import strict_yaml

        data = strict_yaml(self.path.read_text(encoding="utf-8")) or {}
        data.setdefault("credentials", {}).setdefault("usernames", {})
        data.setdefault("cookie", {})
        return data

    def users(self) -> list[User]:
        entries = self.load()["credentials"]["usernames"] or {}
        return [User(username=u, name=str(e.get("name") or u), role=_role(e)) for u, e in sorted(entries.items())]

    def get(self, username: str) -> User | None:
        return next((u for u in self.users() if u.username == username), None)

    def add(self, username: str, password: str, role: str = "advisor", name: str | None = None) -> User:
        username = username.strip().lower()
        if not _USERNAME_RE.fullmatch(username):
            raise UserError(msg("auth.bad_username", self.lang, username=username))
        if role not in ROLES:
            raise UserError(msg("auth.bad_role", self.lang, role=role, roles=", ".join(ROLES)))
        if len(password) < MIN_PASSWORD_LEN:
            raise UserError(msg("auth.short_password", self.lang, n=MIN_PASSWORD_LEN))
        with self._lock:
            data = self.load()
            data["credentials"]["usernames"][username] = {
                "name": name or username, "email": f"{username}@localhost", "password": hash_password(password),
                "roles": [role],
            }
            self._save(data)
        return User(username=username, name=name or username, role=role)  # type: ignore[arg-type]

    def remove(self, username: str) -> bool:
        with self._lock:
            data = self.load()
            if data["credentials"]["usernames"].pop(username.strip().lower(), None) is None:
                return False
            self._save(data)
            return True

    def cookie(self) -> dict:
        """Cookie name, signing key and expiry; the key is created on first use and kept in the file."""
        data = self.load()
        cookie = data.get("cookie") or {}
        if not cookie.get("key"):
            with self._lock:
                data = self.load()
                data["cookie"] = {"name": "ki_sprechstunde_auth", "key": secrets.token_hex(32), "expiry_days": 1}
                self._save(data)
                cookie = data["cookie"]
        return cookie

    def _save(self, data: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".users.", suffix=".yaml")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                yaml.safe_dump(data, handle, allow_unicode=True, sort_keys=True)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


def _role(entry: dict) -> Role:
    roles = entry.get("roles") or []
    return "admin" if "admin" in roles else "advisor"
