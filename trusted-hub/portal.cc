#include "trusted-hub/portal.h"

#include <fmt/format.h>
#include <httplib.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <optional>
#include <vector>

#include "audit/officer_audit.h"
#include "encoding/hex.h"
#include "encoding/hmac_sha256.h"
#include "ledger/log_entry.h"
#include "ledger/log_format.h"
#include "proto/table_request.h"
#include "report/stacking_map.h"
#include "trusted-hub/portal_pages.h"

namespace stapel {
namespace {

using httplib::Request;
using httplib::Response;

constexpr const char* kSecurityPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

void Send(httplib::Response& res, int status, const std::string& body,
          const char* type = "text/html; charset=utf-8") {
  res.status = status;
  res.set_header("Content-Security-Policy", kSecurityPolicy);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Cache-Control", "no-store");
  res.set_content(body, type);
}

// The common name of the client certificate the TLS handshake verified.
std::string ClientIdentity(const httplib::Request& req) {
  if (req.ssl == nullptr) return "";
  X509* cert = SSL_get1_peer_certificate(req.ssl);
  if (cert == nullptr) return "";
  char name[256] = {0};
  const int n =
      X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, name, sizeof(name));
  X509_free(cert);
  return n > 0 ? std::string(name, n) : "";
}

std::string Token(const SecretBytes& key, const std::string& identity) {
  return HexEncode(
      HmacSha256(key.span(), {reinterpret_cast<const uint8_t*>(identity.data()), identity.size()}));
}

// Whether the posted form carries `expected` as its token (compared in constant time).
bool TokenMatches(const Request& req, const std::string& expected) {
  const auto token = req.params.find("token");
  return token != req.params.end() && token->second.size() == expected.size() &&
         sodium_memcmp(token->second.data(), expected.data(), expected.size()) == 0;
}

// The release entries of the log made for `id`, oldest first.
std::vector<nlohmann::json> ReleasesOf(const ReleaseLogWriter& log, const std::string& id) {
  std::vector<nlohmann::json> out;
  for (auto& e : log.EntriesOfType(kEntryRelease)) {
    if (e.value("requester", "") == id) out.push_back(std::move(e));
  }
  return out;
}

// The release entry `seq` (as the address names it) made for `id`, if there is one.
std::optional<nlohmann::json> ReleaseOf(const ReleaseLogWriter& log, const std::string& id,
                                        const std::string& seq) {
  for (auto& e : ReleasesOf(log, id)) {
    if (std::to_string(e.value("seq", uint64_t{0})) == seq) return e;
  }
  return std::nullopt;
}

// A release entry as the requester's home page lists it.
ReleaseRow RowOf(const nlohmann::json& entry) {
  const nlohmann::json& request = entry["request"];
  const nlohmann::json protection = entry.value("protection", nlohmann::json::object());
  return {.seq = entry.value("seq", uint64_t{0}),
          .time = entry.value("time", ""),
          .purpose = request.value("purpose", ""),
          .population = request.value("population", ""),
          .level = request.value("level", ""),
          .suppressed_primary = protection.value("suppressed_primary", 0),
          .suppressed_secondary = protection.value("suppressed_secondary", 0)};
}

}  // namespace

Portal::Portal(const Manifest* manifest, Releaser* releaser, ReleaseLogWriter* log,
               Ed25519Verifier hub_key, Options options)
    : manifest_(manifest),
      releaser_(releaser),
      log_(log),
      hub_key_(std::move(hub_key)),
      options_(std::move(options)),
      token_key_(SecretBytes::Random(32)) {}

Portal::~Portal() { Stop(); }

absl::StatusOr<std::unique_ptr<Portal>> Portal::Create(const Manifest* manifest, Releaser* releaser,
                                                       ReleaseLogWriter* log,
                                                       Ed25519Verifier hub_key, Options options) {
  std::unique_ptr<Portal> portal(
      new Portal(manifest, releaser, log, std::move(hub_key), std::move(options)));
  const TlsFiles& tls = portal->options_.tls;
  portal->server_ = std::make_unique<httplib::SSLServer>(tls.certificate.c_str(),
                                                         tls.private_key.c_str(), tls.ca.c_str());
  if (!portal->server_->is_valid()) {
    return absl::InvalidArgumentError(fmt::format(
        "portal: cannot use the TLS files {}, {} and {} (readable PEM files of the project CA?)",
        tls.certificate.string(), tls.private_key.string(), tls.ca.string()));
  }
  if (!tls.revocation_dir.empty()) {
    // The CA's revocation list (<hash>.r0 in the folder), checked at every handshake.
    X509_STORE* store = SSL_CTX_get_cert_store(portal->server_->ssl_context());
    X509_LOOKUP* lookup = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir());
    if (lookup == nullptr ||
        X509_LOOKUP_add_dir(lookup, tls.revocation_dir.c_str(), X509_FILETYPE_PEM) != 1) {
      return absl::InvalidArgumentError(fmt::format("portal: cannot read the revocation list in {}",
                                                    tls.revocation_dir.string()));
    }
    X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
  }
  portal->server_->set_payload_max_length(kMaxBodyBytes);
  portal->server_->set_read_timeout(std::chrono::seconds(10));
  portal->server_->set_write_timeout(std::chrono::seconds(30));
  portal->Routes();
  return portal;
}

