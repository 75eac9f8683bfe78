// The HTTP server of `kcsim serve` (include/kcsim/serve/http_server.hpp), on Boost.Beast.
#include "kcsim/serve/http_server.hpp"

#include <array>
#include <chrono>
#include <csignal>
#include <optional>
#include <type_traits>
#include <stdexcept>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fmt/format.h>

namespace kcsim {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

// Go's http.DefaultMaxHeaderBytes (1 MiB), which kube-apiserver's http.Server keeps.
constexpr std::size_t kHeaderLimit = 1024 * 1024;
// kube-apiserver's limit on a request body (apiserver pkg/server/config.go MaxRequestBodyBytes,
// 3 MiB, the largest object etcd stores plus room).
constexpr std::size_t kBodyLimit = 3 * 1024 * 1024;
// How long, and for how many bytes, a connection refused for an oversized request is still read
// (and discarded) after the answer, so that the client, still sending its body, reads the answer
// rather than a reset (Go's server does the same: closeWriteAndWait).
constexpr std::chrono::seconds kDrainTimeout{5};
constexpr std::size_t kDrainLimit = 8 * 1024 * 1024;
constexpr std::chrono::seconds kIdleTimeout{60};
// How often a streamed response (a watch) is polled for what to send.
constexpr std::chrono::milliseconds kStreamPoll{20};

// What the sessions share: the limits and how much of each is in use.
struct Load {
  HttpServerLimits limits;
  std::size_t connections = 0;
  std::size_t watches = 0;
};

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// One connection: read a request, answer it, and again while the client keeps the connection.
// `Stream` is beast::tcp_stream (plain HTTP) or TlsStream (HTTPS, after its handshake).
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... StreamArgs>
  Session(const HttpServer::Handler& handler, Load& load, StreamArgs&&... stream_args)
      : stream_(std::forward<StreamArgs>(stream_args)...), timer_(stream_.get_executor()), handler_(handler), load_(load) {
    over_limit_ = load_.connections >= load_.limits.max_connections;
    ++load_.connections;
  }
  ~Session() { --load_.connections; }

