// The kubeconfig of `kcsim serve` (include/kcsim/serve/kubeconfig.hpp).
#include "kcsim/serve/kubeconfig.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

#include <fmt/format.h>

namespace kcsim {

std::string serve_kubeconfig(const std::string& server_url, const std::string& context_name, const std::string& description) {
  // The field order of `kubectl config view`; no TLS (http), so neither certificate-authority
  // nor insecure-skip-tls-verify; a user with no credentials.
  return fmt::format(
      "{marker}: {description}\n"
      "# kcsim serve overwrites this file when it starts again; nothing else refers to it.\n"
      "apiVersion: v1\n"
      "clusters:\n"
      "- cluster:\n"
      "    server: {url}\n"
      "  name: {name}\n"
      "contexts:\n"
      "- context:\n"
      "    cluster: {name}\n"
      "    user: {name}\n"
      "  name: {name}\n"
      "current-context: {name}\n"
      "kind: Config\n"
      "preferences: {{}}\n"
      "users:\n"
      "- name: {name}\n"
      "  user: {{}}\n",
      fmt::arg("marker", kKubeconfigMarker), fmt::arg("description", description), fmt::arg("url", server_url),
      fmt::arg("name", context_name));
}

std::optional<std::string> serve_kubeconfig_refusal(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::nullopt;
    return fmt::format("cannot check --kubeconfig {}: {}", path, std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) return std::nullopt;  // a FIFO or /dev/stdout: written in place (output_file.hpp)
  std::ifstream in(path);
  std::string first;
  if (!in || !std::getline(in, first))
    return st.st_size == 0 ? std::nullopt
                           : std::optional<std::string>(fmt::format("cannot read --kubeconfig {}: {}", path, std::strerror(errno)));
  if (first.rfind(kKubeconfigMarker, 0) == 0) return std::nullopt;
  return fmt::format("--kubeconfig {} exists and was not written by kcsim serve (it may be your own kubeconfig); "
                     "name another file, or remove this one",
                     path);
}

}  // namespace kcsim
