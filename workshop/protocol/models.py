"""Tables of the protocol: frozen versions and per-workshop protocol settings (the logo)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..models import utcnow


class ProtocolVersion(SQLModel, table=True):
    """A protocol marked final: numbered, timestamped, with a checksum and every rendering kept.

    ``checksum`` is the SHA-256 of ``archive`` (the canonical JSON of the workshop the
    version was rendered from); the renderings are stored so that an old version can be
    downloaded exactly as it was handed out.
    """
    __tablename__ = 'protocol_version'
    __table_args__ = (UniqueConstraint('workshop_id', 'number'),)
    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key='workshop.id', index=True)
    number: int
    created_at: dt.datetime = Field(default_factory=utcnow)
    checksum: str = Field(max_length=64)
    archive: str = Field(sa_column=Column(Text, nullable=False))
    pdf: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    docx: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    markdown: str = Field(sa_column=Column(Text, nullable=False))
    csv: str = Field(sa_column=Column(Text, nullable=False))
    # SHA-256 of the look the renderings were made with (logo, colour, Word template): a new look is a reason
    # for a new version even when the content is the same; None: made before the look was recorded
    look: str | None = Field(default=None, max_length=64)


class ProtocolSettings(SQLModel, table=True):
    """Per workshop: the organiser's logo on the protocol's title block (PNG or JPEG) and the organisation's look:
    a colour for the PDF's headings and rules, and a Word template (.docx or .dotx) whose styles, header and
    footer the DOCX protocol takes over."""
    __tablename__ = 'protocol_settings'
    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key='workshop.id', index=True, unique=True)
    logo: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    logo_type: str | None = Field(default=None, max_length=40)
    colour: str | None = Field(default=None, max_length=7)  # "#1f4e79"
    word_template: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    word_template_name: str | None = Field(default=None, max_length=200)  # the uploaded file's name


class ServerLook(SQLModel, table=True):
    """The server's default look of the protocol (one row, id 1, set on the admin page): a Word template, a logo and
    a colour, used for every workshop that has none of its own (ProtocolSettings)."""
    __tablename__ = 'server_look'
    id: int | None = Field(default=None, primary_key=True)
    logo: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    logo_type: str | None = Field(default=None, max_length=40)
    colour: str | None = Field(default=None, max_length=7)  # "#1f4e79"
    word_template: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    word_template_name: str | None = Field(default=None, max_length=200)


SERVER_LOOK_ID = 1  # the one row of server_look
