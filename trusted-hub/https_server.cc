#include "trusted-hub/https_server.h"

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace stapel {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using ErrorCode = beast::error_code;

// A connection closing after an error reply reads and drops what the client still sends, up to
// this much, so the reply is not lost to a reset; and gives its TLS shutdown this long.
constexpr size_t kDrainBytes = 1 << 20;
constexpr auto kClosingTime = std::chrono::seconds(2);

// The common name of the client certificate the handshake verified; "" without one, or when
// it is not one plain name (longer than 255 bytes, or with a NUL byte).
std::string PeerName(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) return "";
  char name[256] = {0};
  const int n =
      X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, name, sizeof(name));
  X509_free(cert);
  if (n <= 0 || n >= static_cast<int>(sizeof(name)) - 1) return "";
  const std::string out(name, n);
  return out.find('\0') == std::string::npos ? out : "";
}

// "64 KiB", or "1000 bytes" when not a whole number of KiB.
std::string Size(size_t bytes) {
  return bytes % 1024 == 0 ? fmt::format("{} KiB", bytes / 1024) : fmt::format("{} bytes", bytes);
}

HttpResponse Refusal(int status, const std::string& why) {
  return {.status = status,
          .body = why + "\n",
          .content_type = "text/plain; charset=utf-8",
          .headers = {}};
}

}  // namespace

class HttpsConnection;

class HttpsServer::Impl {
 public:
  Impl(ssl::context context, Limits limits, Handler handler)
      : limits_(limits),
        handler_(std::move(handler)),
        context_(std::move(context)),
        workers_(limits.workers),
        acceptor_(net::make_strand(io_)),
        retry_(acceptor_.get_executor()) {}
  ~Impl() { Stop(); }

  absl::StatusOr<int> Start(const std::string& listen);
  void Stop();

 private:
  friend class HttpsConnection;
  void Accept();
  void OnAccept(ErrorCode error, tcp::socket socket);

  // Connection bookkeeping (under mu_). Admit counts a new connection as waiting and returns
  // false when it must be closed; `victim` is a waiting connection that gives way to it.
  bool Admit(const std::shared_ptr<HttpsConnection>& session, std::shared_ptr<HttpsConnection>* victim);
  // Whether `identity` may hold one more connection; counts it.
  bool Identify(HttpsConnection* session, const std::string& identity);
  // Waits for its next request (may give way); false when it must close instead (stopping).
  bool Waiting(HttpsConnection* session);
  // Its request is being answered (never gives way): posts `answer` to the workers. False,
  // posting nothing, when it must close instead (it gave way, or the server is stopping).
  bool Dispatch(HttpsConnection* session, std::function<void()> answer);
  void Closed(HttpsConnection* session);

  const Limits limits_;
  const Handler handler_;
  std::mutex mu_;
  int open_ = 0;
  std::list<std::weak_ptr<HttpsConnection>> waiting_;  // oldest first
  std::list<std::weak_ptr<HttpsConnection>> all_;      // every connection admitted
  std::map<std::string, int> per_identity_;
  bool stopped_ = false;
  // HttpsConnections use all of the above, so these are destroyed first (in reverse order):
  // the workers' queue and the network loop may hold the last reference to a connection, whose
  // socket needs the loop.
  ssl::context context_;
  net::io_context io_;
  // Keeps the network threads running while a connection waits only for its handler (until
  // Stop has let those replies out).
  std::optional<net::executor_work_guard<net::io_context::executor_type>> running_;
  net::thread_pool workers_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_;
  std::vector<std::thread> threads_;
};

