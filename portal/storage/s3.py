"""Objects in an S3 bucket (AWS or any S3-compatible service) (DESIGN §6).

The bucket stays private: downloads go through short-lived presigned URLs
that make the browser save the file rather than display it.
"""

from __future__ import annotations

import io
import logging
import os
import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO, cast
from urllib.parse import quote

import boto3
from boto3.exceptions import Boto3Error
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from portal.errors import StorageUnavailable
from portal.infra.i18n import gettext
from portal.storage.base import COULD_NOT_DELETE, COULD_NOT_READ, COULD_NOT_STORE, StoredObject, check_key

log = logging.getLogger(__name__)

DEFAULT_REGION = "eu-west-2"
UNREACHABLE = "File storage cannot be reached."
MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound"})
# Every error botocore, boto3 or s3transfer raise for a failed call.
STORAGE_ERRORS = (BotoCoreError, ClientError, Boto3Error)

# Short timeouts and one retry: when storage is down the applicant should
# hear so in seconds, with their draft intact, not wait on a hung request.
CLIENT_CONFIG = Config(
    signature_version="s3v4",
    connect_timeout=5,
    read_timeout=30,
    retries={"max_attempts": 2, "mode": "standard"},
)
# Files above 8 MiB go up in 8 MiB parts, so a big file is never held whole in memory.
PART_SIZE = 8 * 1024 * 1024
TRANSFER_CONFIG = TransferConfig(multipart_threshold=PART_SIZE, multipart_chunksize=PART_SIZE, max_concurrency=4)


def attachment_disposition(filename: str) -> str:
    """``Content-Disposition: attachment`` naming ``filename`` (RFC 6266).

    ``filename`` is an ASCII fallback with anything unsafe in a quoted string
    replaced; ``filename*`` carries the real name in UTF-8 (RFC 5987).
    """
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r"[^A-Za-z0-9 ._()+-]", "_", ascii_name).strip() or "download"
    encoded = quote(filename, safe="!#$&+-.^_`|~")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}"


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


