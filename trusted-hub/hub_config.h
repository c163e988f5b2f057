#ifndef STAPEL_TRUSTED_HUB_HUB_CONFIG_H_
#define STAPEL_TRUSTED_HUB_HUB_CONFIG_H_

// The hub's configuration (TOML); see deploy/examples/hub.toml:
//
//   manifest = "manifest.toml"
//   data_dir = "hub"                 # RocksDB in <data_dir>/db, log in <data_dir>/release.log
//   listen = "127.0.0.1:7443"
//   areas = "areas.csv"              # optional: names of buurten, wijken, gemeenten (CBS layout)
//   [tls]  ca, certificate, private_key
//   [keys] release_signing_key = "keys/hub-signing.key"
//          storage_key = "keys/hub-storage.key"   # seals record values at rest
//          officer_key = "keys/officer-signing.pub"  # the manifest must carry its signature
//   boundaries = "buurten.geojson"   # optional: buurt boundaries (GeoJSON) for the portal's maps
//   [portal]                         # optional: the HTTPS portal for requesters and officers
//   listen = "127.0.0.1:8443"
//   [metrics]                        # optional: Prometheus text metrics (hub_metrics.h)
//   listen = "127.0.0.1:9464"
//   [limits]                         # optional
//   call_seconds = 120               # the deadline every gRPC call gets (see call_seconds below)
//   link_wait_seconds = 30           # how long a table request waits for a new state's link
//
// Paths are relative to the config file's folder.

#include <filesystem>
#include <string>

#include "absl/status/statusor.h"
#include "proto/tls.h"

namespace stapel {

struct HubConfig {
  std::filesystem::path manifest;
  std::filesystem::path data_dir;
  std::string listen = "127.0.0.1:7443";
  std::filesystem::path areas;  // empty: names unknown
  TlsFiles tls;
  std::filesystem::path release_signing_key;
  std::filesystem::path storage_key;  // base64 of 32 bytes, mode 0600 (see SealedStore)
  std::filesystem::path officer_key;  // the privacy officer's Ed25519 public key
  std::filesystem::path boundaries;   // empty: none
  std::string portal_listen;          // empty: no portal
  std::string metrics_listen;         // empty: no metrics
  // The hub closes each gRPC connection after this long (clients open a new one for their next
  // call) and gives the calls in progress on it as long again to finish: no call, not even
  // one a client opened and never fed, holds the hub for more than twice this.
  int call_seconds = 120;
  // A table request that comes while a newer data state of its period is being linked waits
  // up to this long for it, then counts the state before (its reply says so): a national
  // relink takes minutes. 0 to half of call_seconds (30, or that half when it is less).
  int link_wait_seconds = 30;

  static absl::StatusOr<HubConfig> Load(const std::filesystem::path& path);
};

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_HUB_CONFIG_H_
