"""Rules as the OpenAPI document states them: text patterns the types carry, and extensions.

The app refuses NUL (U+0000) in any text before a handler reads it (`app.core.nul_text`);
these patterns say the same in the OpenAPI document, so generated clients and fuzzers learn
it from the schema rather than from a 422. Pydantic enforces them too (the same `pattern`),
so a field cannot promise more than it accepts. Whitespace is spelled out rather than as the
regex class for it: Python's `re` (schemathesis, many clients), pydantic's Rust engine and
JSON Schema's ECMA-262 each read that class differently.

Text that is trimmed (names, search text) is checked as sent: its length limit and pattern
apply to the raw value and `trim` runs after them, so the schema's `maxLength` is exactly
the limit (trimming first would let a longer value through).
"""

# Unicode White_Space, the characters trimmed from both ends of trimmed text.
WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    + "".join(chr(code) for code in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000"
)
# The same characters as a regex class body (`\uXXXX` reads alike in all three engines).
TRIMMED = "".join(f"\\u{ord(char):04x}" for char in WHITESPACE)

# Any text without NUL.
NUL_FREE_PATTERN = r"^[^\x00]*$"
# Text that still holds a character once trimmed.
NON_BLANK_PATTERN = rf"^[^\x00]*[^\x00{TRIMMED}][^\x00]*$"

# What JSON Schema has no keyword for is stated as an OpenAPI extension, which generated
# clients and fuzzers can read (the contract tier's schemathesis hooks obey each of these).
# On an operation: `[lower, upper]` pairs of parameters; when both are given, lower <= upper.
ORDERED_PARAMETERS_KEY = "x-ordered-parameters"
# The OpenAPI extension naming a limit in UTF-8 bytes, which JSON Schema has no keyword for.
MAX_UTF8_BYTES_KEY = "x-max-utf8-bytes"
# The OpenAPI extension marking a field that must hold the signed-in caller's own password.
CALLER_PASSWORD_KEY = "x-caller-password"  # noqa: S105 - an extension name, not a secret
# The OpenAPI extension marking a header whose value must differ from request to request
# (`Idempotency-Key`: a reused one with another body is refused, which no schema can say).
UNIQUE_PER_REQUEST_KEY = "x-unique-per-request"


def trim(text: str) -> str:
    """`text` without the `WHITESPACE` at either end (after its raw limits were checked)."""
    return text.strip(WHITESPACE)
