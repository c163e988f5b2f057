#ifndef STAPEL_TRUSTED_HUB_PORTAL_H_
#define STAPEL_TRUSTED_HUB_PORTAL_H_

// The portal: an HTTPS site served by the hub for people rather than programs. TLS with the
// project CA; a client must present a certificate of the project CA (refused at the
// handshake otherwise), and its common name decides what it sees:
//   a requester of the manifest    its own releases with their stacking maps, CSV and JSON
//                                  downloads, and a form to compose a new table (population,
//                                  level, indicators and their combinations) that goes through
//                                  the same Releaser — disclosure control and release log — as
//                                  a request over gRPC; a refused request says why
//   a privacy officer              the release log in words and the result of verifying it
//                                  (signatures, hash chain, tree heads, the LP audit)
//   anyone else                    403
// Forms carry a token bound to the client's identity, so another site cannot post them.
// Pages are self-contained (no script or style from elsewhere; a strict Content-Security-Policy);
// their HTML is in trusted-hub/portal_pages.h.

#include <filesystem>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "keys/secret_bytes.h"
#include "keys/signing.h"
#include "ledger/log_writer.h"
#include "project/manifest.h"
#include "proto/tls.h"
#include "report/area_boundaries.h"
#include "trusted-hub/https_server.h"
#include "trusted-hub/portal_form.h"  // ComposedRequest, what the compose form posts
#include "trusted-hub/release.h"

namespace stapel {

class Portal {
 public:
  struct Options {
    std::filesystem::path log_path;
    TlsFiles tls;
    AreaBoundaries boundaries;  // for the maps
    // What a client may send and hold (trusted-hub/https_server.h); the body limit (64 KiB) is
    // the largest compose form read.
    HttpsServer::Limits limits;
  };
  // `manifest`, `releaser` and `log` must outlive the portal. `hub_key` verifies the log.
  static absl::StatusOr<std::unique_ptr<Portal>> Create(const Manifest* manifest,
                                                        Releaser* releaser, ReleaseLogWriter* log,
                                                        Ed25519Verifier hub_key, Options options);
  ~Portal();

  // Listens on "host:port" (port 0: a free one) and serves on its own threads. Returns the
  // port. UNAVAILABLE when the address cannot be bound.
  absl::StatusOr<int> Start(const std::string& listen);
  // Stops accepting and waits for requests in progress.
  void Stop();

  // One request, as the server hands it over: routed to the pages below.
  HttpResponse Handle(const HttpRequest& req) const;

 private:
  // As Create: the pointees are not owned and must outlive the portal.
  Portal(const Manifest* manifest, Releaser* releaser, ReleaseLogWriter* log,
         Ed25519Verifier hub_key, Options options);
  // A requester's releases and the compose form, `message_html` above the form.
  std::string RequesterHomeHtml(const std::string& id, const std::string& message_html) const;

  // Each page is for the client certificate's identity `id`, a requester or (`officer`) a
  // privacy officer of the manifest.
  // GET /: a requester's home page; officers are sent on to /log.
  HttpResponse ServeHome(const std::string& id, bool officer) const;
  // POST /compose: the composed table (the url-encoded form `body`) through the Releaser, then
  // to its page; refused: why.
  HttpResponse ServeCompose(const std::string& id, const std::string& body) const;
  // GET /releases/<seq>[.csv|.json]: one of the requester's own releases.
  HttpResponse ServeRelease(const std::string& id, const std::string& seq,
                            const std::string& kind) const;
  // GET /log: the release log and its audit, for privacy officers.
  HttpResponse ServeLog(const std::string& id, bool officer) const;

  const Manifest* manifest_;
  Releaser* releaser_;
  ReleaseLogWriter* log_;
  const Ed25519Verifier hub_key_;
  const Options options_;
  const SecretBytes token_key_;  // per process; forms are tokened with a MAC of the identity
  std::unique_ptr<HttpsServer> server_;
};

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_PORTAL_H_
