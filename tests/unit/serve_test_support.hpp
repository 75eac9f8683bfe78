// `kcsim serve` from a test: a minimal HTTP client, the server as a process, the real kubectl.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "cli_test_support.hpp"
#include "kcsim/k8s/object_ref.hpp"

extern char** environ;

namespace kcsim::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

struct Reply {
  int status = 0;
  std::string content_type;
  std::string body;
  std::string retry_after;  // the Retry-After header
  json doc() const { return json::parse(body); }
};

// One request on its own connection, as a minimal client does it; with a body of `content_type`
// and, unless empty, `Authorization: Bearer TOKEN`; over TLS (not verifying the server: the
// tests of the certificate are kubectl's) when `tls`, as `kcsim serve` serves.
inline Reply request(unsigned short port, const std::string& target, const std::string& accept = "application/json",
                     http::verb method = http::verb::get, const std::string& content_type = "", const std::string& body = "",
                     const std::string& token = "", bool tls = false) {
  net::io_context ioc;
  net::ssl::context ctx(net::ssl::context::tls_client);
  ctx.set_verify_mode(net::ssl::verify_none);
  beast::ssl_stream<tcp::socket> stream(ioc, ctx);
  tcp::socket& socket = stream.next_layer();
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  if (tls) stream.handshake(net::ssl::stream_base::client);
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::accept, accept);
  req.keep_alive(false);
  if (!content_type.empty()) req.set(http::field::content_type, content_type);
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  req.body() = body;
  req.prepare_payload();
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  if (tls) {
    http::write(stream, req);
    http::read(stream, buffer, res);
  } else {
    http::write(socket, req);
    http::read(socket, buffer, res);
  }
  return {static_cast<int>(res.result_int()), std::string(res[http::field::content_type]), res.body(),
          std::string(res[http::field::retry_after])};
}

// The user's token in a kubeconfig kcsim serve wrote (`    token: "..."`), or "".
inline std::string kubeconfig_token(const std::string& path) {
  const std::string text = slurp(path);
  const std::string key = "    token: ";
  const std::size_t at = text.find(key);
  if (at == std::string::npos) return "";
  return json::parse(text.substr(at + key.size(), text.find('\n', at) - at - key.size())).get<std::string>();
}

// `kcsim serve` as a process: started on port 0, ready line, kubeconfig, SIGTERM. `command` is
// the kcsim command that serves: {"serve"}, or {"exercise", "start", NAME, "--serve"}, which
// prints its briefing before the ready line.
class ServeProcess {
 public:
  ServeProcess(const std::string& dir, const std::vector<std::string>& args, const std::vector<std::string>& command = {"serve"})
      : dir_(dir) {
    kubeconfig_ = "kcsim.kubeconfig";
    for (std::size_t i = 0; i + 1 < args.size(); ++i)
      if (args[i] == "--kubeconfig") kubeconfig_ = args[i + 1];
    std::vector<std::string> argv = {KCSIM_BINARY};
    argv.insert(argv.end(), command.begin(), command.end());
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargv;
    for (std::string& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, (dir + "/serve.out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, (dir + "/serve.err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (posix_spawn(&pid_, KCSIM_BINARY, &actions, nullptr, cargv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    // The ready line (the one with the address), within 60 s.
    constexpr const char* kAddress = "https://127.0.0.1:";
    for (int i = 0; i < 600 && pid_ > 0; ++i) {
      out_ = slurp(dir + "/serve.out");
      if (const std::size_t at = out_.find(kAddress); at != std::string::npos && out_.find('\n', at) != std::string::npos) break;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ready_ = out_;
    token_ = kubeconfig_token(kubeconfig_);
    if (const std::size_t at = out_.find(kAddress); at != std::string::npos) {
      const std::size_t begin = out_.rfind('\n', at) == std::string::npos ? 0 : out_.rfind('\n', at) + 1;
      ready_ = out_.substr(begin, out_.find('\n', at) + 1 - begin);
      port_ = static_cast<unsigned short>(std::stoi(out_.substr(at + std::string(kAddress).size())));
    }
  }
  ~ServeProcess() { stop(); }

  /// SIGTERM, then the exit status.
  int stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      pid_ = -1;
    }
    return exit_status_;
  }
  unsigned short port() const { return port_; }
  /// The bearer token of the kubeconfig it wrote.
  const std::string& token() const { return token_; }
  /// testing::request to this server, with its token.
  Reply request(const std::string& target, const std::string& accept = "application/json", http::verb method = http::verb::get,
                const std::string& content_type = "", const std::string& body = "") const {
    return testing::request(port_, target, accept, method, content_type, body, token_, true);
  }
  const std::string& ready_line() const { return ready_; }
  /// What it printed on stdout up to the ready line, that line included.
  const std::string& output() const { return out_; }
  std::string err() const { return slurp(dir_ + "/serve.err"); }

 private:
  std::string dir_;
  std::string kubeconfig_;
  std::string token_;
  pid_t pid_ = -1;
  int exit_status_ = -1;
  unsigned short port_ = 0;
  std::string ready_;
  std::string out_;
};

/// The kubectl on the PATH, if any.
inline std::optional<std::string> find_kubectl() {
  const char* path = std::getenv("PATH");
  for (std::string dirs = path ? path : ""; !dirs.empty();) {
    const std::size_t colon = dirs.find(':');
    const std::string d = dirs.substr(0, colon);
    dirs = colon == std::string::npos ? "" : dirs.substr(colon + 1);
    const std::string candidate = d + "/kubectl";
    if (!d.empty() && access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

}  // namespace kcsim::testing
