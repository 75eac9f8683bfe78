// Reading the files kcsim is given (scenarios, manifests, answers, sweep shards): one reader,
// bounded while it reads, so `kcsim run /dev/zero` is an input error, not 4 GB and an abort.
#pragma once

#include <cstddef>
#include <istream>
#include <string>

namespace kcsim {

/// The largest file kcsim reads (a scenario, a manifest, an answer, a shard).
inline constexpr std::size_t kMaxInputBytes = 64u << 20;

/// The whole of `path`, which must be a regular file or a FIFO (a pipe or `<(...)`; reading a
/// FIFO waits for its writer, as `cat` does). Throws InputError naming the path when it does not
/// exist, is a directory, a device or a socket, cannot be read (with the system's reason), or
/// holds more than `max_bytes`; `what` names the file in the message ("expected a readable
/// scenario file").
std::string read_input_file(const std::string& path, const std::string& what = "file",
                            std::size_t max_bytes = kMaxInputBytes);

/// The whole of `in` (standard input), with the same bound; `name` ("<stdin>") names it.
std::string read_input_stream(std::istream& in, const std::string& name, std::size_t max_bytes = kMaxInputBytes);

/// Whether a directory walk should read this entry: regular files only. FIFOs, devices and
/// sockets inside a directory are skipped, since opening them may block or never end.
bool is_readable_entry(const std::string& path);

}  // namespace kcsim
