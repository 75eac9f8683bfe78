#include "kcsim/core/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "kcsim/core/input_error.hpp"

namespace kcsim {
namespace {

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

InputError too_large(const std::string& name, const std::string& what, std::size_t max_bytes) {
  return InputError(name, "", fmt::format("expected a {} of at most {} MiB", what, max_bytes >> 20),
                    fmt::format("more than {} bytes", max_bytes));
}

}  // namespace

std::string read_input_file(const std::string& path, const std::string& what, std::size_t max_bytes) {
  const std::string expected = fmt::format("expected a readable {}", what);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw InputError(path, "", expected, std::strerror(errno));
  if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) throw InputError(path, "", expected, kind_of(st.st_mode));
  if (S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) > max_bytes) throw too_large(path, what, max_bytes);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(path, "", expected, std::strerror(errno));
  std::string text;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      throw InputError(path, "", expected, std::strerror(err));
    }
    // Checked while reading: the file may grow, and a FIFO has no size.
    if (text.size() + static_cast<std::size_t>(n) > max_bytes) {
      ::close(fd);
      throw too_large(path, what, max_bytes);
    }
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

std::string read_input_stream(std::istream& in, const std::string& name, std::size_t max_bytes) {
  std::string text;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    if (text.size() + static_cast<std::size_t>(in.gcount()) > max_bytes) throw too_large(name, "input", max_bytes);
    text.append(buf, static_cast<std::size_t>(in.gcount()));
  }
  return text;
}

bool is_readable_entry(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace kcsim
