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
