// A small HTTP/1.1 server (HTTPS with a TlsIdentity) on Boost.Beast for `kcsim serve`: it listens
// on one address, reads each
// request (keep-alive, as kubectl's client keeps its connections) and answers with what a handler
// returns, or streams what it returns as a ResponseStream (a watch: chunked, polled every 20 ms,
// the connection closed at its end). One thread runs everything: the handler, the streams' polls
// and the tick (every()) are never called concurrently.
//
// Limits (HttpServerLimits), each answered as kube-apiserver answers it:
//  - a request body of at most 3 MiB (apiserver MaxRequestBodyBytes): 413 with the Status
//    RequestEntityTooLarge, "Request entity too large: limit is 3145728";
//  - request headers of at most 1 MiB (Go's http.DefaultMaxHeaderBytes, which kube-apiserver
//    keeps): 431 Request Header Fields Too Large, as Go's server answers;
//  - at most max_connections open connections and max_watches streams (watches) at once: a
//    request beyond them is answered 429 with `Retry-After: 1` and the text kube-apiserver's
//    max-in-flight filter sends (apiserver pkg/server/filters/maxinflight.go tooManyRequests:
//    "Too many requests, please try again later."); clients (client-go, kubectl) wait and retry;
//  - 60 s of silence closes a connection.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "kcsim/serve/cluster_api.hpp"
#include "kcsim/serve/tls_identity.hpp"

namespace kcsim {

struct HttpServerLimits {
  /// Open connections at once (each watch holds one). 512 stays below the usual limit of 1024
  /// open files of a process.
  std::size_t max_connections = 512;
  /// Streamed responses (watches) at once.
  std::size_t max_watches = 256;
};

class HttpServer {
 public:
  using Handler = std::function<ApiResponse(const ApiRequest&)>;

  /// Binds and listens on `address` ("127.0.0.1") and `port` (0: a free port the system picks).
  /// Throws std::runtime_error naming the address when it cannot.
  /// With `tls` (which need not outlive the constructor), HTTPS with that certificate; else
  /// plain HTTP.
  HttpServer(Handler handler, const std::string& address, unsigned short port, HttpServerLimits limits = {},
             const TlsIdentity* tls = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// The port listened on (the one picked when 0 was asked).
  unsigned short port() const;

  /// Serves until stop(), or until SIGINT or SIGTERM when `stop_on_signals`. Returns the signal
  /// number that stopped it, or 0.
  int run(bool stop_on_signals);

  /// Calls `tick` every `period` while run() runs, on its thread, between requests (`kcsim serve
  /// --speed` advances the simulation there). Call before run().
  void every(std::chrono::milliseconds period, std::function<void()> tick);

  /// Stops run() from any thread; connections are closed.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kcsim