// One client connection, its operations on one strand.
class HttpsConnection : public std::enable_shared_from_this<HttpsConnection> {
 public:
  HttpsConnection(tcp::socket socket, HttpsServer::Impl* server)
      : stream_(std::move(socket), server->context_), server_(server) {}
  ~HttpsConnection() { server_->Closed(this); }

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Handshake(); });
  }
  // Closes the connection; its pending operations end with an error.
  void GiveWay() {
    net::post(stream_.get_executor(),
              [self = shared_from_this()] { beast::get_lowest_layer(self->stream_).close(); });
  }

 private:
  friend class HttpsServer::Impl;
  const HttpsServer::Limits& limits() const { return server_->limits_; }

  void Handshake() {
    beast::get_lowest_layer(stream_).expires_after(limits().request_time);
    stream_.async_handshake(ssl::stream_base::server,
                            beast::bind_front_handler(&HttpsConnection::OnHandshake, shared_from_this()));
  }
  void OnHandshake(ErrorCode error) {
    if (error) return;  // a refused certificate, a timeout or a dropped connection
    const std::string identity = PeerName(stream_.native_handle());
    if (!server_->Identify(this, identity)) {
      return Reply(Refusal(429, fmt::format("too many connections from '{}' (at most {} at once); "
                                            "close some and try again",
                                            identity, limits().per_identity)),
                   /*close=*/true, /*drain=*/false);
    }
    Read();  // within the same deadline as the handshake
  }

  void Read() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(limits().head_bytes));
    parser_->body_limit(limits().body_bytes);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpsConnection::OnRead, shared_from_this()));
  }
  void OnRead(ErrorCode error, size_t) {
    if (error == http::error::end_of_stream) return Close();
    if (error == http::error::body_limit) {
      return Reply(Refusal(413, fmt::format("the request body is larger than the portal's limit "
                                            "of {}",
                                            Size(limits().body_bytes))),
                   true, true);
    }
    if (error == http::error::header_limit) {
      return Reply(Refusal(431, fmt::format("the request head is larger than the portal's limit "
                                            "of {}",
                                            Size(limits().head_bytes))),
                   true, true);
    }
    if (error && error.category() == http::make_error_code(http::error::bad_target).category()) {
      return Reply(Refusal(400, "not an HTTP/1.1 request"), true, true);
    }
    if (error) return;  // timeout, reset, given way
    http::request<http::string_body> request = parser_->release();
    keep_alive_ = request.keep_alive();
    const std::string_view target(request.target().data(), request.target().size());
    HttpRequest asked{.method = std::string(request.method_string()),
                      .path = std::string(target.substr(0, target.find('?'))),
                      .body = std::move(request.body()),
                      .identity = identity_};
    // Refused (it gave way, or the server stops): the connection closes as this returns.
    server_->Dispatch(this, [self = shared_from_this(), asked = std::move(asked)] {
      HttpResponse answer;
      try {
        answer = self->server_->handler_(asked);
      } catch (const std::exception& e) {
        spdlog::error("portal: {} {} failed: {}", asked.method, asked.path, e.what());
        answer = Refusal(500, "the portal failed on this request; the hub's log says why");
      } catch (...) {
        spdlog::error("portal: {} {} failed", asked.method, asked.path);
        answer = Refusal(500, "the portal failed on this request; the hub's log says why");
      }
      net::post(self->stream_.get_executor(), [self, answer = std::move(answer)]() mutable {
        self->Reply(std::move(answer), !self->keep_alive_, false);
      });
    });
  }

  void Reply(HttpResponse answer, bool close, bool drain) {
    response_.emplace(static_cast<http::status>(answer.status), 11);
    response_->set(http::field::content_type, answer.content_type);
    for (const auto& [name, value] : answer.headers) response_->set(name, value);
    response_->body() = std::move(answer.body);
    response_->keep_alive(!close);
    response_->prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(limits().reply_time);
    http::async_write(stream_, *response_,
                      [self = shared_from_this(), close, drain](ErrorCode error, size_t) {
                        if (error) return;
                        if (drain) return self->Drain(0);
                        if (close || !self->server_->Waiting(self.get())) return self->Close();
                        beast::get_lowest_layer(self->stream_).expires_after(
                            self->limits().request_time);
                        self->Read();
                      });
  }

  // Reads and drops the rest of a refused request, then closes.
  void Drain(size_t drained) {
    if (drained == 0) beast::get_lowest_layer(stream_).expires_after(kClosingTime);
    if (drained > kDrainBytes) return;
    stream_.async_read_some(net::buffer(scratch_),
                            [self = shared_from_this(), drained](ErrorCode error, size_t n) {
                              if (!error) self->Drain(drained + n);
                            });
  }

  void Close() {
    beast::get_lowest_layer(stream_).expires_after(kClosingTime);
    stream_.async_shutdown([self = shared_from_this()](ErrorCode) {});
  }

  beast::ssl_stream<beast::tcp_stream> stream_;
  HttpsServer::Impl* const server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  std::array<char, 16 * 1024> scratch_;
  bool keep_alive_ = false;
  std::string identity_;
  // Bookkeeping of the server, under its mu_.
  bool identified_ = false;  // counted in per_identity_ under identity_
  bool counted_ = false;
  bool waiting_ = false;
  std::list<std::weak_ptr<HttpsConnection>>::iterator waiting_at_;
  std::optional<std::list<std::weak_ptr<HttpsConnection>>::iterator> all_at_;
};

