#include "trainer/data/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace reasonrl::data {
namespace {

absl::Status ErrnoError(const std::string& what, const std::string& path, int err) {
  return absl::InternalError(absl::StrCat(path, ": ", what, ": ", std::strerror(err)));
}

std::string TempName(const std::string& path) { return absl::StrCat(path, ".tmp.", ::getpid()); }

// Writes and fsyncs `contents` into a fresh `tmp`; removes it on any error.
absl::Status WriteTemp(const std::string& tmp, const std::string& contents) {
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("cannot create", tmp, errno);
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return ErrnoError("write failed", tmp, err);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return ErrnoError("fsync failed", tmp, err);
  }
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return ErrnoError("close failed", tmp, err);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteFilesAtomically(const std::vector<std::pair<std::string, std::string>>& path_and_contents) {
  std::vector<std::string> temps;
  for (const auto& [path, contents] : path_and_contents) {
    std::string tmp = TempName(path);
    absl::Status status = WriteTemp(tmp, contents);
    if (!status.ok()) {
      for (const std::string& t : temps) ::unlink(t.c_str());
      return status;
    }
    temps.push_back(std::move(tmp));
  }
  for (size_t i = 0; i < temps.size(); ++i) {
    if (::rename(temps[i].c_str(), path_and_contents[i].first.c_str()) != 0) {
      int err = errno;
      for (size_t k = i; k < temps.size(); ++k) ::unlink(temps[k].c_str());
      return ErrnoError(absl::StrCat("cannot rename ", temps[i], " to it"), path_and_contents[i].first, err);
    }
  }
  return absl::OkStatus();
}

absl::Status WriteFileAtomically(const std::string& path, const std::string& contents) {
  return WriteFilesAtomically({{path, contents}});
}

}  // namespace reasonrl::data
