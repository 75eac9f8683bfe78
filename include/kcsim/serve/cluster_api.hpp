// The Kubernetes API of a simulated cluster, one HTTP request at a time, for `kcsim serve`
// (docs/cli.md, "kcsim serve"): what kube-apiserver answers to the reads kubectl makes, computed
// from the World's API server at its current instant. No network here: the HTTP server
// (http_server.hpp) hands each request to ClusterApi::handle.
//
// Served: discovery (discovery.hpp); GET of one object and LIST of a resource in one namespace or
// across all (labelSelector, fieldSelector); server-side printing (Accept: ...;as=Table;g=meta.k8s.io;
// v=v1 or v1beta1) with the columns `kcsim kubectl get` prints (kubectl_table); the pod log
// (GET .../pods/NAME/log). Every other method is refused with 405, as a read-only server does.
// Errors are metav1.Status objects worded as kube-apiserver words them
// (k8s.io/apimachinery pkg/api/errors/errors.go NewNotFound, NewBadRequest, NewMethodNotSupported).
#pragma once

#include <string>

#include "kcsim/apiserver/world.hpp"

namespace kcsim {

/// One HTTP request as the API needs it: method, request target (path and query, percent-encoded
/// as sent) and the Accept header.
struct ApiRequest {
  std::string method = "GET";
  std::string target;
  std::string accept;
};

/// The answer: HTTP status, Content-Type and body.
struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

class ClusterApi {
 public:
  /// Serves `world` as it stands (it must outlive this). `server_address` ("127.0.0.1:8080") is
  /// what /api reports as the address clients reach.
  ClusterApi(const World& world, std::string server_address);

  ApiResponse handle(const ApiRequest& request) const;

 private:
  const World& world_;
  std::string server_address_;
};

}  // namespace kcsim
