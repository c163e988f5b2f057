#ifndef STAPEL_PROTO_TLS_H_
#define STAPEL_PROTO_TLS_H_

// Mutual TLS for every Stapel connection: both sides present a certificate issued by the
// project CA, and nothing else is accepted. The [hub] and [tls] sections of the agent's and
// the requester's TOML config are read here, so both are written the same way:
//
//   [hub]
//   address = "127.0.0.1:7443"
//   name = "hub"                       # the hub's certificate identity
//   [tls]
//   ca = "keys/ca.crt"
//   certificate = "keys/analyst.crt"
//   private_key = "keys/analyst.key"   # mode 0600
//
// Paths are relative to the config file's folder.

#include <grpcpp/channel.h>
#include <grpcpp/security/server_credentials.h>
#include <toml++/toml.h>

#include <filesystem>
#include <set>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace stapel {

struct TlsFiles {
  std::filesystem::path ca;
  std::filesystem::path certificate;
  std::filesystem::path private_key;
  // Servers: a folder with the CA's revocation list (stapel-keys revoke); empty: none checked.
  std::filesystem::path revocation_dir;
};

struct HubEndpoint {
  std::string address;
  std::string name = "hub";
};

// Reads [tls] (and [hub] for clients) from a parsed config. INVALID_ARGUMENT names the file
// and the missing entry.
absl::StatusOr<TlsFiles> ReadTlsSection(const toml::table& config,
                                        const std::filesystem::path& config_file);
absl::StatusOr<HubEndpoint> ReadHubSection(const toml::table& config,
                                           const std::filesystem::path& config_file);

// A channel to the hub that presents the client's certificate and accepts only a hub
// certificate from the project CA carrying `hub.name`.
absl::StatusOr<std::shared_ptr<grpc::Channel>> MutualTlsChannel(const HubEndpoint& hub,
                                                                const TlsFiles& files);

// Server credentials that require and verify a client certificate from the project CA and
// refuse at the handshake: with `files.revocation_dir`, a revoked one; when `admitted` is not
// empty, one whose common name is not in it (an identity of the CA that the project does not
// name never gets to send a message, so it cannot hold the server's memory either).
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MutualTlsServerCredentials(
    const TlsFiles& files, std::set<std::string> admitted = {});

// The identity (common name) of the certificate in `certificate` (PEM): the hub's own, for its
// local admin socket, where only a holder of the hub's key is admitted.
absl::StatusOr<std::string> CertificateIdentity(const std::filesystem::path& certificate);
// When that certificate expires, in seconds since the epoch (the hub's metrics count down).
absl::StatusOr<int64_t> CertificateExpiry(const std::filesystem::path& certificate);

// Largest message either side sends or accepts.
inline constexpr int kMaxMessageBytes = 32 << 20;

}  // namespace stapel

#endif  // STAPEL_PROTO_TLS_H_
