// The Kubernetes API of a simulated cluster, one HTTP request at a time, for `kcsim serve`
// (docs/cli.md, "kcsim serve"): what kube-apiserver answers to the reads kubectl makes, computed
// from the World's API server at its current instant. No network here: the HTTP server
// (http_server.hpp) hands each request to ClusterApi::handle.
//
// Served: discovery (discovery.hpp); GET of one object and LIST of a resource in one namespace or
// across all (labelSelector, fieldSelector); server-side printing (Accept: ...;as=Table;g=meta.k8s.io;
// v=v1 or v1beta1) with the columns `kcsim kubectl get` prints (kubectl_table); paging (limit,
// continue: list_paging.hpp); the pod log
// (GET .../pods/NAME/log); the scale subresource (GET .../NAME/scale); watch (?watch=true,
// watch_stream.hpp) when a WatchHistory is given. The write methods (POST, PUT, PATCH, DELETE) go
// to the WriteRequests given (write_requests.hpp); without one they are refused with 403, as an
// API server refuses a user not authorized to write, saying to pass --allow-writes. A training
// exercise's cluster is served with its simulator annotations hidden (hide_simulator_annotations).
// Errors are metav1.Status objects worded as kube-apiserver words them
// (k8s.io/apimachinery pkg/api/errors/errors.go NewNotFound, NewBadRequest, NewMethodNotSupported).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "kcsim/apiserver/world.hpp"
#include "kcsim/serve/list_paging.hpp"

namespace kcsim {

/// One HTTP request as the API needs it: method, request target (path and query, percent-encoded
/// as sent), the Accept, Content-Type, User-Agent and Authorization headers, and the body.
struct ApiRequest {
  std::string method = "GET";
  std::string target;
  std::string accept;
  std::string content_type;
  std::string body;
  std::string user_agent;
  std::string authorization;
};

/// The body of a response that streams (a watch): the HTTP server sends it in chunks, polling it
/// from its own thread (never concurrently with a request) until it ends or the client leaves.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  /// Appends to `out` what is to be sent now; false once the response is complete (after `out`).
  virtual bool poll(std::chrono::steady_clock::time_point now, std::string& out) = 0;
};

/// The answer: HTTP status, Content-Type and body, or a streamed body.
struct ApiResponse {
  ApiResponse() = default;
  ApiResponse(int status_code, std::string type, std::string text, std::shared_ptr<ResponseStream> streamed = nullptr)
      : status(status_code), content_type(std::move(type)), body(std::move(text)), stream(std::move(streamed)) {}

  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::shared_ptr<ResponseStream> stream;  // when set, the body (chunked), instead of `body`
};

class WatchHistory;
class WriteRequests;
struct ServedResource;
struct Target;

class ClusterApi {
 public:
  /// Serves `world` as it stands (it must outlive this). `server_address` ("127.0.0.1:8080") is
  /// what /api reports as the address clients reach. Watches are served from `history` (which
  /// must outlive this); without one, a watch is refused with 405.
  ClusterApi(const World& world, std::string server_address, const WatchHistory* history = nullptr);

  /// Serves the write methods with `writes` (which must outlive this); null (the default):
  /// refused with 403 Forbidden.
  void allow_writes(WriteRequests* writes) { writes_ = writes; }

  /// Serves every object without the simulator's kcsim.io/* annotations and their managedFields
  /// entries (views/simulator_annotations.hpp): in GET, LIST, Tables and watch events, as
  /// `kcsim exercise kubectl` shows them. For `kcsim exercise start --serve`, where they would
  /// give the exercise's cause away. Default: served as stored.
  void hide_simulator_annotations() { hide_simulator_annotations_ = true; }

  /// Why a write is refused when none is served, in the 403's message after "... is forbidden: ".
  void read_only_reason(std::string reason) { read_only_reason_ = std::move(reason); }

  ApiResponse handle(const ApiRequest& request) const;

 private:
  // The page of a list the request asks for (limit, continue), or the error.
  std::variant<ListPage, ApiResponse> list_page_of(const Target& t, const ServedResource& r, const std::optional<std::string>& ns,
                                                   std::vector<ObjectPtr> all, const std::function<bool(const json&)>& selected,
                                                   bool no_selector, std::uint64_t now_rv) const;

  WriteRequests* writes_ = nullptr;
  bool hide_simulator_annotations_ = false;
  std::string read_only_reason_ = "kcsim serve is read-only; start it with --allow-writes to write";
  const World& world_;
  std::string server_address_;
  const WatchHistory* history_;
  // The lists served in pages, for their next pages. Kept by handle(), which is const to the
  // world it serves, not to its own memory of what it sent (one thread: no race).
  mutable ListSnapshots snapshots_;
};

}  // namespace kcsim
