// Writing kcsim's output files the way careful Unix tools do: never replace what the user did
// not name, never leave half a file, and say why a write failed.
//
// Each output option (-o, --events, --timeline, --html) names a path, or "-" for standard output:
//   - a regular file or a path that does not exist yet is written to a temporary file in the
//     same directory and renamed over it, keeping the old file's mode (and owner, as root);
//   - a symbolic link is followed and its target written that way (the link stays a link);
//   - anything else that exists (a FIFO, a character or block device, /dev/stdout) is opened
//     and written in place, never renamed over; /dev/stdout, /dev/stderr and /dev/fd/N write to
//     the process's own descriptor, as bash and gawk treat those names;
//   - a directory, a socket or a missing parent directory is an error naming the path and the
//     system's reason ("Permission denied", "No such file or directory").
// All the outputs of one command are written together (write_outputs): every temporary file
// first, then the renames, so a failure leaves none of them behind.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace kcsim {

/// A write that failed: the message names the path and the system's reason. kcsim exits 3.
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One output of a command: the option that named it ("-o", "--events") and its path ("-" or
/// empty: standard output).
struct OutputTarget {
  std::string option;
  std::string path;
  /// The mode of a regular file written, whatever the old file's was (0600 for a file holding a
  /// credential, such as `kcsim serve`'s kubeconfig); 0: the old file's mode, or 0666 less the
  /// umask for a new one. The temporary file has it from its creation on.
  unsigned mode = 0;
};

/// Why these outputs cannot be written, checked before any work is done: an output that names
/// one of the `inputs` (a file, or a file inside an input directory), or two outputs that name
/// the same file. Nothing when they can be written.
std::optional<std::string> conflicting_outputs(const std::vector<OutputTarget>& outputs,
                                               const std::vector<std::string>& inputs);

/// Writes each (target, content) as described at the top of this file. Throws OutputError.
void write_outputs(const std::vector<std::pair<OutputTarget, std::string>>& outputs);

/// One output: write_outputs with a single target (`mode` as OutputTarget::mode).
void write_output(const std::string& path, const std::string& content, unsigned mode = 0);

/// Flushes standard output; throws OutputError ("cannot write standard output: No space left on
/// device") when a write to it failed, so `kcsim run ... > /dev/full` does not exit 0.
void flush_standard_output();

}  // namespace kcsim
