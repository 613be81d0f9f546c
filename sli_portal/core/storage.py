"""Where the portal keeps its files: a folder (the embedded default) or an S3-compatible bucket.

Both hold the same private files (evidence, case-study attachments, region logos, rendered
snapshots and annual reports). The portal never hands out a storage URL: every file goes out
through a view that checks who is asking and streams it (`sli_portal.core.http`), so the bucket
stays private and nothing relies on a public or signed link.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

S3_BACKEND = "storages.backends.s3.S3Storage"
ADDRESSING_STYLES = ("", "auto", "path", "virtual")

# A file read from the bucket is downloaded into a buffer before it is streamed out; above this
# size the buffer spills to a temporary file, so a 10 MB evidence file does not sit in a web
# worker's memory.
READ_BUFFER_IN_MEMORY = 2 * 1024 * 1024


def s3_storage(
    *,
    bucket_name: str,
    endpoint_url: str = "",
    region_name: str = "",
    access_key: str = "",
    secret_key: str = "",
    addressing_style: str = "",
    location: str = "",
) -> dict:
    """The `STORAGES["default"]` entry of a bucket. Empty values leave boto3 its own defaults
    (AWS's endpoint, credentials from the host's role or ~/.aws)."""
    if addressing_style not in ADDRESSING_STYLES:
        raise ImproperlyConfigured(f"AWS_S3_ADDRESSING_STYLE must be path, virtual or auto; not {addressing_style!r}")
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured("Set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither")
    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": bucket_name,
            "endpoint_url": endpoint_url or None,
            "region_name": region_name or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "addressing_style": addressing_style or None,
            "location": location.strip("/"),
            # No ACL on upload: an object stays private to the bucket's owner (S3's default), and
            # buckets with ACLs disabled (AWS's default) refuse any other canned ACL but that one.
            "default_acl": None,
            # Only ever signed links, should anything ask for a URL; the portal itself asks none.
            "querystring_auth": True,
            # As on a folder: a name already taken gets a suffix rather than replacing someone
            # else's file. The renders delete their old file before saving the new one.
            "file_overwrite": False,
            "max_memory_size": READ_BUFFER_IN_MEMORY,
        },
    }