absl::StatusOr<int> Portal::Start(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    const std::string host = listen.substr(0, colon);
    const int wanted = std::atoi(listen.c_str() + colon + 1);
    port = wanted == 0 ? server_->bind_to_any_port(host)
                       : (server_->bind_to_port(host, wanted) ? wanted : -1);
  }
  if (port <= 0) {
    return absl::UnavailableError(fmt::format(
        "portal: cannot listen on {} (host:port; address in use, or not of this machine?)",
        listen));
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return port;
}

void Portal::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

void Portal::Routes() {
  server_->Get("/", [this](const Request& req, Response& res) { ServeHome(req, res); });
  // The form is read here, not by httplib, whose compiled-in limit for url-encoded forms is
  // 8 KiB: the portal's limit is its body limit, kMaxBodyBytes (larger bodies get 413 before
  // they are read).
  server_->Post("/compose",
                [this](const Request& req, Response& res, const httplib::ContentReader& read) {
                  std::string body;
                  const bool whole = read([&](const char* data, size_t length) {
                    body.append(data, length);
                    return body.size() <= kMaxBodyBytes;
                  });
                  // Over the limit, httplib reads nothing (set_payload_max_length) or the reader
                  // stops.
                  if (!whole || body.size() > kMaxBodyBytes) {
                    res.status = 413;
                    return;
                  }
                  Request form = req;
                  httplib::detail::parse_query_text(body, form.params);
                  ServeCompose(form, res);
                });
  server_->Get(R"(/releases/(\d+)(\.csv|\.json)?)",
               [this](const Request& req, Response& res) { ServeRelease(req, res); });
  server_->Get("/log", [this](const Request& req, Response& res) { ServeLog(req, res); });
}

std::string Portal::Identify(const Request& req, Response& res, bool* officer) const {
  const std::string id = ClientIdentity(req);
  *officer = manifest_->IsPrivacyOfficer(id);
  if (!manifest_->IsRequester(id) && !*officer) {
    Send(res, 403, NotAParticipantPage(id, manifest_->project_id));
    return "";
  }
  return id;
}

std::string Portal::RequesterHomeHtml(const std::string& id,
                                      const std::string& message_html) const {
  std::vector<ReleaseRow> rows;
  for (const auto& e : ReleasesOf(*log_, id)) rows.push_back(RowOf(e));
  return RequesterHomePage({.project_id = manifest_->project_id,
                            .identity = id,
                            .releases = std::move(rows),
                            .form = {.populations = manifest_->populations,
                                     .indicators = manifest_->Indicators(),
                                     .token = Token(token_key_, id),
                                     .message_html = message_html}});
}

void Portal::ServeHome(const Request& req, Response& res) const {
  bool officer = false;
  const std::string id = Identify(req, res, &officer);
  if (id.empty()) return;
  if (officer) {
    res.set_redirect("/log");
    return;
  }
  Send(res, 200, RequesterHomeHtml(id, ""));
}

void Portal::ServeCompose(const Request& req, Response& res) const {
  bool officer = false;
  const std::string id = Identify(req, res, &officer);
  if (id.empty()) return;
  if (!TokenMatches(req, Token(token_key_, id))) {
    Send(res, 403, ForeignFormPage());
    return;
  }
  auto request = ComposedRequest(req.params);
  absl::StatusOr<v1::ReleaseReply> reply =
      request.ok() ? releaser_->Release(id, TableRequestToProto(*request)) : request.status();
  if (!reply.ok()) {
    const std::string reason(reply.status().message());
    spdlog::warn("portal: request from '{}' refused: {}", id, reason);
    Send(res, absl::IsPermissionDenied(reply.status()) ? 403 : 422,
         RequesterHomeHtml(id, RefusalMessage(reason)));
    return;
  }
  spdlog::info("portal: release {} to '{}'", reply->sequence(), id);
  res.set_redirect(fmt::format("/releases/{}", reply->sequence()), 303);
}

void Portal::ServeRelease(const Request& req, Response& res) const {
  bool officer = false;
  const std::string id = Identify(req, res, &officer);
  if (id.empty()) return;
  const std::string seq = req.matches[1].str();
  const auto entry = ReleaseOf(*log_, id, seq);
  if (!entry) return Send(res, 404, NoSuchReleasePage());
  const nlohmann::json file = ReleaseFile(*entry);
  const std::string kind = req.matches[2];
  if (kind == ".json") return Send(res, 200, file.dump(2), "application/json");
  auto release = MapRelease::FromReleaseFile(file, fmt::format("release {}", seq), "the log");
  if (!release.ok()) return Send(res, 500, ErrorPage(std::string(release.status().message())));
  if (kind == ".csv") return Send(res, 200, release->table.ToCsv(), "text/csv; charset=utf-8");
  Send(res, 200, ReleaseMapPage(seq, *release, options_.boundaries));
}

// The log, verified and audited afresh at every visit: officers only.
void Portal::ServeLog(const Request& req, Response& res) const {
  bool officer = false;
  const std::string id = Identify(req, res, &officer);
  if (id.empty()) return;
  if (!officer) return Send(res, 403, LogForOfficersOnlyPage());
  Send(res, 200,
       ReleaseLogPage({.project_id = manifest_->project_id,
                       .identity = id,
                       .audit = AuditReleaseLog(options_.log_path, hub_key_)}));
}

}  // namespace stapel
