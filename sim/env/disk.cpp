#include "env/disk.hpp"

#include <algorithm>
#include <cmath>

#include "core/assert.hpp"
#include "core/distribution.hpp"

namespace ks::env {

Disk::Disk(EventLoop& loop, Rng rng, Options options) : loop_(loop), rng_(rng), options_(options) {
    KS_ASSERT_GT(options_.throughput_mb_per_s, 0.0);
    KS_ASSERT_GE(options_.dirty_expire, Duration::zero());
    KS_ASSERT_GE(options_.writeback_interval, Duration::zero());
    KS_ASSERT_GE(options_.writeback_phase, Duration::zero());
    KS_ASSERT(options_.writeback_phase == Duration::zero() || options_.writeback_phase < options_.writeback_interval);
}

const Disk::File& Disk::file_at(FileId f) const {
    KS_ASSERT_LT(f, files_.size());
    return files_[f];
}

Disk::File& Disk::file_at(FileId f) {
    KS_ASSERT_LT(f, files_.size());
    return files_[f];
}

Duration Disk::slowed(Duration d) const {
    if (slow_ == 1.0) return d;
    return ns(round_half_away(static_cast<double>(d.ns()) * slow_));
}

FileId Disk::create_file() {
    KS_ASSERT(powered_);
    KS_ASSERT_LT(files_.size(), options_.files_max);
    files_.emplace_back();
    return static_cast<FileId>(files_.size() - 1);
}

// ---------------------------------------------------------------------------
// Appends and flushes
// ---------------------------------------------------------------------------

void Disk::append(FileId f, Bytes size_bytes, std::uint64_t token) {
    KS_ASSERT(powered_);
    KS_ASSERT_GE(size_bytes, 0);
    file_at(f);  // exists
    const Instant start = std::max(loop_.now(), channel_free_);
    const double transfer_ns = static_cast<double>(size_bytes) * 1e3 / options_.throughput_mb_per_s;
    channel_free_ = start + slowed(ns(round_half_away(transfer_ns)));
    const Instant done = channel_free_ + slowed(sample_ms(options_.append_latency_ms, rng_));
    last_append_done_ = std::max(done, last_append_done_);
    const std::uint32_t inc = incarnation_;
    loop_.schedule_at(last_append_done_, [this, f, inc, size_bytes, token] { landed(f, size_bytes, token, inc); });
}

void Disk::landed(FileId f, Bytes size_bytes, std::uint64_t token, std::uint32_t incarnation) {
    if (incarnation != incarnation_) return;  // issued before a crash or power loss
    File& file = file_at(f);
    file.appended += size_bytes;
    if (size_bytes > 0) mark_dirty(f);
    KS_ASSERT(static_cast<bool>(on_complete_));
    on_complete_(
        DiskCompletion{.kind = DiskCompletion::Kind::append, .file = f, .token = token, .length = file.appended});
}

void Disk::flush(FileId f, std::uint64_t token, std::optional<Bytes> upto) {
    KS_ASSERT(powered_);
    KS_ASSERT(!upto || *upto >= 0);
    const Bytes target = std::min(file_at(f).appended, upto.value_or(file_at(f).appended));
    const Instant done = loop_.now() + slowed(sample_ms(options_.flush_latency_ms, rng_));
    last_flush_done_ = std::max(done, last_flush_done_);
    const std::uint32_t inc = incarnation_;
    loop_.schedule_at(last_flush_done_, [this, f, inc, target, token] { flushed(f, target, token, inc); });
}

void Disk::flushed(FileId f, Bytes target, std::uint64_t token, std::uint32_t incarnation) {
    if (incarnation != incarnation_) return;
    File& file = file_at(f);
    file.durable = std::max(file.durable, std::min(target, file.appended));
    KS_ASSERT_LE(file.durable, file.appended);
    KS_ASSERT(static_cast<bool>(on_complete_));
    on_complete_(
        DiskCompletion{.kind = DiskCompletion::Kind::flush, .file = f, .token = token, .length = file.durable});
}

void Disk::truncate(FileId f, Bytes length) {
    KS_ASSERT(powered_);
    File& file = file_at(f);
    KS_ASSERT_GE(length, 0);
    KS_ASSERT_LE(length, file.appended);
    file.appended = length;
    file.durable = std::min(file.durable, length);
    for (Extent& e : dirty_) {
        if (e.file == f) e.end = std::min(e.end, length);
    }
}

// ---------------------------------------------------------------------------
// OS writeback
// ---------------------------------------------------------------------------

Instant Disk::writeback_due(Instant dirtied) const {
    const Instant expiry = dirtied + options_.dirty_expire;
    const std::int64_t tick = options_.writeback_interval.ns();
    if (tick == 0) return expiry;
    // The flusher's next tick at or after expiry: phase + k * tick.
    const std::int64_t phase = options_.writeback_phase.ns();
    const std::int64_t since = expiry.ns() - phase;  // > -tick
    const std::int64_t k = since <= 0 ? 0 : (since + tick - 1) / tick;
    return Instant::from_ns(phase + k * tick);
}

// Records that `f` is dirty up to its appended length, coalescing with the
// file's newest extent when both are due at the same flusher tick.
void Disk::mark_dirty(FileId f) {
    File& file = file_at(f);
    const Instant due = writeback_due(loop_.now());
    if (file.last_extent != kNoExtent && file.last_extent >= extents_popped_) {
        Extent& last = dirty_[file.last_extent - extents_popped_];
        if (last.due == due) {
            last.end = file.appended;
            return;
        }
    }
    KS_ASSERT_LT(dirty_.size(), options_.dirty_extents_max);
    KS_ASSERT(dirty_.empty() || dirty_.back().due <= due);
    file.last_extent = extents_popped_ + dirty_.size();
    dirty_.push_back(Extent{f, file.appended, due});
    arm_writeback();
}

void Disk::arm_writeback() {
    if (dirty_.empty() || loop_.is_pending(writeback_timer_)) return;
    writeback_timer_ = loop_.schedule_at(dirty_.front().due, [this] { write_back(); });
}

void Disk::write_back() {
    while (!dirty_.empty() && dirty_.front().due <= loop_.now()) {
        const Extent& e = dirty_.front();
        File& file = files_[e.file];
        file.durable = std::max(file.durable, std::min(e.end, file.appended));
        dirty_.pop_front();
        ++extents_popped_;
    }
    arm_writeback();
}

// ---------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------

void Disk::set_slow_factor(double factor) {
    KS_ASSERT_GE(factor, 1.0);
    slow_ = factor;
}

void Disk::drop_pending() {
    ++incarnation_;
    channel_free_ = loop_.now();
    last_append_done_ = loop_.now();
    last_flush_done_ = loop_.now();
}

void Disk::crash() {
    drop_pending();
}

std::vector<FileLoss> Disk::power_loss() {
    KS_ASSERT(powered_);
    drop_pending();
    loop_.cancel(writeback_timer_);
    writeback_timer_ = TimerId{};
    extents_popped_ += dirty_.size();
    dirty_.clear();
    std::vector<FileLoss> losses;
    losses.reserve(files_.size());
    for (FileId f = 0; f < files_.size(); ++f) {
        File& file = files_[f];
        losses.push_back(FileLoss{f, file.appended, file.durable});
        file.appended = file.durable;
        file.last_extent = kNoExtent;
    }
    powered_ = false;
    return losses;
}

void Disk::power_on() {
    KS_ASSERT(!powered_);
    powered_ = true;
}

}  // namespace ks::env
