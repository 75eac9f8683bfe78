// The credential of `kcsim serve` (docs/serve.md, "Authentication"): a bearer token, random for
// each start unless given (--token), written into the kubeconfig's user entry and required in the
// Authorization header of every request, as kube-apiserver's token authenticator reads it
// (k8s.io/apiserver pkg/authentication/request/bearertoken/bearertoken.go). A request without
// it, or with another token, is answered 401 Unauthorized with the Status kube-apiserver sends
// (apiserver pkg/endpoints/handlers/responsewriters, the authentication filter's unauthorized
// handler: apierrors.NewUnauthorized("Unauthorized")).
#pragma once

#include <optional>
#include <string>

#include "kcsim/serve/cluster_api.hpp"

namespace kcsim {

/// A new token: 32 bytes from the system's random source (/dev/urandom, else
/// std::random_device), as 64 hexadecimal digits. It is a secret, not a simulation input: it
/// differs at every start by design and decides nothing in the run.
std::string random_bearer_token();

/// Why `token` cannot be a token given on the command line (--token): empty, or a character
/// outside RFC 6750's b64token set (letters, digits, "-._~+/" and trailing "="), which an
/// Authorization header could not carry. Nothing when it can.
std::optional<std::string> bearer_token_problem(const std::string& token);

/// Whether the Authorization header `authorization` carries `token`: "Bearer TOKEN" (the scheme
/// in any case, surrounding space ignored, as bearertoken.go splits it). Compared in a time that
/// does not depend on where the first difference is.
bool bearer_token_matches(const std::string& authorization, const std::string& token);

/// The 401 Unauthorized answer.
ApiResponse unauthorized_response();

}  // namespace kcsim
