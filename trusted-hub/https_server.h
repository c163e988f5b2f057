#ifndef STAPEL_TRUSTED_HUB_HTTPS_SERVER_H_
#define STAPEL_TRUSTED_HUB_HTTPS_SERVER_H_

// The portal's transport: HTTPS with mutual TLS (a client certificate of the project CA,
// checked against its revocation list), on Boost.Beast, asynchronous, so a client that never
// finishes its handshake or its request holds no thread. What a client can hold is bounded:
//   time       the TLS handshake and one request's head and body must arrive within
//              Limits::request_time of the connection (or of the previous reply); trickling
//              bytes does not extend it. A reply must be taken within Limits::reply_time.
//   size       a request head over Limits::head_bytes gets 431, a body over Limits::body_bytes
//              413, both before more is read.
//   connections at most Limits::connections open at once. When a new one would exceed that,
//              the oldest connection that is still waiting for its handshake or request gives
//              way (those whose request is being answered never do); with none waiting, the
//              new one is closed. So silent and trickling clients cannot keep out one that
//              completes its handshake and request promptly.
//   per client at most Limits::per_identity open connections per certificate name (429 beyond).
// Handlers run on their own Limits::workers threads; the network threads never wait on them.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "proto/tls.h"

namespace stapel {

struct HttpRequest {
  std::string method;    // "GET", "POST", ...
  std::string path;      // the target up to '?'
  std::string body;      // at most Limits::body_bytes
  std::string identity;  // the common name of the client certificate the handshake verified
};

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type = "text/html; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"Location", "/"}
};

class HttpsServer {
 public:
  struct Limits {
    std::chrono::milliseconds request_time = std::chrono::seconds(10);
    std::chrono::milliseconds reply_time = std::chrono::seconds(30);
    size_t head_bytes = 8 * 1024;
    size_t body_bytes = 64 * 1024;
    int connections = 256;
    int per_identity = 16;
    int workers = 4;
  };
  // Answers one request; runs on a worker thread, so it may take its time (a release).
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  // INVALID_ARGUMENT when the TLS files (or the revocation folder) cannot be used.
  static absl::StatusOr<std::unique_ptr<HttpsServer>> Create(const TlsFiles& tls, Limits limits,
                                                             Handler handler);
  ~HttpsServer();

  // Listens on "host:port" (port 0: a free one) and serves on its own threads. Returns the
  // port. UNAVAILABLE when the address cannot be bound.
  absl::StatusOr<int> Start(const std::string& listen);
  // Stops accepting, closes the connections waiting for a handshake or request, lets the
  // requests being answered finish (their replies get up to 2 s to go out), then stops.
  void Stop();

  class Impl;  // the listener, its connections and their bookkeeping (https_server.cc)

 private:
  explicit HttpsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_HTTPS_SERVER_H_
