// OutputDir: a report folder written whole or not at all.
//
// Files are written into DIR.partial beside the target; commit() puts that
// folder in DIR's place. Until then DIR keeps whatever it held, and if the
// writing fails (or the caller throws) the destructor removes DIR.partial,
// so nothing half-written is left under either name.
//
// A folder the OS refuses — a parent that is a file, a read-only or missing
// mount, /proc, a full disk — is the user's input, not a bug in kafkasim:
// every failure here throws ks::InputError naming the path and the OS's
// reason (exit 2), e.g.
//   cannot create the folder /proc/nope.partial (for /proc/nope): No such file or directory
#pragma once

#include <filesystem>
#include <string_view>

namespace ks::report {

class OutputDir {
  public:
    // Creates target's parent folders and a fresh, empty target.partial (an
    // old one, left by an interrupted run, is removed first). A trailing '/'
    // on target is ignored. Throws ks::InputError, also when target exists
    // and is not replaceable: a file, or a non-empty folder holding none of
    // summary.json, compare.json, compare-shard.json (so `--out ~` cannot
    // erase a home folder).
    explicit OutputDir(std::filesystem::path target);
    // Removes the staging folder unless commit() succeeded.
    ~OutputDir();
    OutputDir(const OutputDir&) = delete;
    OutputDir& operator=(const OutputDir&) = delete;

    // Where the files go until commit().
    const std::filesystem::path& staging() const { return staging_; }
    const std::filesystem::path& target() const { return target_; }

    // Replaces the target (removed first if it exists) by the staging folder.
    // Throws ks::InputError. REQUIRES: not committed yet.
    void commit();

  private:
    std::filesystem::path target_;
    std::filesystem::path staging_;
    bool committed_ = false;
};

// Writes content to p, created or truncated. Throws ks::InputError
// "cannot write P: REASON" (e.g. No space left on device).
void write_file(const std::filesystem::path& p, std::string_view content);

// Creates folder p and its parents. Throws ks::InputError "cannot create the folder P: REASON".
void create_folder(const std::filesystem::path& p);

}  // namespace ks::report
