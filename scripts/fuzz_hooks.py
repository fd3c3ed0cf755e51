"""Schemathesis hooks for scripts/fuzz-api: the upload endpoints take raw files (PDF, JPEG, PNG);
schemathesis has no serializer for those media types, so generated values are sent as raw bytes.
The server then checks them by content (and parses PDFs), as it does for real uploads."""

import schemathesis


@schemathesis.serializer("application/pdf", "image/jpeg", "image/png")
def raw_file(ctx, value):
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")
