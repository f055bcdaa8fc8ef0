// The one inline script of kafkasim's pages: hover values on the plots, a
// time cursor shared by every plot over time, and timeline rows that move
// the cursor to their moment. No file, no network: it reads what the page
// holds (html::figures puts each plot's axes in data-ks-* attributes and its
// values in a <script type="application/json" class="ks-data"> beside it).
// Without it the page reads the same, minus the interaction.
//
// It checks itself once the page has loaded: it moves a synthetic mouse over
// every interactive plot, checks that a value appears and that every plot
// over time shows its cursor at the same moment, clicks a timeline row, and
// writes the verdict into <body data-ks-check="ok:PLOTS:HOVERED"> (or
// "fail:what"), which .ci/html_check.sh reads from headless Chromium.
#pragma once

#include <string>
#include <string_view>

namespace ks::report::html {

// The script's text (no <script> tags); it holds no "http", "src=" or "</".
std::string_view page_script();

// The CSS of what the script adds (tooltip, cursor), part of the page's style sheet.
std::string_view page_script_style();

// JSON text made safe inside a <script> element: every '<' written as \u003c.
std::string script_json(std::string_view json);

}  // namespace ks::report::html
