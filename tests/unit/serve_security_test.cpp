// kcsim serve's credential and limits (issue #18): the bearer token every request must carry, the
// kubeconfig that holds it (mode 0600), and the limits on request size, connections and watches,
// each answered with the status, headers and body kube-apiserver sends.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "cli_test_support.hpp"
#include "serve_test_support.hpp"
#include "kcsim/serve/bearer_token.hpp"
#include "kcsim/serve/http_server.hpp"
#include "kcsim/serve/tls_identity.hpp"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

namespace kcsim {
namespace {

using testing::find_kubectl;
using testing::Reply;
using testing::ServeProcess;
namespace http = boost::beast::http;

constexpr const char* kScenarioFile = KCSIM_SOURCE_DIR "/scenarios/kubectl-scale.json";
// kube-apiserver's answer to a request without valid credentials, byte for byte.
constexpr const char* kUnauthorized =
    R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401})";

// --- the token ---------------------------------------------------------------------------------------

TEST(BearerToken, RandomTokensAre64HexDigitsAndDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    const std::string t = random_bearer_token();
    EXPECT_EQ(t.size(), 64u);
    EXPECT_EQ(t.find_first_not_of("0123456789abcdef"), std::string::npos) << t;
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 20u);
}

TEST(BearerToken, HeaderIsReadAsKubeApiserverReadsIt) {
  EXPECT_TRUE(bearer_token_matches("Bearer abc", "abc"));
  EXPECT_TRUE(bearer_token_matches("  bearer abc  ", "abc"));  // trimmed; the scheme in any case
  EXPECT_TRUE(bearer_token_matches("BEARER abc extra", "abc"));  // SplitN(auth, " ", 3): the second part
  EXPECT_FALSE(bearer_token_matches("", "abc"));
  EXPECT_FALSE(bearer_token_matches("Bearer", "abc"));
  EXPECT_FALSE(bearer_token_matches("Bearer ", "abc"));
  EXPECT_FALSE(bearer_token_matches("Basic abc", "abc"));
  EXPECT_FALSE(bearer_token_matches("Bearer ab", "abc"));
  EXPECT_FALSE(bearer_token_matches("Bearer abcd", "abc"));
  EXPECT_FALSE(bearer_token_matches("Bearer abd", "abc"));
  EXPECT_FALSE(bearer_token_matches("Bearer abc", ""));  // no token never matches
  EXPECT_EQ(unauthorized_response().status, 401);
  EXPECT_EQ(unauthorized_response().body, kUnauthorized);
}

TEST(BearerToken, CommandLineTokensAreRfc6750Tokens) {
  EXPECT_EQ(bearer_token_problem("abc-DEF_1.2~x+y/z=="), std::nullopt);
  EXPECT_NE(bearer_token_problem(""), std::nullopt);
  EXPECT_NE(bearer_token_problem("==="), std::nullopt);
  ASSERT_NE(bearer_token_problem("a b"), std::nullopt);
  EXPECT_EQ(*bearer_token_problem("a b"),
            "--token is not a bearer token: character 2 (\" \") is not one of the letters, digits, - . _ ~ + / an Authorization "
            "header carries (RFC 6750), expected before any trailing '='");
  EXPECT_NE(bearer_token_problem("a=b"), std::nullopt);  // '=' only at the end
}

// --- the certificate -------------------------------------------------------------------------------------

