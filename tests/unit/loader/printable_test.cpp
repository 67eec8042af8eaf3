// loader::printable: what of the binary's (or the guest's) text may reach a terminal as it is.
#include "loader/printable.h"

#include <catch2/catch.hpp>

#include <string>

using gostart::loader::printable;

TEST_CASE("printable keeps text, Unicode names included", "[loader][printable]") {
    CHECK(printable("runtime.rt0_go") == "runtime.rt0_go");
    CHECK(printable("main.héllo·世界") == "main.héllo·世界");  // Go allows Unicode identifiers
    CHECK(printable("go1.19.8 X:boringcrypto") == "go1.19.8 X:boringcrypto");
    CHECK(printable("") == "");
}

TEST_CASE("printable escapes what a terminal would act on", "[loader][printable]") {
    CHECK(printable("a\x1b[2Jb") == "a\\x1b[2Jb");           // ESC: the start of every escape sequence
    CHECK(printable("\x1b]0;title\x07") == "\\x1b]0;title\\x07");
    CHECK(printable("two\nlines\r\t") == "two\\nlines\\r\\t");
    CHECK(printable(std::string("nul\0byte", 8)) == "nul\\x00byte");
    CHECK(printable("\x7f") == "\\x7f");
    CHECK(printable("\xc2\x9b" "31m") == "\\xc2\\x9b31m");     // U+009B, the one-character CSI
    CHECK(printable("back\\slash") == "back\\\\slash");       // so that \x.. in the output is ours
}

TEST_CASE("printable escapes bytes that are not UTF-8, byte by byte", "[loader][printable]") {
    CHECK(printable("\xff\xfe") == "\\xff\\xfe");
    CHECK(printable("\xc3") == "\\xc3");                      // cut short
    CHECK(printable("\xc0\xaf") == "\\xc0\\xaf");             // overlong '/'
    CHECK(printable("\xe0\x80\xaf") == "\\xe0\\x80\\xaf");    // overlong, three bytes
    CHECK(printable("\xed\xa0\x80") == "\\xed\\xa0\\x80");    // a surrogate
    CHECK(printable("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");  // past U+10FFFF
    CHECK(printable("\xf0\x9f\x98\x80") == "\xf0\x9f\x98\x80");      // U+1F600 is fine
}
