#include "trusted-hub/https_server.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <thread>

#include "keys/certificate_authority.h"
#include "tests/temp_dir.h"

namespace stapel {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using testing_util::FreshTempDir;
using testing_util::WriteFile;

// A CA, the server's certificate and clients "alice" and "bob", in a fresh folder.
class HttpsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshTempDir();
    auto ca = CertificateAuthority::Create("test", 30);
    ASSERT_TRUE(ca.ok()) << ca.status();
    WriteFile(dir_ / "ca.crt", (*ca)->certificate_pem());
    for (const char* name : {"hub", "alice", "bob"}) {
      auto issued = (*ca)->Issue(name, std::string(name) == "hub", {}, 30);
      ASSERT_TRUE(issued.ok()) << issued.status();
      WriteFile(dir_ / (std::string(name) + ".crt"), issued->certificate_pem);
      WriteFile(dir_ / (std::string(name) + ".key"), issued->private_key_pem.CopyForLibrary());
    }
  }

  // Serves with `limits`; the handler echoes identity, method, path and body size, after
  // `handler_delay_`.
  void Serve(HttpsServer::Limits limits) {
    auto server = HttpsServer::Create(
        {.ca = dir_ / "ca.crt",
         .certificate = dir_ / "hub.crt",
         .private_key = dir_ / "hub.key",
         .revocation_dir = {}},
        limits, [this](const HttpRequest& req) {
          std::this_thread::sleep_for(handler_delay_);
          ++handled_;
          HttpResponse res;
          res.body = fmt::format("{} {} {} {}", req.identity, req.method, req.path, req.body.size());
          return res;
        });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    auto port = server_->Start("127.0.0.1:0");
    ASSERT_TRUE(port.ok()) << port.status();
    port_ = *port;
  }

  // A client connection as `who` ("" for none), through its TLS handshake.
  struct Client {
    net::io_context io;
    ssl::context context{ssl::context::tls_client};
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> stream;
  };
  std::unique_ptr<Client> Connect(const std::string& who, beast::error_code* error) {
    auto client = std::make_unique<Client>();
    client->context.load_verify_file((dir_ / "ca.crt").string());
    if (!who.empty()) {
      client->context.use_certificate_chain_file((dir_ / (who + ".crt")).string());
      client->context.use_private_key_file((dir_ / (who + ".key")).string(), ssl::context::pem);
    }
    client->stream =
        std::make_unique<beast::ssl_stream<beast::tcp_stream>>(client->io, client->context);
    beast::get_lowest_layer(*client->stream).expires_after(std::chrono::seconds(20));
    beast::get_lowest_layer(*client->stream).connect(tcp::endpoint(Loopback(), port_));
    client->stream->handshake(ssl::stream_base::client, *error);
    return client;
  }
  // One request on `client`; the status and body, or status 0 when the connection failed.
  static std::pair<int, std::string> Ask(Client& client, http::verb verb, const std::string& path,
                                         std::string body = "", size_t head_padding = 0) {
    http::request<http::string_body> req(verb, path, 11);
    req.set(http::field::host, "hub");
    if (head_padding > 0) req.set("X-Padding", std::string(head_padding, 'p'));
    req.body() = std::move(body);
    req.prepare_payload();
    beast::error_code error;
    http::write(*client.stream, req, error);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(*client.stream, buffer, res, error);
    if (error) return {0, error.message()};
    return {res.result_int(), res.body()};
  }
  std::pair<int, std::string> AskAs(const std::string& who, const std::string& path) {
    beast::error_code error;
    auto client = Connect(who, &error);
    if (error) return {0, error.message()};
    return Ask(*client, http::verb::get, path);
  }
  // A plain TCP connection to the server that sends `bytes` and then nothing.
  tcp::socket Silent(net::io_context& io, const std::string& bytes) {
    tcp::socket socket(io);
    socket.connect(tcp::endpoint(Loopback(), port_));
    if (!bytes.empty()) net::write(socket, net::buffer(bytes));
    return socket;
  }
  static net::ip::address Loopback() { return net::ip::make_address("127.0.0.1"); }

  std::filesystem::path dir_;
  std::unique_ptr<HttpsServer> server_;
  int port_ = 0;
  std::atomic<int> handled_ = 0;
  std::chrono::milliseconds handler_delay_{0};
};

TEST_F(HttpsServerTest, AnswersCertifiedClientsAndRefusesOthersAtTheHandshake) {
  Serve({});
  EXPECT_EQ(AskAs("alice", "/releases/3?x=1"), std::make_pair(200, std::string("alice GET /releases/3 0")));
  beast::error_code error;
  auto anonymous = Connect("", &error);
  // In TLS 1.3 the client hears of the refusal at its first read, not in its handshake.
  EXPECT_TRUE(error || Ask(*anonymous, http::verb::get, "/").first == 0)
      << "a client without a certificate was answered";
  EXPECT_EQ(handled_, 1);
}

