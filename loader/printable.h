// Text that comes from the binary (names, file names, versions, build settings, paths) or from the guest,
// made safe to print on one line of the user's terminal: printable ASCII and well-formed UTF-8 pass
// (Go identifiers may be Unicode); control characters — ESC above all, so that no escape sequence
// reaches the terminal — DEL, C1 controls and bytes that are not UTF-8 become \xNN (\n, \r, \t as
// such), and a backslash is doubled, so the escaped text reads back unambiguously. The one function
// every command uses before it prints such a string.
#pragma once

#include <string>
#include <string_view>

namespace gostart::loader {

std::string printable(std::string_view s);

}  // namespace gostart::loader
