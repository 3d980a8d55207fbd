"""How much of a request body the portal reads.

``MAX_CONTENT_LENGTH`` refuses any body over the upload limit (plus room for
the form) with a 413 page before a view runs. For a form that carries typed
text beside a file, that would throw the text away with the file. A view marked
``@text_beside_files`` accepts a body several times larger, and keeps only the
first ``MAX_UPLOAD_MB`` (and a byte) of each file, so memory and disk stay
bounded: the upload check then refuses the file in words, and the text is saved.

A view marked ``@large_files("SETTING")`` takes one file bigger than the usual
limit (a reference-data file of millions of lines): its body may be up to the
setting's number of megabytes (plus one for the form around it).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import IO, Any, TypeVar

from flask import Request, current_app

View = TypeVar("View", bound=Callable[..., Any])

BODY_ALLOWANCE = 5  # times the usual limit, for a form with text beside a file
SPOOL_BYTES = 512 * 1024


def text_beside_files(view: View) -> View:
    """Mark a view whose form sends typed text with a file: a file that is too big must not lose the text."""
    view.text_beside_files = True  # type: ignore[attr-defined]
    return view


def large_files(setting: str) -> Callable[[View], View]:
    """Mark a view whose one file may be up to ``current_app.config[setting]`` MB."""

    def mark(view: View) -> View:
        view.body_limit_setting = setting  # type: ignore[attr-defined]
        return view

    return mark


class KeepsTheStart(tempfile.SpooledTemporaryFile[bytes]):
    """A file part's store that keeps its first ``keep`` bytes and counts the rest without keeping them."""

    def __init__(self, keep: int) -> None:
        super().__init__(max_size=SPOOL_BYTES, mode="w+b")
        self.room = keep

    def write(self, data: Any) -> int:
        kept = bytes(data[: max(self.room, 0)])
        self.room -= len(kept)
        if kept:
            super().write(kept)
        return len(data)


class PortalRequest(Request):
    def _view(self) -> Any:
        return current_app.view_functions.get(self.endpoint or "") if current_app else None

    def _marked(self) -> bool:
        return bool(getattr(self._view(), "text_beside_files", False))

    @property
    def max_content_length(self) -> int | None:
        limit = super().max_content_length
        setting = getattr(self._view(), "body_limit_setting", None)
        if limit is not None and self._max_content_length is None and setting:
            return (int(current_app.config[setting]) + 1) * 1024 * 1024
        if limit is not None and self._max_content_length is None and self._marked():
            return limit * BODY_ALLOWANCE
        return limit

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        if self._marked():
            return KeepsTheStart(current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024 + 1)
        return super()._get_file_stream(total_content_length, content_type, filename, content_length)
