"""Settings from command-line options and environment variables."""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PORT = 8080


@dataclass
class Settings:
    database_url: str
    public_url: str
    host: str = '0.0.0.0'
    port: int = DEFAULT_PORT
    data_dir: Path = Path('workshop-data')
    storage_secret: str = ''
    admin_secret: str = ''  # opens /admin/{secret}: creating workshops; empty: the admin page is closed
    broker_url: str = ''  # redis://…: the event bus shared by several app instances; empty: in-process
    auto_migrate: bool = True  # upgrade the database schema when serving starts

    @classmethod
    def from_env(cls, *, db: str | None = None, host: str | None = None, port: int | None = None,
                 public_url: str | None = None, data_dir: str | None = None) -> Settings:
        data = Path(data_dir or os.environ.get('WORKSHOP_DATA_DIR', 'workshop-data'))
        host = host or os.environ.get('WORKSHOP_HOST', '0.0.0.0')
        port = port or int(os.environ.get('WORKSHOP_PORT', DEFAULT_PORT))
        database_url = (db or os.environ.get('WORKSHOP_DATABASE_URL')
                        or f'sqlite:///{(data / "workshop.sqlite3").resolve()}')
        public = public_url or os.environ.get('WORKSHOP_PUBLIC_URL') or guess_public_url(host, port)
        return cls(database_url=database_url, public_url=public.rstrip('/'), host=host, port=port, data_dir=data,
                   storage_secret=os.environ.get('WORKSHOP_STORAGE_SECRET', ''),
                   admin_secret=os.environ.get('WORKSHOP_ADMIN_SECRET', '').strip(),
                   broker_url=os.environ.get('WORKSHOP_BROKER_URL', '').strip(),
                   auto_migrate=os.environ.get('WORKSHOP_AUTO_MIGRATE', '1').strip().lower()
                   not in {'0', 'no', 'false'})

    def ensure_storage_secret(self) -> str:
        """Signs participants' cookies; kept in the data folder so that restarts keep people joined."""
        if not self.storage_secret:
            path = self.data_dir / 'storage-secret'
            if path.is_file():
                self.storage_secret = path.read_text(encoding='utf-8').strip()
            else:
                self.data_dir.mkdir(parents=True, exist_ok=True)
                self.storage_secret = secrets.token_urlsafe(32)
                path.write_text(self.storage_secret, encoding='utf-8')
                path.chmod(0o600)
        return self.storage_secret

    def ensure_admin_secret(self) -> str:
        """The instance admin's secret (creating workshops): WORKSHOP_ADMIN_SECRET, else made once
        (128 random bits) and kept in the data folder, readable by its owner only."""
        if not self.admin_secret:
            path = self.data_dir / 'admin-secret'
            if path.is_file():
                self.admin_secret = path.read_text(encoding='utf-8').strip()
            if not self.admin_secret:
                self.data_dir.mkdir(parents=True, exist_ok=True)
                self.admin_secret = secrets.token_urlsafe(16)
                path.unlink(missing_ok=True)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, 'w', encoding='utf-8') as f:
                    f.write(self.admin_secret)
        return self.admin_secret


def guess_public_url(host: str, port: int) -> str:
    """The address phones in the same network can reach; --public-url overrides it."""
    if host not in {'0.0.0.0', '::', ''}:
        return f'http://{host}:{port}'
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    except OSError:
        addresses = set()
    lan = sorted(a for a in addresses if not a.startswith('127.'))
    return f'http://{lan[0] if lan else "127.0.0.1"}:{port}'
