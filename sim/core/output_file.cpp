#include "kcsim/core/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

namespace kcsim {
namespace {

std::string reason(int err) { return std::strerror(err); }

OutputError write_error(const std::string& path, int err) {
  return OutputError(fmt::format("cannot write {}: {}", path, reason(err)));
}

bool is_standard_output(const std::string& path) { return path.empty() || path == "-"; }

/// The process's own descriptor for /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N:
/// bash and gawk give these names that meaning, and opening them anew would reset a regular
/// file's offset (or truncate it) under the shell's redirection.
std::optional<int> descriptor_name(const std::string& path) {
  if (path == "/dev/stdout") return 1;
  if (path == "/dev/stderr") return 2;
  for (const char* prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    const std::size_t n = std::strlen(prefix);
    if (path.size() > n && path.compare(0, n, prefix) == 0 &&
        path.find_first_not_of("0123456789", n) == std::string::npos && path.size() - n <= 6)
      return std::stoi(path.substr(n));
  }
  return std::nullopt;
}

void write_all(int fd, const std::string& content, const std::string& path) {
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw write_error(path, errno);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

/// Where a dangling symbolic link points: the path its chain of links ends at.
std::string follow_dangling_link(const std::string& path) {
  std::string p = path;
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return p;
    char buf[PATH_MAX];
    const ssize_t n = ::readlink(p.c_str(), buf, sizeof buf - 1);
    if (n < 0) throw write_error(path, errno);
    const std::string link(buf, static_cast<std::size_t>(n));
    p = link.front() == '/' ? link : (std::filesystem::path(p).parent_path() / link).string();
  }
  throw write_error(path, ELOOP);
}

/// How one output will be written, decided before anything is written.
struct Plan {
  OutputTarget target;
  const std::string* content = nullptr;
  enum class How { kStandardOutput, kDescriptor, kInPlace, kReplace } how = How::kReplace;
  int descriptor = -1;
  std::string file;       // kInPlace, kReplace: the file to write (a link's target for kReplace)
  std::string temporary;  // kReplace: written first, renamed over `file`
};

Plan plan_output(const OutputTarget& target, const std::string& content) {
  Plan plan;
  plan.target = target;
  plan.content = &content;
  const std::string& path = target.path;
  if (is_standard_output(path)) {
    plan.how = Plan::How::kStandardOutput;
    return plan;
  }
  if (const auto fd = descriptor_name(path)) {
    plan.how = *fd == 1 ? Plan::How::kStandardOutput : Plan::How::kDescriptor;
    plan.descriptor = *fd;
    return plan;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) throw write_error(path, EISDIR);
    if (!S_ISREG(st.st_mode)) {
      plan.how = Plan::How::kInPlace;
      plan.file = path;
      return plan;
    }
    char resolved[PATH_MAX];
    if (::realpath(path.c_str(), resolved) == nullptr) throw write_error(path, errno);
    plan.file = resolved;
    return plan;
  }
  if (errno != ENOENT) throw write_error(path, errno);
  plan.file = follow_dangling_link(path);
  return plan;
}

/// Writes the content of a kReplace plan to a new temporary file beside its target, with the
/// target's mode (a new file: 0666 less the umask, as open(2) would create it).
void write_temporary(Plan& plan) {
  const std::filesystem::path file(plan.file);
  std::string pattern = (file.parent_path() / ("." + file.filename().string() + ".kcsim-XXXXXX")).string();
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) throw write_error(plan.target.path, errno);
  plan.temporary = pattern;
  try {
    struct stat st {};
    if (plan.target.mode != 0) {
      // mkstemp made the file 0600: a credential is never readable by others, not even briefly.
      if (::fchmod(fd, plan.target.mode & 07777) != 0) throw write_error(plan.target.path, errno);
    } else if (::stat(plan.file.c_str(), &st) == 0) {
      if (::geteuid() == 0 && ::fchown(fd, st.st_uid, st.st_gid) != 0) {
        // Best effort, as GNU sed -i: the content matters more than the owner.
      }
      if (::fchmod(fd, st.st_mode & 07777) != 0) throw write_error(plan.target.path, errno);
    } else {
      const mode_t mask = ::umask(0);
      ::umask(mask);
      if (::fchmod(fd, 0666 & ~mask) != 0) throw write_error(plan.target.path, errno);
    }
    write_all(fd, *plan.content, plan.target.path);
    if (::close(fd) != 0) {
      plan.temporary.clear();
      const int err = errno;
      std::remove(pattern.c_str());
      throw write_error(plan.target.path, err);
    }
  } catch (...) {
    if (!plan.temporary.empty()) {
      ::close(fd);
      std::remove(plan.temporary.c_str());
      plan.temporary.clear();
    }
    throw;
  }
}

