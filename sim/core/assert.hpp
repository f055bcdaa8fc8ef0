// Always-on assertions that print both operands.
//
// A failed assertion is a bug in kafkasim, never a user error: it throws
// ks::AssertionFailure, which the CLI catches at the top, prints with the seed
// and the one-line repro, and turns into exit code 3. Assertions stay on in
// release builds; they guard state transitions, not hot inner loops.
#pragma once

#include <stdexcept>
#include <string>
#include <type_traits>

#include <fmt/format.h>

namespace ks {

class AssertionFailure : public std::logic_error {
  public:
    using std::logic_error::logic_error;
};

namespace detail {

template <typename T>
std::string show(const T& v) {
    if constexpr (std::is_enum_v<T>) {
        return fmt::format("{}", static_cast<std::underlying_type_t<T>>(v));
    } else if constexpr (std::is_arithmetic_v<T>) {
        return fmt::format("{}", v);
    } else if constexpr (requires { v.ns(); }) {
        return fmt::format("{}ns", v.ns());
    } else if constexpr (requires { v.value(); }) {
        return fmt::format("{}", v.value());
    } else if constexpr (std::is_convertible_v<T, std::string>) {
        return std::string(v);
    } else {
        return "<?>";
    }
}

[[noreturn]] void assertion_failed(const char* file, int line, const std::string& what);

}  // namespace detail
}  // namespace ks

#define KS_ASSERT(cond)                                                                 \
    do {                                                                                \
        if (!(cond)) [[unlikely]]                                                       \
            ::ks::detail::assertion_failed(__FILE__, __LINE__, "KS_ASSERT(" #cond ")"); \
    } while (0)

#define KS_ASSERT_MSG(cond, ...)                                                                                \
    do {                                                                                                        \
        if (!(cond)) [[unlikely]]                                                                               \
            ::ks::detail::assertion_failed(__FILE__, __LINE__,                                                  \
                                           std::string("KS_ASSERT(" #cond "): ") + ::fmt::format(__VA_ARGS__)); \
    } while (0)

#define KS_ASSERT_OP_(a, b, op)                                                                                 \
    do {                                                                                                        \
        const auto& ks_a_ = (a);                                                                                \
        const auto& ks_b_ = (b);                                                                                \
        if (!(ks_a_ op ks_b_)) [[unlikely]]                                                                     \
            ::ks::detail::assertion_failed(__FILE__, __LINE__,                                                  \
                                           std::string("KS_ASSERT(" #a " " #op " " #b "): ") +                  \
                                               ::ks::detail::show(ks_a_) + " vs " + ::ks::detail::show(ks_b_)); \
    } while (0)

#define KS_ASSERT_EQ(a, b) KS_ASSERT_OP_(a, b, ==)
#define KS_ASSERT_NE(a, b) KS_ASSERT_OP_(a, b, !=)
#define KS_ASSERT_LT(a, b) KS_ASSERT_OP_(a, b, <)
#define KS_ASSERT_LE(a, b) KS_ASSERT_OP_(a, b, <=)
#define KS_ASSERT_GT(a, b) KS_ASSERT_OP_(a, b, >)
#define KS_ASSERT_GE(a, b) KS_ASSERT_OP_(a, b, >=)
#define KS_UNREACHABLE(msg) ::ks::detail::assertion_failed(__FILE__, __LINE__, (msg))