bool HttpsServer::Impl::Admit(const std::shared_ptr<HttpsConnection>& session,
                              std::shared_ptr<HttpsConnection>* victim) {
  std::lock_guard lock(mu_);
  if (stopped_) return false;
  // The oldest waiting connection still alive gives way (one whose last reference is going
  // takes itself off the list when it closes).
  for (auto it = waiting_.begin(); open_ >= limits_.connections && it != waiting_.end(); ++it) {
    std::shared_ptr<HttpsConnection> oldest = it->lock();
    if (!oldest) continue;
    waiting_.erase(it);
    oldest->waiting_ = false;
    oldest->counted_ = false;
    --open_;
    *victim = std::move(oldest);
    break;
  }
  if (open_ >= limits_.connections) return false;
  ++open_;
  session->counted_ = true;
  session->waiting_ = true;
  session->waiting_at_ = waiting_.insert(waiting_.end(), session);
  session->all_at_ = all_.insert(all_.end(), session);
  return true;
}

bool HttpsServer::Impl::Identify(HttpsConnection* session, const std::string& identity) {
  std::lock_guard lock(mu_);
  int& held = per_identity_[identity];
  if (held >= limits_.per_identity) return false;
  ++held;
  session->identity_ = identity;
  session->identified_ = true;
  return true;
}

bool HttpsServer::Impl::Waiting(HttpsConnection* session) {
  std::lock_guard lock(mu_);
  if (stopped_ || !session->counted_) return false;
  if (!session->waiting_) {
    session->waiting_ = true;
    session->waiting_at_ = waiting_.insert(waiting_.end(), session->weak_from_this());
  }
  return true;
}

bool HttpsServer::Impl::Dispatch(HttpsConnection* session, std::function<void()> answer) {
  std::lock_guard lock(mu_);
  if (stopped_ || !session->counted_) return false;
  if (session->waiting_) {
    waiting_.erase(session->waiting_at_);
    session->waiting_ = false;
  }
  // Posted under the lock: Stop, once it has set stopped_, waits for every answer posted.
  net::post(workers_, std::move(answer));
  return true;
}

void HttpsServer::Impl::Closed(HttpsConnection* session) {
  std::lock_guard lock(mu_);
  if (session->waiting_) waiting_.erase(session->waiting_at_);
  if (session->all_at_.has_value()) all_.erase(*session->all_at_);
  if (session->counted_) --open_;
  if (session->identified_) {
    const auto held = per_identity_.find(session->identity_);
    if (held != per_identity_.end() && --held->second == 0) per_identity_.erase(held);
  }
}

