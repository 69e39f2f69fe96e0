// Number literals of the answer grammar (parser.h), scanned into a Literal (expression.h):
//   digits [groups] [. digits [\overline{digits}]] [e±k | \times 10^{±k} | \cdot 10^k] | digits _base
// Thousands groups: `,ddd` (only with thousands_separators; also ` ddd`) after a first group of one to
// three digits that does not start with 0, and `{,}ddd` always. `3.` leaves the period unread; `2e` is
// not an exponent (the e is Euler's number, read by the parser).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "reward/math/expression.h"

namespace reasonrl::reward::math {

// Scans the literal starting at text[pos] (a digit, or '.' before a digit). Returns the position after
// it; on a malformed literal (bad base, empty \overline) returns 0 and sets *error.
size_t ScanNumberLiteral(std::string_view text, size_t pos, bool thousands_separators, Literal* out,
                         std::string* error);

}  // namespace reasonrl::reward::math
