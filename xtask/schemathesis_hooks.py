"""Schemathesis hooks for the local stack.

`cargo lambda watch` answers 500 before any function runs when a header value is not visible
ASCII or a body is not UTF-8 (API Gateway passes both on, and the functions answer 400: the
property test `functions/stream-consumer/tests/any_input.rs` sends such bytes in-process).
So that these emulator answers are not taken for ours, such headers are dropped and such bodies
made UTF-8 before each call; everything else schemathesis generates is sent as it is.
"""

import schemathesis


def _visible_ascii(value):
    return all(32 <= ord(c) < 127 for c in str(value))


@schemathesis.hook
def before_call(ctx, case, kwargs):
    if case.headers:
        case.headers = {k: v for k, v in case.headers.items() if _visible_ascii(v)}
    # Headers schemathesis adds itself (such as the security scheme's Authorization).
    if kwargs.get("headers"):
        kwargs["headers"] = {k: v for k, v in kwargs["headers"].items() if _visible_ascii(v)}
    if isinstance(case.body, (bytes, bytearray)):
        try:
            case.body.decode("utf-8")
        except UnicodeDecodeError:
            case.body = case.body.decode("utf-8", "replace").encode("utf-8")
