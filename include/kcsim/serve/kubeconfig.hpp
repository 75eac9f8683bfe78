// The kubeconfig `kcsim serve` writes so that kubectl (and any client that reads a kubeconfig)
// talks to the simulated cluster: one cluster, one user with the server's bearer token
// (bearer_token.hpp) and one context, the current one (client-go tools/clientcmd/api/v1 Config).
// It holds a credential: `kcsim serve` writes it with mode 0600.
#pragma once

#include <optional>
#include <string>

namespace kcsim {

/// The first line of every kubeconfig kcsim writes: kcsim overwrites a file only when it starts
/// with this line (serve_kubeconfig_refusal).
inline constexpr const char* kKubeconfigMarker = "# Written by kcsim serve";

/// The kubeconfig text: context, cluster and user all named `context_name`, server `server_url`
/// ("https://127.0.0.1:8443") whose certificate is `certificate_pem` (the cluster's
/// certificate-authority-data; none when empty), the user's `token`. `description` goes in a
/// comment after the marker.
std::string serve_kubeconfig(const std::string& server_url, const std::string& context_name, const std::string& description,
                             const std::string& token, const std::string& certificate_pem = "");

/// Why `path` must not be written: it exists and is not a kubeconfig kcsim wrote (its first line
/// is not kKubeconfigMarker), so it may be the user's own (~/.kube/config); or it cannot be read.
/// Nothing when the path does not exist or holds a kubeconfig kcsim wrote.
std::optional<std::string> serve_kubeconfig_refusal(const std::string& path);

}  // namespace kcsim