TEST(TlsIdentity, SelfSignedCertificateFor127001AndLocalhost) {
  const TlsIdentity a = self_signed_tls_identity(), b = self_signed_tls_identity();
  EXPECT_EQ(a.certificate_pem.rfind("-----BEGIN CERTIFICATE-----\n", 0), 0u);
  EXPECT_EQ(a.private_key_pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u);
  EXPECT_NE(a.private_key_pem, b.private_key_pem);  // a new key at each start
  BIO* bio = BIO_new_mem_buf(a.certificate_pem.data(), static_cast<int>(a.certificate_pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(X509_check_ip_asc(cert, "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_host(cert, "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(cert, "example.com", 0, 0, nullptr), 0);
  EXPECT_EQ(X509_check_ca(cert), 1);                         // its own authority
  EXPECT_EQ(X509_verify(cert, X509_get0_pubkey(cert)), 1);   // self-signed
  EXPECT_LT(X509_cmp_current_time(X509_get0_notBefore(cert)), 0);
  EXPECT_GT(X509_cmp_current_time(X509_get0_notAfter(cert)), 0);
  X509_free(cert);
}

// --- the served token ------------------------------------------------------------------------------------

// A request to `kcsim serve` (HTTPS) with `token` ("" for none).
Reply served_request(unsigned short port, const std::string& target, const std::string& token = "",
                     http::verb method = http::verb::get, const std::string& content_type = "", const std::string& body = "") {
  return testing::request(port, target, "application/json", method, content_type, body, token, true);
}

TEST(ServeCommand, EveryRequestNeedsTheTokenOfTheKubeconfig) {
  const std::string dir = testing::test_dir();
  const std::string kubeconfig = dir + "/kcsim.kubeconfig";
  std::filesystem::remove(kubeconfig);
  ServeProcess serve(dir, {kScenarioFile, "--at", "6m", "--kubeconfig", kubeconfig});
  ASSERT_NE(serve.port(), 0) << serve.ready_line() << serve.err();
  // The kubeconfig holds a credential: only its owner reads it.
  struct stat st {};
  ASSERT_EQ(::stat(kubeconfig.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(serve.token().size(), 64u);
  const std::string config = testing::slurp(kubeconfig);
  EXPECT_NE(config.find("  user:\n    token: \"" + serve.token() + "\"\n"), std::string::npos) << config;
  EXPECT_NE(config.find("- cluster:\n    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t"), std::string::npos) << config;
  EXPECT_NE(config.find("    server: https://127.0.0.1:" + std::to_string(serve.port()) + "\n"), std::string::npos) << config;
  // Plain HTTP is not answered (the TLS handshake fails).
  EXPECT_THROW(testing::request(serve.port(), "/version"), std::exception);

  for (const std::string target : {"/version", "/api/v1/pods", "/kcsim/control", "/nope"}) {
    const Reply none = served_request(serve.port(), target);
    EXPECT_EQ(none.status, 401) << target;
    EXPECT_EQ(none.content_type, "application/json") << target;
    EXPECT_EQ(none.body, kUnauthorized) << target;
    EXPECT_EQ(served_request(serve.port(), target, "x" + serve.token()).status, 401);
  }
  // A write is refused as unauthenticated before anything else looks at it.
  EXPECT_EQ(served_request(serve.port(), "/apis/apps/v1/namespaces/default/deployments/web/scale", "", http::verb::patch,
                           "application/merge-patch+json", R"({"spec":{"replicas":9}})")
                .status,
            401);
  EXPECT_EQ(serve.request("/version").status, 200);
  EXPECT_EQ(serve.request("/apis/apps/v1/namespaces/default/deployments/web").doc()["spec"]["replicas"], 3);
  EXPECT_EQ(serve.stop(), 0);

  // The next start has another token: the old one no longer opens anything.
  const std::string old = serve.token();
  ServeProcess again(dir, {kScenarioFile, "--at", "6m", "--kubeconfig", kubeconfig});
  ASSERT_NE(again.port(), 0) << again.err();
  EXPECT_NE(again.token(), old);
  EXPECT_EQ(served_request(again.port(), "/version", old).status, 401);
  EXPECT_EQ(again.request("/version").status, 200);
}

TEST(ServeCommand, TokenOptionSetsTheToken) {
  const std::string dir = testing::test_dir();
  const std::string kubeconfig = dir + "/kcsim.kubeconfig";
  ServeProcess serve(dir, {kScenarioFile, "--at", "1m", "--kubeconfig", kubeconfig, "--token", "12345"});
  ASSERT_NE(serve.port(), 0) << serve.err();
  // Quoted: YAML would read 12345 as a number, which a kubeconfig's token cannot be.
  EXPECT_NE(testing::slurp(kubeconfig).find("    token: \"12345\"\n"), std::string::npos);
  EXPECT_EQ(served_request(serve.port(), "/version", "12345").status, 200);
  EXPECT_EQ(served_request(serve.port(), "/version").status, 401);
  EXPECT_EQ(serve.stop(), 0);
  const testing::CliResult bad = testing::run_kcsim("serve " + std::string(kScenarioFile) + " --at 1m --token 'a b' --kubeconfig " + kubeconfig);
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--token is not a bearer token"), std::string::npos) << bad.err;
}

TEST(ServeCommand, RealKubectlSendsTheTokenAndIsRefusedWithoutIt) {
  const std::optional<std::string> kubectl = find_kubectl();
  if (!kubectl) GTEST_SKIP() << "no kubectl on the PATH: the token is not tried with kubectl";
  const std::string dir = testing::test_dir();
  const std::string kubeconfig = dir + "/kcsim.kubeconfig";
  ServeProcess serve(dir, {kScenarioFile, "--at", "6m", "--kubeconfig", kubeconfig});
  ASSERT_NE(serve.port(), 0) << serve.err();
  auto run = [&](const std::string& args) {
    const std::string cmd = "timeout 60 " + *kubectl + " --cache-dir " + dir + "/cache " + args + " >" + dir + "/k.out 2>" + dir + "/k.err";
    const int raw = std::system(cmd.c_str());
    return testing::CliResult{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, testing::slurp(dir + "/k.out"), testing::slurp(dir + "/k.err")};
  };
  const testing::CliResult ok = run("--kubeconfig " + kubeconfig + " get deploy web -o jsonpath={.spec.replicas}");
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_EQ(ok.out, "3");
  // kubectl verifies the server with the kubeconfig's certificate: another one is refused.
  std::ofstream(dir + "/other-ca.crt") << self_signed_tls_identity().certificate_pem;
  const testing::CliResult distrusted =
      run("--kubeconfig " + kubeconfig + " --certificate-authority " + dir + "/other-ca.crt get deploy web");
  EXPECT_EQ(distrusted.status, 1);
  EXPECT_NE(distrusted.err.find("x509: certificate signed by unknown authority"), std::string::npos) << distrusted.err;
  // With another token, as kubectl 1.32 prints a 401 from kube-apiserver. (With none at all,
  // kubectl asks for a user name on its terminal, as it does against any cluster.)
  const std::string server = "--server https://127.0.0.1:" + std::to_string(serve.port()) + " --insecure-skip-tls-verify";
  const testing::CliResult wrong = run(server + " --kubeconfig /dev/null --token nope get deploy web");
  EXPECT_EQ(wrong.status, 1);
  EXPECT_EQ(wrong.out, "");
  EXPECT_NE(wrong.err.find("error: You must be logged in to the server (Unauthorized)"), std::string::npos) << wrong.err;
}

// --- the limits, on an HTTP server of the test -------------------------------------------------------------

// A watch that stays open (until the server stops): what a handler returns for ?watch.
class OpenStream : public ResponseStream {
 public:
  bool poll(std::chrono::steady_clock::time_point, std::string&) override { return true; }
};

class LimitedServer {
 public:
  explicit LimitedServer(HttpServerLimits limits)
      : server_(
            [](const ApiRequest& r) {
              if (r.target.find("watch") != std::string::npos)
                return ApiResponse{200, "application/json", "", std::make_shared<OpenStream>()};
              return ApiResponse{200, "application/json", R"({"ok":true})"};
            },
            "127.0.0.1", 0, limits),
        thread_([this] { server_.run(false); }) {}
  ~LimitedServer() {
    server_.stop();
    thread_.join();
  }
  unsigned short port() const { return server_.port(); }

 private:
  HttpServer server_;
  std::thread thread_;
};

// A connection the test holds open, with a watch started on it (its response header read).
struct HeldWatch {
  testing::net::io_context ioc;
  testing::tcp::socket socket{ioc};
  explicit HeldWatch(unsigned short port) {
    socket.connect(testing::tcp::endpoint(testing::net::ip::make_address("127.0.0.1"), port));
    http::request<http::empty_body> req{http::verb::get, "/api/v1/pods?watch=true", 11};
    req.set(http::field::host, "127.0.0.1");
    http::write(socket, req);
    boost::beast::flat_buffer buffer;
    http::response_parser<http::empty_body> header;
    http::read_header(socket, buffer, header);
    status = static_cast<int>(header.get().result_int());
  }
  int status = 0;
};

TEST(ServeLimits, AWatchBeyondMaxWatchesIsTooManyRequests) {
  LimitedServer server({/*max_connections=*/16, /*max_watches=*/2});
  HeldWatch first(server.port()), second(server.port());
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(second.status, 200);
  const Reply refused = testing::request(server.port(), "/api/v1/pods?watch=true");
  // maxinflight.go tooManyRequests: 429, Retry-After 1, http.Error's text.
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.retry_after, "1");
  EXPECT_EQ(refused.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(refused.body, "Too many requests, please try again later.\n");
  EXPECT_EQ(testing::request(server.port(), "/api/v1/pods").status, 200);  // other requests are served
  first.socket.close();
  // Once a watch ends, another may start.
  int status = 0;
  for (int i = 0; i < 50 && status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    status = HeldWatch(server.port()).status;
  }
  EXPECT_EQ(status, 200);
}

TEST(ServeLimits, AConnectionBeyondMaxConnectionsIsTooManyRequests) {
  LimitedServer server({/*max_connections=*/1, /*max_watches=*/8});
  HeldWatch held(server.port());
  EXPECT_EQ(held.status, 200);
  const Reply refused = testing::request(server.port(), "/version");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.retry_after, "1");
  EXPECT_EQ(refused.body, "Too many requests, please try again later.\n");
  held.socket.close();
  int status = 0;
  for (int i = 0; i < 50 && status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    status = testing::request(server.port(), "/version").status;
  }
  EXPECT_EQ(status, 200);
}

TEST(ServeLimits, ABodyOver3MiBIsRequestEntityTooLarge) {
  LimitedServer server({});
  const std::string big(3 * 1024 * 1024 + 1, 'x');
  const Reply refused = testing::request(server.port(), "/api/v1/namespaces/default/configmaps", "application/json", http::verb::post,
                                         "application/json", big);
  EXPECT_EQ(refused.status, 413);
  EXPECT_EQ(refused.body,
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Request entity too large: limit is 3145728","reason":"RequestEntityTooLarge","code":413})");
  const std::string fits(3 * 1024 * 1024, 'x');
  EXPECT_EQ(testing::request(server.port(), "/api/v1/namespaces/default/configmaps", "application/json", http::verb::post,
                             "application/json", fits)
                .status,
            200);
}

TEST(ServeLimits, HeadersOver1MiBAreRequestHeaderFieldsTooLarge) {
  LimitedServer server({});
  // Written raw: Beast's own client refuses a field of that size.
  testing::net::io_context ioc;
  testing::tcp::socket socket(ioc);
  socket.connect(testing::tcp::endpoint(testing::net::ip::make_address("127.0.0.1"), server.port()));
  const std::string head = "GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + std::string(1024 * 1024 + 1, 'a') + "\r\n\r\n";
  boost::system::error_code ec;
  testing::net::write(socket, testing::net::buffer(head), ec);  // the server may stop reading first
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(socket, buffer, res);
  EXPECT_EQ(res.result_int(), 431u);
  EXPECT_EQ(res.body(), "431 Request Header Fields Too Large");
}

}  // namespace
}  // namespace kcsim
