// The TLS identity of `kcsim serve` (docs/serve.md, "Authentication"): a self-signed certificate
// and its private key, made at each start. The server speaks HTTPS because kubectl sends a
// kubeconfig's credentials only to an https server (client-go tools/clientcmd/client_config.go
// ClientConfig: "only try to read the auth information if we are secure",
// rest.IsConfigTransportTLS), so the bearer token (bearer_token.hpp) needs TLS to reach it. The
// kubeconfig names the certificate as its cluster's certificate-authority-data, so clients verify
// the server as kubectl verifies kube-apiserver, without trusting anything else.
#pragma once

#include <string>

namespace kcsim {

struct TlsIdentity {
  std::string certificate_pem;  // X.509 v3, PEM
  std::string private_key_pem;  // PKCS #8, PEM
};

/// A new identity: an ECDSA P-256 key from the system's random source and a certificate for it,
/// self-signed with SHA-256, for the IP address 127.0.0.1 and the name localhost (its
/// subjectAltName), valid from an hour before now for a year (wall clock: it is a credential,
/// not part of the simulation, and differs at every start by design). Throws std::runtime_error
/// with OpenSSL's reason when it cannot be made.
TlsIdentity self_signed_tls_identity();

}  // namespace kcsim
