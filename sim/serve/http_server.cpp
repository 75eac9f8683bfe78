// The HTTP server of `kcsim serve` (include/kcsim/serve/http_server.hpp), on Boost.Beast.
#include "kcsim/serve/http_server.hpp"

#include <chrono>
#include <csignal>
#include <optional>
#include <stdexcept>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

namespace kcsim {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

constexpr std::size_t kHeaderLimit = 64 * 1024;
// kube-apiserver's limit on a request body (apiserver pkg/server/config.go MaxRequestBodyBytes,
// 3 MiB, the largest object etcd stores plus room).
constexpr std::size_t kBodyLimit = 3 * 1024 * 1024;
constexpr std::chrono::seconds kIdleTimeout{60};
// How often a streamed response (a watch) is polled for what to send.
constexpr std::chrono::milliseconds kStreamPoll{20};

// One connection: read a request, answer it, and again while the client keeps the connection.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const HttpServer::Handler& handler)
      : stream_(std::move(socket)), timer_(stream_.get_executor()), handler_(handler) {}

  void start() { read(); }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(kBodyLimit);
    stream_.expires_after(kIdleTimeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      // kube-apiserver answers an oversized request with 413 RequestEntityTooLarge.
      ApiResponse too_large{413, "application/json",
                            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the request is too large","reason":"RequestEntityTooLarge","code":413})"};
      respond(too_large, 11, false);
      return;
    }
    if (ec) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      return;
    }
    const http::request<http::string_body>& req = parser_->get();
    ApiRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    request.accept = std::string(req[http::field::accept]);
    request.content_type = std::string(req[http::field::content_type]);
    request.user_agent = std::string(req[http::field::user_agent]);
    request.body = req.body();
    ApiResponse answer;
    try {
      answer = handler_(request);
    } catch (const std::exception&) {
      answer = {500, "application/json",
                R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"an internal error occurred","reason":"InternalError","code":500})"};
    }
    if (req.method() == http::verb::head) answer.body.clear();
    if (answer.stream && req.method() != http::verb::head) {
      start_stream(answer, req.version(), req.keep_alive());
      return;
    }
    respond(answer, req.version(), req.keep_alive());
  }

  // --- a streamed response: the header, then one chunk per poll that has something to send, then
  // the last chunk. A client that goes away ends it (its read sees the end of the stream).
  void start_stream(const ApiResponse& answer, unsigned version, bool keep_alive) {
    streaming_ = answer.stream;
    stream_header_ = {};
    stream_header_.version(version);
    stream_header_.result(static_cast<unsigned>(answer.status));
    stream_header_.set(http::field::content_type, answer.content_type);
    // The connection closes with the stream: a client never sends a request on it meanwhile, and
    // the read that notices a client going away would otherwise eat its next request.
    (void)keep_alive;
    stream_header_.keep_alive(false);
    stream_header_.chunked(true);
    serializer_.emplace(stream_header_);
    stream_.expires_never();
    http::async_write_header(stream_, *serializer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->end_stream(true);
      self->watch_for_close();
      self->poll_stream();
    });
  }

  void watch_for_close() {
    stream_.socket().async_read_some(net::buffer(probe_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec && self->streaming_) self->end_stream(true);  // the client closed (or broke) the connection
    });
  }

  void poll_stream() {
    if (!streaming_) return;
    chunk_.clear();
    const bool more = streaming_->poll(std::chrono::steady_clock::now(), chunk_);
    auto next = [self = shared_from_this(), more](beast::error_code ec, std::size_t) {
      if (ec) return self->end_stream(true);
      if (!more) return self->finish_stream();
      self->timer_.expires_after(kStreamPoll);
      self->timer_.async_wait([self](beast::error_code wait_ec) {
        if (!wait_ec) self->poll_stream();
      });
    };
    if (chunk_.empty()) {
      next({}, 0);
      return;
    }
    net::async_write(stream_, http::make_chunk(net::buffer(chunk_)), std::move(next));
  }

  void finish_stream() {
    net::async_write(stream_, http::make_chunk_last(),
                     [self = shared_from_this()](beast::error_code, std::size_t) { self->end_stream(true); });
  }

  void end_stream(bool close) {
    if (!streaming_) return;
    streaming_.reset();
    timer_.cancel();
    if (close) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream_.socket().close(ignored);
    }
  }

  void respond(const ApiResponse& answer, unsigned version, bool keep_alive) {
    response_ = {};
    response_.version(version);
    response_.result(static_cast<unsigned>(answer.status));
    response_.set(http::field::content_type, answer.content_type);
    response_.keep_alive(keep_alive);
    response_.body() = answer.body;
    response_.prepare_payload();
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&Session::on_write, shared_from_this(), !keep_alive));
  }

  void on_write(bool close, beast::error_code ec, std::size_t) {
    if (ec) return;
    if (close) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      return;
    }
    read();
  }

  beast::tcp_stream stream_;
  net::steady_timer timer_;
  std::shared_ptr<ResponseStream> streaming_;
  http::response<http::empty_body> stream_header_;
  std::optional<http::response_serializer<http::empty_body>> serializer_;
  std::string chunk_;
  char probe_[1] = {};
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  const HttpServer::Handler& handler_;
};

}  // namespace

struct HttpServer::Impl {
  Handler handler;
  net::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  net::steady_timer tick_timer{ioc};
  std::chrono::milliseconds tick_period{0};
  std::function<void()> tick;

  void schedule_tick() {
    tick_timer.expires_after(tick_period);
    tick_timer.async_wait([this](beast::error_code ec) {
      if (ec) return;
      tick();
      schedule_tick();
    });
  }

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (!ec) std::make_shared<Session>(std::move(socket), handler)->start();
      if (acceptor.is_open()) accept();
    });
  }
};

HttpServer::HttpServer(Handler handler, const std::string& address, unsigned short port) : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  beast::error_code ec;
  const net::ip::address addr = net::ip::make_address(address, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot listen on {}: not an IP address", address));
  const tcp::endpoint endpoint(addr, port);
  auto fail = [&](const char* what) {
    return std::runtime_error(fmt::format("cannot {} {}:{}: {}", what, address, port, ec.message()));
  };
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (ec) throw fail("open a socket for");
  impl_->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  impl_->acceptor.bind(endpoint, ec);
  if (ec) throw fail("listen on");
  impl_->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw fail("listen on");
}

HttpServer::~HttpServer() = default;

unsigned short HttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

int HttpServer::run(bool stop_on_signals) {
  int stopped_by = 0;
  std::optional<net::signal_set> signals;
  if (stop_on_signals) {
    signals.emplace(impl_->ioc, SIGINT, SIGTERM);
    signals->async_wait([&](beast::error_code ec, int signal) {
      if (!ec) stopped_by = signal;
      impl_->ioc.stop();
    });
  }
  impl_->accept();
  if (impl_->tick) impl_->schedule_tick();
  impl_->ioc.run();
  return stopped_by;
}

void HttpServer::every(std::chrono::milliseconds period, std::function<void()> tick) {
  impl_->tick_period = period;
  impl_->tick = std::move(tick);
}

void HttpServer::stop() { impl_->ioc.stop(); }

}  // namespace kcsim