class _CountingReader(io.RawIOBase):
    """Counts the bytes of a stream that cannot tell us its length by seeking."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.count = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.count += len(data)
        return data


class S3Storage:
    """Objects under ``prefix`` in ``bucket``."""

    def __init__(self, bucket: str, prefix: str = "", endpoint_url: str | None = None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint_url = endpoint_url
        config = CLIENT_CONFIG
        if endpoint_url:
            # S3-compatible services (MinIO, moto, Ceph) rarely serve buckets
            # as subdomains; path-style addressing works everywhere.
            config = config.merge(Config(s3={"addressing_style": "path"}))
        # A session of our own: boto3's default session is not thread-safe.
        session = boto3.session.Session(region_name=os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION)
        self.client: Any = session.client("s3", endpoint_url=endpoint_url, config=config)

    def _object_key(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, stream: BinaryIO, content_type: str) -> StoredObject:
        object_key = self._object_key(key)
        # No ACL header: new objects are private to the bucket owner, and
        # buckets with ACLs disabled (the AWS default) refuse ACL headers.
        extra_args = {"ContentType": content_type, "ServerSideEncryption": "AES256"}
        counter: _CountingReader | None = None
        body: Any = stream
        if stream.seekable():
            start = stream.tell()
            size = stream.seek(0, io.SEEK_END) - start
            stream.seek(start)
        else:
            body = counter = _CountingReader(stream)
        try:
            # upload_fileobj streams, switching to multipart for big files.
            self.client.upload_fileobj(body, self.bucket, object_key, ExtraArgs=extra_args, Config=TRANSFER_CONFIG)
        except STORAGE_ERRORS as exc:
            log.warning("S3 storage could not store %s", object_key, exc_info=True)
            raise StorageUnavailable(COULD_NOT_STORE) from exc
        return StoredObject(key=key, size=counter.count if counter is not None else size)

    def open(self, key: str) -> BinaryIO:
        object_key = self._object_key(key)
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=object_key)
        except ClientError as exc:
            if _error_code(exc) in MISSING_CODES:
                raise FileNotFoundError(key) from exc
            log.warning("S3 storage could not read %s", object_key, exc_info=True)
            raise StorageUnavailable(COULD_NOT_READ) from exc
        except STORAGE_ERRORS as exc:
            log.warning("S3 storage could not read %s", object_key, exc_info=True)
            raise StorageUnavailable(COULD_NOT_READ) from exc
        # botocore's StreamingBody reads from the connection as it is consumed.
        return cast(BinaryIO, response["Body"])

    def url(self, key: str, filename: str, expires: timedelta, content_type: str | None = None) -> str | None:
        params = {
            "Bucket": self.bucket,
            "Key": self._object_key(key),
            "ResponseContentDisposition": attachment_disposition(filename),
        }
        if content_type:
            params["ResponseContentType"] = content_type
        try:
            # Signed locally: no request is made until the browser follows it.
            url: str = self.client.generate_presigned_url(
                "get_object", Params=params, ExpiresIn=max(1, int(expires.total_seconds()))
            )
        except STORAGE_ERRORS as exc:
            log.warning("S3 storage could not sign a URL for %s", key, exc_info=True)
            raise StorageUnavailable(COULD_NOT_READ) from exc
        return url

    def copy(self, source: str, target: str) -> StoredObject:
        source_key, target_key = self._object_key(source), self._object_key(target)
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=source_key)
            # Copied inside the bucket: the bytes never pass through the portal. Parts above
            # PART_SIZE, as for uploads; the content type is set again because a multipart
            # copy does not carry it over.
            self.client.copy(
                {"Bucket": self.bucket, "Key": source_key},
                self.bucket,
                target_key,
                ExtraArgs={
                    "ContentType": head.get("ContentType") or "application/octet-stream",
                    "MetadataDirective": "REPLACE",
                    "ServerSideEncryption": "AES256",
                },
                Config=TRANSFER_CONFIG,
            )
        except ClientError as exc:
            if _error_code(exc) in MISSING_CODES:
                raise FileNotFoundError(source) from exc
            log.warning("S3 storage could not copy %s to %s", source_key, target_key, exc_info=True)
            raise StorageUnavailable(COULD_NOT_STORE) from exc
        except STORAGE_ERRORS as exc:
            log.warning("S3 storage could not copy %s to %s", source_key, target_key, exc_info=True)
            raise StorageUnavailable(COULD_NOT_STORE) from exc
        return StoredObject(key=target, size=int(head["ContentLength"]))

    def delete(self, key: str) -> None:
        object_key = self._object_key(key)
        try:
            # S3 reports success for a key that is already gone.
            self.client.delete_object(Bucket=self.bucket, Key=object_key)
        except STORAGE_ERRORS as exc:
            log.warning("S3 storage could not delete %s", object_key, exc_info=True)
            raise StorageUnavailable(COULD_NOT_DELETE) from exc

    def exists(self, key: str) -> bool:
        object_key = self._object_key(key)
        try:
            self.client.head_object(Bucket=self.bucket, Key=object_key)
        except ClientError as exc:
            if _error_code(exc) in MISSING_CODES:
                return False
            raise StorageUnavailable(UNREACHABLE) from exc
        except STORAGE_ERRORS as exc:
            raise StorageUnavailable(UNREACHABLE) from exc
        return True

    def listing(self, prefix: str) -> Iterator[tuple[str, datetime]]:
        start = f"{self.prefix}/" if self.prefix else ""
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=start + prefix)
            for page in pages:
                for item in page.get("Contents", []):
                    written = item["LastModified"].astimezone(UTC)
                    yield item["Key"].removeprefix(start), written
        except STORAGE_ERRORS as exc:
            log.warning("S3 storage could not list %s", prefix, exc_info=True)
            raise StorageUnavailable(COULD_NOT_READ) from exc

    def ping(self) -> bool:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except STORAGE_ERRORS as exc:
            raise StorageUnavailable(
                gettext(
                    "%(UNREACHABLE)s Bucket %(bucket)s: %(exc)s",
                    UNREACHABLE=UNREACHABLE,
                    bucket=repr(self.bucket),
                    exc=exc,
                )
            ) from exc
        return True
