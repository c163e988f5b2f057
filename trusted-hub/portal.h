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
// Pages are self-contained (no script or style from elsewhere; a strict Content-Security-Policy).

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "keys/signing.h"
#include "linker/manifest.h"
#include "linker/release_log.h"
#include "linker/table_spec.h"
#include "proto/tls.h"
#include "report/area_boundaries.h"
#include "trusted-hub/release.h"

namespace httplib {
class SSLServer;
}

namespace stapel {

// A composed table as the form sends it: "purpose", "population" ("" for the stacking table),
// "level", "indicator" (repeated), "combine" (each | and | or | atleast), "n", and "measures"
// (lines "name = expression"). INVALID_ARGUMENT says what to fix.
absl::StatusOr<TableRequest> ComposedRequest(const std::multimap<std::string, std::string>& form);

class Portal {
 public:
  struct Options {
    std::filesystem::path log_path;
    TlsFiles tls;
    AreaBoundaries boundaries;  // for the maps
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

 private:
  Portal(const Manifest* manifest, Releaser* releaser, ReleaseLogWriter* log,
         Ed25519Verifier hub_key, Options options);
  void Routes();

  const Manifest* manifest_;
  Releaser* releaser_;
  ReleaseLogWriter* log_;
  const Ed25519Verifier hub_key_;
  const Options options_;
  unsigned char token_key_[32];  // per process; forms are tokened with a MAC of the identity
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
};

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_PORTAL_H_
