// Structural checks of kafkasim's HTML pages: well-formed (every element
// closed, in order, including the inline SVGs), and self-contained (no
// stylesheet link, no reference outside the file, scripts inline only and
// reaching nothing outside the page).
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace ks::test {

// Returns "" when the page is well formed, else what is wrong.
inline std::string html_structure_error(const std::string& s) {
    static const std::vector<std::string> void_elements = {"meta", "br", "img", "hr", "input", "link", "wbr"};
    std::vector<std::string> stack;
    std::size_t i = 0;
    while ((i = s.find('<', i)) != std::string::npos) {
        if (s.compare(i, 4, "<!--") == 0) {
            i = s.find("-->", i);
            if (i == std::string::npos) return "unterminated comment";
            continue;
        }
        if (s.compare(i, 2, "<!") == 0 || s.compare(i, 2, "<?") == 0) {
            i = s.find('>', i);
            if (i == std::string::npos) return "unterminated declaration";
            continue;
        }
        const auto end = s.find('>', i);
        if (end == std::string::npos) return "unterminated tag at " + std::to_string(i);
        const bool closing = s[i + 1] == '/';
        std::size_t n = i + (closing ? 2 : 1);
        std::string name;
        while (n < end && (std::isalnum(static_cast<unsigned char>(s[n])) || s[n] == '-' || s[n] == ':'))
            name += s[n++];
        if (name.empty()) return "bad tag at " + std::to_string(i);
        const bool self_closing = s[end - 1] == '/';
        if (closing) {
            if (stack.empty() || stack.back() != name)
                return "</" + name + "> closes <" + (stack.empty() ? std::string("nothing") : stack.back()) + "> at " +
                       std::to_string(i);
            stack.pop_back();
        } else if (!self_closing &&
                   std::find(void_elements.begin(), void_elements.end(), name) == void_elements.end()) {
            stack.push_back(name);
            if (name == "style" || name == "script") {  // raw text up to </style> or </script>
                const auto close = s.find("</" + name + ">", end);
                if (close == std::string::npos) return "unterminated <" + name + ">";
                i = close;
                continue;
            }
        }
        i = end + 1;
    }
    if (!stack.empty()) return "<" + stack.back() + "> never closed";
    return "";
}

// The text of every <script> element, in order.
inline std::vector<std::string> script_texts(const std::string& s) {
    std::vector<std::string> out;
    for (auto at = s.find("<script"); at != std::string::npos; at = s.find("<script", at + 1)) {
        const auto open_end = s.find('>', at);
        const auto close = s.find("</script>", open_end);
        if (open_end == std::string::npos || close == std::string::npos) break;
        out.push_back(s.substr(open_end + 1, close - open_end - 1));
    }
    return out;
}

// Returns "" when nothing in the page reaches outside it: no stylesheet,
// frame, image or object from elsewhere, no remote link, and scripts only
// inline (no src) whose text names no address and fetches nothing.
inline std::string html_external_reference(const std::string& s) {
    for (const char* bad : {"<link", "<iframe", "<img", " src=", "href=\"http", "href='http", "url(http", "@import",
                            "<object", "<embed", "<script src", "<script type=\"module\""}) {
        if (s.find(bad) != std::string::npos) return std::string("found ") + bad;
    }
    for (const std::string& text : script_texts(s)) {
        for (const char* bad : {"http", "src=", "fetch(", "XMLHttpRequest", "import(", "WebSocket", "url(",
                                "navigator.sendBeacon", "<!--"}) {
            if (text.find(bad) != std::string::npos) return std::string("a script holds ") + bad;
        }
    }
    return "";
}

inline std::size_t count_of(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
    return n;
}

}  // namespace ks::test
