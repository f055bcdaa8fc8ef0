// display_width: terminal columns of UTF-8 text, for the CLI's tables.
#include <doctest/doctest.h>

#include <string>

#include "cli/text_width.hpp"

using ks::cli::display_width;
using ks::cli::pad_right;

TEST_CASE("display width: ASCII is a column a byte") {
    CHECK(display_width("") == 0);
    CHECK(display_width("order-17") == 8);
    CHECK(display_width("a b\tc") == 5);
}

TEST_CASE("display width: East Asian Wide and Fullwidth code points take two columns") {
    CHECK(display_width("주문-17") == 7);             // Hangul syllables: 9 bytes, 7 columns
    CHECK(display_width("中文") == 4);                // CJK unified ideographs
    CHECK(display_width("カタカナ") == 8);            // Katakana
    CHECK(display_width("ＡＢＣ") == 6);              // Fullwidth forms
    CHECK(display_width("\u3000") == 2);              // U+3000 ideographic space (F)
    CHECK(display_width("\U0001F600x") == 3);         // U+1F600 an emoji (W), then x
    CHECK(display_width("\U00020000") == 2);          // U+20000 CJK extension B
    CHECK(display_width("\u1100") == 2);              // U+1100 Hangul Jamo leading consonant
    CHECK(display_width("\u00E9\u00E0\u00F6") == 3);  // Latin-1 letters are narrow
    CHECK(display_width("\u03B1\u0416") == 2);        // Greek and Cyrillic too
    CHECK(display_width("\uFF61") == 1);              // U+FF61 halfwidth ideographic full stop
}

TEST_CASE("display width: combining marks and zero-width characters take none") {
    CHECK(display_width("e\u0301") == 1);       // e + U+0301 combining acute
    CHECK(display_width("\u110C\u116E") == 2);  // 주 decomposed: U+110C U+116E
    CHECK(display_width("a\u200Bb") == 2);      // U+200B zero width space
    CHECK(display_width("\u2764\uFE0F") == 1);  // U+2764 (narrow) + VS16
    CHECK(display_width("\uFEFFabc") == 3);     // a byte order mark
}

TEST_CASE("display width: a byte outside a well-formed UTF-8 sequence counts one column") {
    CHECK(display_width("\xff\xfe") == 2);          // never in UTF-8
    CHECK(display_width("\x80z") == 2);             // a stray continuation byte
    CHECK(display_width("\xe4\xb8") == 2);          // a sequence cut short
    CHECK(display_width("\xe4\xb8z") == 3);         // ... then ASCII
    CHECK(display_width("\xc0\xaf") == 2);          // an overlong '/'
    CHECK(display_width("\xed\xa0\x80") == 3);      // a UTF-16 surrogate
    CHECK(display_width("\xf4\x90\x80\x80") == 4);  // beyond U+10FFFF
}

TEST_CASE("pad_right: pads to display columns, never cuts") {
    CHECK(pad_right("주문-17", 10) == "주문-17   ");
    CHECK(pad_right("order-17", 10) == "order-17  ");
    CHECK(pad_right("주문-17", 3) == "주문-17");
    CHECK(pad_right("", 2) == "  ");
}