  void start() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      lowest().expires_after(kIdleTimeout);
      stream_.async_handshake(net::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        if (!ec) self->read();  // a failed handshake (a plain-HTTP client, a distrustful one) ends here
      });
    } else {
      read();
    }
  }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(kBodyLimit);
    lowest().expires_after(kIdleTimeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, this->shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::body_limit) {
      // apiserver handlers/rest.go limitedReadBody: NewRequestEntityTooLargeError("limit is N"),
      // in the Status's field order.
      ApiResponse too_large{413, "application/json",
                            fmt::format(R"({{"kind":"Status","apiVersion":"v1","metadata":{{}},"status":"Failure","message":"Request entity too large: limit is {}","reason":"RequestEntityTooLarge","code":413}})",
                                        kBodyLimit)};
      drain_ = true;
      respond(too_large, 11, false);
      return;
    }
    if (ec == http::error::header_limit) {
      // Go's net/http server: "431 Request Header Fields Too Large", plain text, then it closes.
      drain_ = true;
      respond({431, "text/plain; charset=utf-8", "431 Request Header Fields Too Large"}, 11, false);
      return;
    }
    if (ec) {
      beast::error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
      return;
    }
    const http::request<http::string_body>& req = parser_->get();
    ApiRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    request.accept = std::string(req[http::field::accept]);
    request.content_type = std::string(req[http::field::content_type]);
    request.user_agent = std::string(req[http::field::user_agent]);
    request.authorization = std::string(req[http::field::authorization]);
    request.body = req.body();
    if (over_limit_) {
      // More connections than max_connections: this one is answered 429 and closed.
      respond_too_many(req.version());
      return;
    }
    ApiResponse answer;
    try {
      answer = handler_(request);
    } catch (const std::exception&) {
      answer = {500, "application/json",
                R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"an internal error occurred","reason":"InternalError","code":500})"};
    }
    if (req.method() == http::verb::head) answer.body.clear();
    if (answer.stream && req.method() != http::verb::head && load_.watches >= load_.limits.max_watches) {
      // One watch too many: refused, the connection kept for the client's retry.
      respond_too_many(req.version(), req.keep_alive());
      return;
    }
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
    ++load_.watches;
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
    lowest().expires_never();
    http::async_write_header(stream_, *serializer_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->end_stream(true);
      self->watch_for_close();
      self->poll_stream();
    });
  }

  void watch_for_close() {
    stream_.async_read_some(net::buffer(probe_), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec && self->streaming_) self->end_stream(true);  // the client closed (or broke) the connection
    });
  }

  void poll_stream() {
    if (!streaming_) return;
    chunk_.clear();
    const bool more = streaming_->poll(std::chrono::steady_clock::now(), chunk_);
    auto next = [self = this->shared_from_this(), more](beast::error_code ec, std::size_t) {
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
                     [self = this->shared_from_this()](beast::error_code, std::size_t) { self->end_stream(true); });
  }

  void end_stream(bool close) {
    if (!streaming_) return;
    streaming_.reset();
    --load_.watches;
    timer_.cancel();
    if (close) {
      beast::error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
      lowest().socket().close(ignored);
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
    send(keep_alive);
  }

  // maxinflight.go tooManyRequests: Retry-After 1 and http.Error's plain text (with its
  // nosniff header and a newline after the message).
  void respond_too_many(unsigned version, bool keep_alive = false) {
    response_ = {};
    response_.version(version);
    response_.result(http::status::too_many_requests);
    response_.set(http::field::content_type, "text/plain; charset=utf-8");
    response_.set("X-Content-Type-Options", "nosniff");
    response_.set(http::field::retry_after, "1");
    response_.keep_alive(keep_alive);
    response_.body() = "Too many requests, please try again later.\n";
    response_.prepare_payload();
    send(keep_alive);
  }

  void send(bool keep_alive) {
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&Session::on_write, this->shared_from_this(), !keep_alive));
  }

  void on_write(bool close, beast::error_code ec, std::size_t) {
    if (ec) return;
    if (close) {
      beast::error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
      if (drain_) {
        lowest().expires_after(kDrainTimeout);
        drain();
      }
      return;
    }
    read();
  }

  // Reads and discards what the client still sends, until it closes, kDrainLimit bytes or
  // kDrainTimeout (the stream's expiry cancels the read).
  void drain() {
    stream_.async_read_some(net::buffer(drain_buffer_), [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
      self->drained_ += n;
      if (!ec && self->drained_ < kDrainLimit) self->drain();
    });
  }

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  Stream stream_;
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
  Load& load_;
  bool over_limit_ = false;
  bool drain_ = false;
  std::size_t drained_ = 0;
  std::array<char, 16 * 1024> drain_buffer_{};
};

}  // namespace

struct HttpServer::Impl {
  Handler handler;
  Load load;
  std::optional<net::ssl::context> tls;  // HTTPS when set
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
      if (!ec && tls) std::make_shared<Session<TlsStream>>(handler, load, std::move(socket), *tls)->start();
      else if (!ec) std::make_shared<Session<beast::tcp_stream>>(handler, load, std::move(socket))->start();
      if (acceptor.is_open()) accept();
    });
  }
};

HttpServer::HttpServer(Handler handler, const std::string& address, unsigned short port, HttpServerLimits limits,
                       const TlsIdentity* tls)
    : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  impl_->load.limits = limits;
  if (tls) {
    // TLS 1.2 and 1.3 only, as Go's client (kubectl) speaks them; HTTP/1.1 (no ALPN: Go then
    // keeps to HTTP/1.1).
    impl_->tls.emplace(net::ssl::context::tls_server);
    impl_->tls->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 | net::ssl::context::no_sslv3 |
                            net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
    beast::error_code tls_ec;
    impl_->tls->use_certificate_chain(net::buffer(tls->certificate_pem), tls_ec);
    if (!tls_ec) impl_->tls->use_private_key(net::buffer(tls->private_key_pem), net::ssl::context::pem, tls_ec);
    if (tls_ec) throw std::runtime_error(fmt::format("cannot use the TLS certificate: {}", tls_ec.message()));
  }
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
