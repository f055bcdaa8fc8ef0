// The width of UTF-8 text on a terminal, for lining up table columns: bytes
// and code points are not columns once keys hold Hangul, CJK or emoji.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ks::cli {

// Display columns of `utf8`: East Asian Wide and Fullwidth code points
// (Unicode's EastAsianWidth.txt, classes W and F) take 2, combining marks and
// zero-width characters of the common blocks 0, anything else 1. A byte that
// does not begin a well-formed UTF-8 sequence (stray continuation, overlong
// form, surrogate, beyond U+10FFFF, cut short) counts as 1, as a terminal
// shows it as one replacement character.
std::size_t display_width(std::string_view utf8);

// `utf8` followed by spaces up to `width` display columns (as is if wider).
std::string pad_right(std::string_view utf8, std::size_t width);

}  // namespace ks::cli
