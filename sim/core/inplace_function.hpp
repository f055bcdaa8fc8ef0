// InplaceFunction: a move-only callable stored inside the object, never on the
// heap. The event loop keeps one per pending event, so scheduling costs no
// allocation; a callable larger than Capacity is a compile error, which keeps
// captures small (capture an id or a pointer, not a vector).
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

#include "core/assert.hpp"

namespace ks {

template <typename Signature, std::size_t Capacity = 48>
class InplaceFunction;

template <typename R, typename... Args, std::size_t Capacity>
class InplaceFunction<R(Args...), Capacity> {
  public:
    InplaceFunction() = default;

    template <typename F, typename D = std::decay_t<F>,
              typename = std::enable_if_t<!std::is_same_v<D, InplaceFunction>>>
    InplaceFunction(F&& f) {  // NOLINT: implicit by design, like std::function
        static_assert(sizeof(D) <= Capacity, "callable too large for InplaceFunction: capture less");
        static_assert(alignof(D) <= alignof(std::max_align_t), "over-aligned callable");
        static_assert(std::is_nothrow_move_constructible_v<D>, "callable must be nothrow-movable");
        ::new (static_cast<void*>(buf_)) D(std::forward<F>(f));
        ops_ = &ops_for<D>;
    }

    InplaceFunction(InplaceFunction&& o) noexcept { take(std::move(o)); }
    InplaceFunction& operator=(InplaceFunction&& o) noexcept {
        if (this != &o) {
            reset();
            take(std::move(o));
        }
        return *this;
    }
    InplaceFunction(const InplaceFunction&) = delete;
    InplaceFunction& operator=(const InplaceFunction&) = delete;
    ~InplaceFunction() { reset(); }

    explicit operator bool() const { return ops_ != nullptr; }

    R operator()(Args... args) {
        KS_ASSERT(ops_ != nullptr);
        return ops_->invoke(buf_, std::forward<Args>(args)...);
    }

    void reset() {
        if (ops_) {
            ops_->destroy(buf_);
            ops_ = nullptr;
        }
    }

  private:
    struct Ops {
        R (*invoke)(void*, Args&&...);
        void (*move)(void* dst, void* src);
        void (*destroy)(void*);
    };

    template <typename D>
    static constexpr Ops ops_for{
        [](void* p, Args&&... a) -> R { return (*static_cast<D*>(p))(std::forward<Args>(a)...); },
        [](void* dst, void* src) {
            ::new (dst) D(std::move(*static_cast<D*>(src)));
            static_cast<D*>(src)->~D();
        },
        [](void* p) { static_cast<D*>(p)->~D(); },
    };

    void take(InplaceFunction&& o) noexcept {
        if (o.ops_) {
            o.ops_->move(buf_, o.buf_);
            ops_ = o.ops_;
            o.ops_ = nullptr;
        }
    }

    alignas(std::max_align_t) unsigned char buf_[Capacity];
    const Ops* ops_ = nullptr;
};

}  // namespace ks
