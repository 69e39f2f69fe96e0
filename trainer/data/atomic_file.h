// Writing files so that a reader never sees half of one: each file is written in full to a temporary
// name in the same directory ("<path>.tmp.<pid>"), flushed to disk (fsync), and then renamed over
// `path` (rename(2) is atomic within one filesystem).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace reasonrl::data {

// Writes `contents` to `path` atomically. The parent directory must exist.
absl::Status WriteFileAtomically(const std::string& path, const std::string& contents);

// Writes several files: all temporaries first, then the renames, so an error while writing (disk full,
// permissions) leaves every destination as it was and no temporary behind. Only a failure between two
// renames (not expected once all writes succeeded) can leave some files replaced and others not.
absl::Status WriteFilesAtomically(const std::vector<std::pair<std::string, std::string>>& path_and_contents);

}  // namespace reasonrl::data
