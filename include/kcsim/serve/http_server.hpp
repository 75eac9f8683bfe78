// A small HTTP/1.1 server on Boost.Beast for `kcsim serve`: it listens on one address, reads each
// request (keep-alive, as kubectl's client keeps its connections) and answers with what a handler
// returns, or streams what it returns as a ResponseStream (a watch: chunked, polled every 20 ms,
// the connection closed at its end). One thread runs everything: the handler, the streams' polls
// and the tick (every()) are never called concurrently. Limits: a
// request header of at most 64 KiB and a body of at most 3 MiB (a larger one is refused with 413,
// as the API server refuses an oversized request), and 60 s of silence closes a connection.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "kcsim/serve/cluster_api.hpp"

namespace kcsim {

class HttpServer {
 public:
  using Handler = std::function<ApiResponse(const ApiRequest&)>;

  /// Binds and listens on `address` ("127.0.0.1") and `port` (0: a free port the system picks).
  /// Throws std::runtime_error naming the address when it cannot.
  HttpServer(Handler handler, const std::string& address, unsigned short port);
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
