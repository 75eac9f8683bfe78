// The kubeconfig of `kcsim serve` (include/kcsim/serve/kubeconfig.hpp).
#include "kcsim/serve/kubeconfig.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

#include <fmt/format.h>

#include "kcsim/k8s/object_ref.hpp"

namespace kcsim {

namespace {

// base64.StdEncoding, as a kubeconfig's *-data fields hold their bytes.
std::string base64(const std::string& in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, in.size() - i);
    unsigned v = 0;
    for (std::size_t j = 0; j < 3; ++j) v = (v << 8) | (j < n ? static_cast<unsigned char>(in[i + j]) : 0u);
    for (std::size_t j = 0; j < 4; ++j) out += j <= n ? kAlphabet[(v >> (18 - 6 * j)) & 63] : '=';
  }
  return out;
}

}  // namespace

std::string serve_kubeconfig(const std::string& server_url, const std::string& context_name, const std::string& description,
                             const std::string& token, const std::string& certificate_pem) {
  // The field order of `kubectl config view`; the server's own certificate as the cluster's
  // authority (client-go verifies the server with it, and sends the user's credentials only to an
  // https server); a user with a bearer token (clientcmd AuthInfo.Token), quoted so that YAML
  // reads any token as a string ("123" would be a number).
  return fmt::format(
      "{marker}: {description}\n"
      "# kcsim serve overwrites this file when it starts again; nothing else refers to it.\n"
      "apiVersion: v1\n"
      "clusters:\n"
      "- cluster:\n"
      "{authority}"
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
      "  user:\n"
      "    token: {token}\n",
      fmt::arg("marker", kKubeconfigMarker), fmt::arg("description", description), fmt::arg("url", server_url),
      fmt::arg("name", context_name), fmt::arg("token", json(token).dump()),
      fmt::arg("authority", certificate_pem.empty() ? "" : "    certificate-authority-data: " + base64(certificate_pem) + "\n"));
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
