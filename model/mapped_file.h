// A read-only memory mapping of a whole file.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"

namespace reasonrl {

// Owns a PROT_READ, MAP_PRIVATE mapping of a regular file, unmapped on destruction. The file descriptor is
// closed as soon as the mapping exists.
//
// The bytes are those of the file at Open time only as long as nobody changes the file: writes by others
// may show through, and truncating the file makes reads past the new end fault (SIGBUS). Checkpoints are
// written to a temporary name and renamed, which leaves a mapped file alone.
//
// Thread safety: bytes() may be called from any number of threads.
class MappedFile {
 public:
  // Maps `path`. An empty file gives an empty bytes() (and no mapping). Errors carry the errno-derived code
  // (NotFound, PermissionDenied, ...) and a message naming `path` and the errno text; a path that is not a
  // regular file (a directory, a FIFO) is FailedPrecondition.
  static absl::StatusOr<std::unique_ptr<MappedFile>> Open(const std::string& path);

  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view bytes() const { return std::string_view(static_cast<const char*>(data_), size_); }
  const std::string& path() const { return path_; }

 private:
  MappedFile(std::string path, const void* data, size_t size)
      : path_(std::move(path)), data_(data), size_(size) {}

  std::string path_;
  const void* data_;  // nullptr for an empty file.
  size_t size_;
};

}  // namespace reasonrl
