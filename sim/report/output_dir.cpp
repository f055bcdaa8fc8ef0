#include "report/output_dir.hpp"

#include <cerrno>
#include <cstdio>
#include <string>
#include <system_error>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "kafkasim/errors.hpp"

namespace ks::report {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& what, std::error_code ec) {
    throw InputError(fmt::format("{}: {}", what, ec.message()));
}

std::error_code errno_code(int err) {
    return {err != 0 ? err : EIO, std::generic_category()};
}

fs::path without_trailing_slash(fs::path p) {
    while (!p.has_filename() && p.has_relative_path()) p = p.parent_path();
    return p;
}

// commit() removes the target: refuse, before anything is written, a target
// whose removal would lose what kafkasim did not write. A kafkasim output
// folder holds one of these files.
constexpr const char* kOutputMarkers[] = {"summary.json", "compare.json", "compare-shard.json"};

void check_replaceable(const fs::path& target) {
    std::error_code ec;
    const fs::file_status st = fs::symlink_status(target, ec);
    if (!fs::exists(st) || fs::is_symlink(st)) return;  // removing a link loses nothing it points to
    if (!fs::is_directory(st)) {
        throw InputError(fmt::format(
            "cannot write the report folder {}: it exists and is not a folder; not replacing it", target.string()));
    }
    if (fs::is_empty(target, ec)) return;
    for (const char* marker : kOutputMarkers) {
        if (fs::exists(target / marker, ec)) return;
    }
    throw InputError(fmt::format(
        "cannot write the report folder {}: it exists and is not a kafkasim report (no summary.json, compare.json "
        "or compare-shard.json in it); not replacing it: remove it or choose another folder",
        target.string()));
}

}  // namespace

void create_folder(const fs::path& p) {
    std::error_code ec;
    fs::create_directories(p, ec);
    if (ec) fail(fmt::format("cannot create the folder {}", p.string()), ec);
}

void write_file(const fs::path& p, std::string_view content) {
    errno = 0;
    std::FILE* f = std::fopen(p.c_str(), "wb");
    if (f == nullptr) fail(fmt::format("cannot write {}", p.string()), errno_code(errno));
    int err = 0;
    if (std::fwrite(content.data(), 1, content.size(), f) != content.size()) err = errno_code(errno).value();
    if (std::fclose(f) != 0 && err == 0) err = errno_code(errno).value();
    if (err != 0) fail(fmt::format("cannot write {}", p.string()), errno_code(err));
}

OutputDir::OutputDir(fs::path target) : target_(without_trailing_slash(std::move(target))) {
    if (target_.empty() || !target_.has_filename() || target_.filename() == "." || target_.filename() == "..") {
        throw InputError(fmt::format("cannot write a report folder at '{}': expected a folder name", target_.string()));
    }
    check_replaceable(target_);
    staging_ = target_;
    staging_ += ".partial";
    std::error_code ec;
    if (fs::exists(fs::symlink_status(staging_, ec))) {
        fs::remove_all(staging_, ec);
        if (ec) fail(fmt::format("cannot remove the old {} (for {})", staging_.string(), target_.string()), ec);
    }
    fs::create_directories(staging_, ec);
    if (ec) fail(fmt::format("cannot create the folder {} (for {})", staging_.string(), target_.string()), ec);
}

OutputDir::~OutputDir() {
    if (committed_) return;
    std::error_code ec;
    fs::remove_all(staging_, ec);  // best effort: a destructor must not throw
}

void OutputDir::commit() {
    KS_ASSERT(!committed_);
    std::error_code ec;
    fs::remove_all(target_, ec);
    if (ec) fail(fmt::format("cannot replace {}", target_.string()), ec);
    fs::rename(staging_, target_, ec);
    if (ec) fail(fmt::format("cannot rename {} to {}", staging_.string(), target_.string()), ec);
    committed_ = true;
}

}  // namespace ks::report
