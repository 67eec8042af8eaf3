// Escaping text for XML and HTML (SVG pictures, the HTML report, JUnit files): one function for all.
#pragma once

#include <string>
#include <string_view>

namespace gostart::picture {

inline std::string xml_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

}  // namespace gostart::picture