void write_standard_output(const std::string& content) {
  std::cout << content;
  flush_standard_output();
}

void write_in_place(const Plan& plan) {
  switch (plan.how) {
    case Plan::How::kStandardOutput:
      write_standard_output(*plan.content);
      return;
    case Plan::How::kDescriptor:
      if (plan.descriptor == 2) std::cerr.flush();
      write_all(plan.descriptor, *plan.content, plan.target.path);
      return;
    case Plan::How::kInPlace: {
      // No O_TRUNC: a device or FIFO has nothing to truncate. A FIFO blocks here until a reader
      // opens it, as `cat > fifo` does.
      const int fd = ::open(plan.file.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0) throw write_error(plan.target.path, errno);
      try {
        write_all(fd, *plan.content, plan.target.path);
      } catch (...) {
        ::close(fd);
        throw;
      }
      if (::close(fd) != 0) throw write_error(plan.target.path, errno);
      return;
    }
    case Plan::How::kReplace:
      return;
  }
}

/// (device, inode) of an existing regular file, or nothing.
std::optional<std::pair<dev_t, ino_t>> regular_file_id(const std::string& path) {
  struct stat st {};
  if (is_standard_output(path)) {
    if (::fstat(1, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  } else if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return std::nullopt;
  }
  return std::make_pair(st.st_dev, st.st_ino);
}

std::string describe(const OutputTarget& t) {
  return is_standard_output(t.path) ? fmt::format("{} (standard output)", t.option)
                                    : fmt::format("{} {}", t.option, t.path);
}

}  // namespace

std::optional<std::string> conflicting_outputs(const std::vector<OutputTarget>& outputs,
                                               const std::vector<std::string>& inputs) {
  namespace fs = std::filesystem;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const auto id = regular_file_id(outputs[i].path);
    for (std::size_t j = 0; j < i; ++j) {
      // The same name is one file unless it is a device or FIFO, which several outputs may share
      // (two options sent to /dev/null).
      struct stat st {};
      const bool shared_device = ::stat(outputs[i].path.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
      const bool same_name =
          !is_standard_output(outputs[i].path) && !shared_device && outputs[i].path == outputs[j].path;
      if (same_name || (id && id == regular_file_id(outputs[j].path)))
        return fmt::format("{} and {} name the same file: each output needs a file of its own",
                           describe(outputs[j]), describe(outputs[i]));
    }
    if (!id) continue;
    std::error_code ec;
    const fs::path out = fs::weakly_canonical(is_standard_output(outputs[i].path) ? "/dev/stdout" : outputs[i].path, ec);
    for (const std::string& input : inputs) {
      if (id == regular_file_id(input))
        return fmt::format("{} names the input file {}: kcsim never overwrites its input", describe(outputs[i]), input);
      if (fs::is_directory(input, ec)) {
        const fs::path dir = fs::weakly_canonical(input, ec);
        const auto [end, _] = std::mismatch(dir.begin(), dir.end(), out.begin(), out.end());
        if (!ec && end == dir.end())
          return fmt::format("{} is inside the input directory {}: kcsim never overwrites its input",
                             describe(outputs[i]), input);
      }
    }
  }
  return std::nullopt;
}

void write_outputs(const std::vector<std::pair<OutputTarget, std::string>>& outputs) {
  std::vector<Plan> plans;
  plans.reserve(outputs.size());
  auto discard = [&plans] {
    for (Plan& p : plans)
      if (!p.temporary.empty()) std::remove(p.temporary.c_str());
  };
  try {
    for (const auto& [target, content] : outputs) plans.push_back(plan_output(target, content));
    for (Plan& p : plans)
      if (p.how == Plan::How::kReplace) write_temporary(p);
  } catch (...) {
    discard();
    throw;
  }
  // Every file is complete on disk: the renames cannot fail half-way for want of space.
  for (std::size_t i = 0; i < plans.size(); ++i) {
    Plan& p = plans[i];
    if (p.how != Plan::How::kReplace) continue;
    if (std::rename(p.temporary.c_str(), p.file.c_str()) != 0) {
      const int err = errno;
      discard();
      throw write_error(p.target.path, err);
    }
    p.temporary.clear();
  }
  for (const Plan& p : plans) write_in_place(p);
}

void write_output(const std::string& path, const std::string& content, unsigned mode) {
  write_outputs({{OutputTarget{"-o", path, mode}, content}});
}

void flush_standard_output() {
  errno = 0;
  std::cout.flush();
  if (std::fflush(stdout) != 0 || !std::cout || std::ferror(stdout)) {
    const int err = errno != 0 ? errno : EIO;
    std::cout.clear();
    std::clearerr(stdout);
    throw OutputError(fmt::format("cannot write standard output: {}", reason(err)));
  }
}

}  // namespace kcsim
