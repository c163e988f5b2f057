#include "proto/tls.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_certificate_verifier.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <ctime>
#include <utility>

#include "keys/key_file.h"

namespace stapel {
namespace {

absl::StatusOr<std::string> PathEntry(const toml::table& config, std::string_view section,
                                      std::string_view key, const std::filesystem::path& file) {
  auto value = config[section][key].value<std::string>();
  if (!value) {
    return absl::InvalidArgumentError(
        fmt::format("{}: [{}] {} is missing (a file path)", file.string(), section, key));
  }
  return (file.parent_path() / *value).lexically_normal().string();
}

// After the CA's own checks, admits a client certificate only if its common name is one of
// `names`.
class AdmittedNames : public grpc::experimental::ExternalCertificateVerifier {
 public:
  explicit AdmittedNames(std::set<std::string> names) : names_(std::move(names)) {}

  bool Verify(grpc::experimental::TlsCustomVerificationCheckRequest* request,
              std::function<void(grpc::Status)> /*callback*/, grpc::Status* status) override {
    const grpc::string_ref name = request->common_name();
    if (names_.contains(std::string(name.data(), name.size()))) {
      *status = grpc::Status::OK;
    } else {
      // Bounded and printable: the name comes from the client.
      std::string shown(name.data(), std::min<size_t>(name.size(), 64));
      for (char& c : shown) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
      }
      spdlog::warn("refused a certificate of '{}' at the handshake: not an identity of the manifest",
                   shown);
      *status = grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                             "the certificate's identity is not named in the project manifest");
    }
    return true;  // decided at once
  }
  void Cancel(grpc::experimental::TlsCustomVerificationCheckRequest* /*request*/) override {}

 private:
  const std::set<std::string> names_;
};

struct Pems {
  std::string ca, certificate;
  SecretBytes private_key;  // copied into gRPC's options only where they are built
};

absl::Status LoadPems(const TlsFiles& files, Pems* pems) {
  auto ca = ReadTextFile(files.ca);
  if (!ca.ok()) return ca.status();
  auto cert = ReadTextFile(files.certificate);
  if (!cert.ok()) return cert.status();
  auto key = ReadPrivateFile(files.private_key);
  if (!key.ok()) return key.status();
  pems->ca = std::move(*ca);
  pems->certificate = std::move(*cert);
  pems->private_key = *std::move(key);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TlsFiles> ReadTlsSection(const toml::table& config,
                                        const std::filesystem::path& config_file) {
  auto ca = PathEntry(config, "tls", "ca", config_file);
  if (!ca.ok()) return ca.status();
  auto cert = PathEntry(config, "tls", "certificate", config_file);
  if (!cert.ok()) return cert.status();
  auto key = PathEntry(config, "tls", "private_key", config_file);
  if (!key.ok()) return key.status();
  TlsFiles files{*ca, *cert, *key, {}};
  if (auto dir = config["tls"]["revocation_dir"].value<std::string>()) {
    files.revocation_dir = (config_file.parent_path() / *dir).lexically_normal();
  }
  return files;
}

absl::StatusOr<HubEndpoint> ReadHubSection(const toml::table& config,
                                           const std::filesystem::path& config_file) {
  HubEndpoint hub;
  auto address = config["hub"]["address"].value<std::string>();
  if (!address) {
    return absl::InvalidArgumentError(
        fmt::format("{}: [hub] address is missing (host:port of the hub, e.g. \"127.0.0.1:7443\")",
                    config_file.string()));
  }
  hub.address = *address;
  hub.name = config["hub"]["name"].value_or(std::string("hub"));
  return hub;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> MutualTlsChannel(const HubEndpoint& hub,
                                                                const TlsFiles& files) {
  Pems pems;
  if (auto s = LoadPems(files, &pems); !s.ok()) return s;
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = pems.ca;
  options.pem_cert_chain = pems.certificate;
  options.pem_private_key = pems.private_key.CopyForLibrary();
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride(hub.name);
  // A restarted hub is found again within 2 s (gRPC's default waits up to 2 minutes).
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  auto channel = grpc::CreateCustomChannel(hub.address, grpc::SslCredentials(options), args);
  SafeZeroString(&options.pem_private_key);
  return channel;
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MutualTlsServerCredentials(
    const TlsFiles& files, std::set<std::string> admitted) {
  Pems pems;
  if (auto s = LoadPems(files, &pems); !s.ok()) return s;
  namespace tls = grpc::experimental;
  std::vector<tls::IdentityKeyCertPair> pairs = {
      {pems.private_key.CopyForLibrary(), pems.certificate}};
  auto provider = std::make_shared<tls::StaticDataCertificateProvider>(pems.ca, pairs);
  SafeZeroString(&pairs[0].private_key);  // gRPC holds its own copy
  tls::TlsServerCredentialsOptions options(provider);
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  if (!files.revocation_dir.empty()) {
    if (!std::filesystem::is_directory(files.revocation_dir)) {
      return absl::NotFoundError(fmt::format(
          "[tls] revocation_dir {} is not a folder (stapel-keys init writes keys/revoked/)",
          files.revocation_dir.string()));
    }
    options.set_crl_directory(files.revocation_dir.string());
  }
  if (!admitted.empty()) {
    options.set_certificate_verifier(
        tls::ExternalCertificateVerifier::Create<AdmittedNames>(std::move(admitted)));
  }
  return tls::TlsServerCredentials(options);
}

namespace {
using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

absl::StatusOr<X509Ptr> ReadCertificate(const std::filesystem::path& certificate) {
  auto pem = ReadTextFile(certificate);
  if (!pem.ok()) return pem.status();
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size())), BIO_free);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  if (!cert) {
    return absl::InvalidArgumentError(
        fmt::format("{} is not a certificate (PEM)", certificate.string()));
  }
  return cert;
}
}  // namespace

absl::StatusOr<std::string> CertificateIdentity(const std::filesystem::path& certificate) {
  auto cert = ReadCertificate(certificate);
  if (!cert.ok()) return cert.status();
  char name[256] = {};
  if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert->get()), NID_commonName, name,
                                sizeof(name)) <= 0) {
    return absl::InvalidArgumentError(
        fmt::format("{} has no common name", certificate.string()));
  }
  return std::string(name);
}

absl::StatusOr<int64_t> CertificateExpiry(const std::filesystem::path& certificate) {
  auto cert = ReadCertificate(certificate);
  if (!cert.ok()) return cert.status();
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert->get()), &tm) != 1) {
    return absl::InvalidArgumentError(
        fmt::format("{} has no readable expiry", certificate.string()));
  }
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace stapel