TEST_F(HttpsServerTest, KeepsAConnectionForSeveralRequestsAndBoundsHeadAndBody) {
  Serve({.head_bytes = 4096, .body_bytes = 1000});
  beast::error_code error;
  auto client = Connect("bob", &error);
  ASSERT_FALSE(error) << error.message();
  EXPECT_EQ(Ask(*client, http::verb::post, "/compose", std::string(1000, 'a')).second,
            "bob POST /compose 1000");
  EXPECT_EQ(Ask(*client, http::verb::get, "/").second, "bob GET / 0");
  // Over the limits: refused with the limit named, before the handler sees it.
  const auto body = Ask(*client, http::verb::post, "/compose", std::string(1001, 'a'));
  EXPECT_EQ(body.first, 413);
  EXPECT_EQ(body.second, "the request body is larger than the portal's limit of 1000 bytes\n");
  client = Connect("bob", &error);
  const auto head = Ask(*client, http::verb::get, "/", "", 5000);
  EXPECT_EQ(head.first, 431);
  EXPECT_EQ(head.second, "the request head is larger than the portal's limit of 4 KiB\n");
  EXPECT_EQ(handled_, 2);
}

TEST_F(HttpsServerTest, SilentAndTricklingClientsGiveWayAndAreClosedAtTheirDeadline) {
  Serve({.request_time = std::chrono::milliseconds(1500), .connections = 8});
  net::io_context io;
  std::vector<tcp::socket> held;
  // Three times as many silent connections as the server holds, and some that send half a
  // TLS ClientHello or garbage and stop.
  for (int i = 0; i < 24; ++i) held.push_back(Silent(io, ""));
  for (int i = 0; i < 4; ++i) held.push_back(Silent(io, std::string("\x16\x03\x01\x02\x00", 5)));
  for (int i = 0; i < 4; ++i) held.push_back(Silent(io, "GET / HTTP/1.1\r\nHost: x\r\n"));
  // A certified client still gets in at once: the oldest waiting connection gives way.
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(AskAs("alice", "/").first, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1500));
  // A client that completes its handshake and then trickles its request head byte by byte is
  // closed at its deadline, not one byte later.
  beast::error_code error;
  auto trickler = Connect("bob", &error);
  ASSERT_FALSE(error) << error.message();
  const auto trickle_start = std::chrono::steady_clock::now();
  const std::string head = "GET / HTTP/1.1\r\nHost: hub\r\nX-Slow: " + std::string(100, 's');
  size_t sent = 0;
  for (; sent < head.size(); ++sent) {
    net::write(*trickler->stream, net::buffer(head.data() + sent, 1), error);
    if (error) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_LT(sent, head.size()) << "the trickled head was never cut off";
  EXPECT_LT(std::chrono::steady_clock::now() - trickle_start, std::chrono::seconds(4));
  // Every held connection has been closed by now (each read sees the end).
  for (tcp::socket& socket : held) {
    char byte;
    beast::error_code read_error;
    socket.read_some(net::buffer(&byte, 1), read_error);
    EXPECT_TRUE(read_error) << "a held connection is still open";
  }
  EXPECT_EQ(handled_, 1);
}

// Stopping: a request being answered gets its reply, a silent connection is closed, and a
// client that keeps sending requests on its connection does not hold the stop up.
TEST_F(HttpsServerTest, StopAnswersWhatIsInProgressClosesTheRestAndReturns) {
  handler_delay_ = std::chrono::milliseconds(300);
  Serve({});
  net::io_context io;
  tcp::socket silent = Silent(io, "");
  std::pair<int, std::string> in_progress;
  std::thread asking([&] { in_progress = AskAs("alice", "/slow"); });
  std::atomic<bool> stop_busy = false;
  std::atomic<int> busy_answers = 0;
  std::thread busy([&] {
    beast::error_code error;
    auto client = Connect("bob", &error);
    while (!error && !stop_busy && Ask(*client, http::verb::get, "/").first == 200) ++busy_answers;
  });
  while (handled_ < 2) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const auto started = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  asking.join();
  EXPECT_EQ(in_progress, std::make_pair(200, std::string("alice GET /slow 0")));
  char byte;
  beast::error_code read_error;
  silent.read_some(net::buffer(&byte, 1), read_error);
  EXPECT_TRUE(read_error) << "a silent connection is still open";
  stop_busy = true;
  busy.join();
  EXPECT_GE(busy_answers, 1);
}

TEST_F(HttpsServerTest, OneIdentityHoldsAtMostItsShareOfConnections) {
  Serve({.per_identity = 3});
  std::vector<std::unique_ptr<Client>> open;
  for (int i = 0; i < 3; ++i) {
    beast::error_code error;
    open.push_back(Connect("alice", &error));
    ASSERT_FALSE(error);
    EXPECT_EQ(Ask(*open.back(), http::verb::get, "/").first, 200);
  }
  const auto fourth = AskAs("alice", "/");
  EXPECT_EQ(fourth.first, 429);
  EXPECT_NE(fourth.second.find("at most 3 at once"), std::string::npos) << fourth.second;
  EXPECT_EQ(AskAs("bob", "/").first, 200);
  open.clear();  // closed: alice gets in again
  for (int i = 0; i < 50 && AskAs("alice", "/").first != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(AskAs("alice", "/").first, 200);
}

}  // namespace
}  // namespace stapel