absl::StatusOr<int> HttpsServer::Impl::Start(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  auto unavailable = [&](const std::string& why) {
    return absl::UnavailableError(fmt::format(
        "portal: cannot listen on {}: {} (host:port; address in use, or not of this machine?)",
        listen, why));
  };
  if (colon == std::string::npos) return unavailable("no port");
  std::string host = listen.substr(0, colon);
  if (host.size() > 1 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  ErrorCode error;
  tcp::resolver resolver(io_);
  const auto found = resolver.resolve(host, listen.substr(colon + 1),
                                      tcp::resolver::passive | tcp::resolver::numeric_service,
                                      error);
  if (error || found.empty()) return unavailable(error ? error.message() : "no address");
  const tcp::endpoint endpoint = found.begin()->endpoint();
  acceptor_.open(endpoint.protocol(), error);
  if (!error) acceptor_.set_option(net::socket_base::reuse_address(true), error);
  if (!error) acceptor_.bind(endpoint, error);
  if (!error) acceptor_.listen(net::socket_base::max_listen_connections, error);
  if (error) return unavailable(error.message());
  const int port = acceptor_.local_endpoint().port();
  Accept();
  running_.emplace(io_.get_executor());
  for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  return port;
}

void HttpsServer::Impl::Accept() {
  acceptor_.async_accept(net::make_strand(io_),
                         beast::bind_front_handler(&Impl::OnAccept, this));
}

void HttpsServer::Impl::OnAccept(ErrorCode error, tcp::socket socket) {
  if (error == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (error) {
    // Out of file descriptors, say: try again shortly rather than spin.
    spdlog::warn("portal: cannot accept a connection: {}", error.message());
    retry_.expires_after(std::chrono::milliseconds(100));
    retry_.async_wait([this](ErrorCode waited) {
      if (!waited) Accept();
    });
    return;
  }
  auto session = std::make_shared<HttpsConnection>(std::move(socket), this);
  std::shared_ptr<HttpsConnection> victim;
  const bool admitted = Admit(session, &victim);
  if (victim) victim->GiveWay();
  if (admitted) session->Start();
  Accept();
}

void HttpsServer::Impl::Stop() {
  // Connections of `list` (under mu_) close now.
  auto close_all = [this](const std::list<std::weak_ptr<HttpsConnection>>& list) {
    std::vector<std::shared_ptr<HttpsConnection>> open;
    {
      std::lock_guard lock(mu_);
      for (const auto& w : list) {
        if (auto connection = w.lock()) open.push_back(std::move(connection));
      }
    }
    for (const auto& connection : open) connection->GiveWay();
  };
  // Until every connection has closed, for at most `wait`.
  auto wait_closed = [this](std::chrono::milliseconds wait) {
    for (auto left = wait; left.count() > 0; left -= std::chrono::milliseconds(10)) {
      {
        std::lock_guard lock(mu_);
        if (all_.empty()) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  };
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  net::post(acceptor_.get_executor(), [this] {
    ErrorCode ignored;
    acceptor_.close(ignored);
    retry_.cancel();
  });
  close_all(waiting_);
  workers_.join();  // requests being answered are answered; their connections then close,
  wait_closed(kClosingTime);  // their replies getting up to 2 s to go out
  close_all(all_);  // what is left (a TLS shutdown the client does not answer) closes now
  wait_closed(std::chrono::milliseconds(500));
  running_.reset();
  io_.stop();
  for (std::thread& t : threads_) t.join();
}

HttpsServer::HttpsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpsServer::~HttpsServer() = default;

absl::StatusOr<std::unique_ptr<HttpsServer>> HttpsServer::Create(const TlsFiles& tls,
                                                                 Limits limits, Handler handler) {
  ssl::context context(ssl::context::tls_server);
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                      ssl::context::no_tlsv1_1);
  ErrorCode error;
  context.use_certificate_chain_file(tls.certificate.string(), error);
  if (!error) context.use_private_key_file(tls.private_key.string(), ssl::context::pem, error);
  if (!error) context.load_verify_file(tls.ca.string(), error);
  if (error) {
    return absl::InvalidArgumentError(fmt::format(
        "portal: cannot use the TLS files {}, {} and {}: {} (readable PEM files of the project "
        "CA?)",
        tls.certificate.string(), tls.private_key.string(), tls.ca.string(), error.message()));
  }
  context.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  // Resumed TLS 1.2 sessions need a context with client certificates verified.
  static constexpr unsigned char kSessionContext[] = "stapel-portal";
  SSL_CTX_set_session_id_context(context.native_handle(), kSessionContext,
                                 sizeof(kSessionContext) - 1);
  if (!tls.revocation_dir.empty()) {
    // The CA's revocation list (<hash>.r0 in the folder), checked at every handshake.
    X509_STORE* store = SSL_CTX_get_cert_store(context.native_handle());
    X509_LOOKUP* lookup = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir());
    if (lookup == nullptr ||
        X509_LOOKUP_add_dir(lookup, tls.revocation_dir.c_str(), X509_FILETYPE_PEM) != 1) {
      return absl::InvalidArgumentError(fmt::format("portal: cannot read the revocation list in {}",
                                                    tls.revocation_dir.string()));
    }
    X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
  }
  return std::unique_ptr<HttpsServer>(
      new HttpsServer(std::make_unique<Impl>(std::move(context), limits, std::move(handler))));
}

absl::StatusOr<int> HttpsServer::Start(const std::string& listen) { return impl_->Start(listen); }

void HttpsServer::Stop() { impl_->Stop(); }

}  // namespace stapel
