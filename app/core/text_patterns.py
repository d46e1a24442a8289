"""Rules every client-supplied text keeps, as JSON Schema patterns the types carry.

The app refuses NUL (U+0000) in any text before a handler reads it (`app.core.nul_text`);
these patterns say the same in the OpenAPI document, so generated clients and fuzzers learn
it from the schema rather than from a 422. Pydantic enforces them too (the same `pattern`),
so a field cannot promise more than it accepts. Character classes are written out rather
than `\\s`: Python's `re` (schemathesis, most clients) and pydantic's Rust engine disagree on
what `\\s` covers, and JSON Schema's ECMA-262 reading is a third opinion.
"""

# Whitespace as pydantic's `strip_whitespace` trims it (Unicode White_Space), spelled out.
TRIMMED = (
    r"\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)

# Any text without NUL.
NUL_FREE_PATTERN = r"^[^\x00]*$"
# Text that still holds a character once trimmed (stripped fields with a minimum length).
NON_BLANK_PATTERN = rf"^[^\x00]*[^\x00{TRIMMED}][^\x00]*$"

# The OpenAPI extension naming a limit in UTF-8 bytes, which JSON Schema has no keyword for.
MAX_UTF8_BYTES_KEY = "x-max-utf8-bytes"
