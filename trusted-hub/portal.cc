#include "trusted-hub/portal.h"

#include <fmt/format.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <optional>
#include <regex>
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

constexpr const char* kSecurityPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

HttpResponse Send(int status, std::string body, const char* type = "text/html; charset=utf-8") {
  return {.status = status,
          .body = std::move(body),
          .content_type = type,
          .headers = {{"Content-Security-Policy", kSecurityPolicy},
                      {"X-Content-Type-Options", "nosniff"},
                      {"Cache-Control", "no-store"}}};
}

HttpResponse Redirect(const std::string& to, int status) {
  HttpResponse res = Send(status, "");
  res.headers.emplace_back("Location", to);
  return res;
}

std::string Token(const SecretBytes& key, const std::string& identity) {
  return HexEncode(
      HmacSha256(key.span(), {reinterpret_cast<const uint8_t*>(identity.data()), identity.size()}));
}

// Whether the posted form carries `expected` as its token (compared in constant time).
bool TokenMatches(const std::multimap<std::string, std::string>& form,
                  const std::string& expected) {
  const auto token = form.find("token");
  return token != form.end() && token->second.size() == expected.size() &&
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

// The release entry `seq` (as the address names it) made for `id`, with the releases of the
// other periods of its trend before it (oldest first), or none when there is no such release.
std::vector<nlohmann::json> ReleaseOf(const ReleaseLogWriter& log, const std::string& id,
                                      const std::string& seq) {
  std::vector<nlohmann::json> mine = ReleasesOf(log, id);
  for (size_t i = 0; i < mine.size(); ++i) {
    if (std::to_string(mine[i].value("seq", uint64_t{0})) != seq) continue;
    std::vector<nlohmann::json> out = {mine[i]};
    // The last release of a trend: its other periods were released just before it, in order.
    const nlohmann::json trend = mine[i]["request"].value("trend_periods", nlohmann::json());
    if (trend.is_array() && !trend.empty() && trend.back() == mine[i].value("period", "")) {
      for (size_t back = 1; back < trend.size() && back <= i; ++back) {
        const nlohmann::json& e = mine[i - back];
        if (e["request"].value("trend_periods", nlohmann::json()) != trend ||
            e.value("period", "") != trend[trend.size() - 1 - back]) {
          break;
        }
        out.insert(out.begin(), e);
      }
    }
    return out;
  }
  return {};
}

// A release entry as the requester's home page lists it.
ReleaseRow RowOf(const nlohmann::json& entry) {
  const nlohmann::json& request = entry["request"];
  const nlohmann::json protection = entry.value("protection", nlohmann::json::object());
  return {.seq = entry.value("seq", uint64_t{0}),
          .time = entry.value("time", ""),
          .purpose = request.value("purpose", ""),
          .population = request.value("population", ""),
          .level = request.contains("within")
                       ? request.value("level", "") + " in " + request.value("within", "")
                       : request.value("level", ""),
          .period = entry.value("period", ""),
          .suppressed_primary = protection.value("suppressed_primary", 0),
          .suppressed_secondary = protection.value("suppressed_secondary", 0),
          .held_back = protection.value("held_back", 0)};
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
  auto server = HttpsServer::Create(portal->options_.tls, portal->options_.limits,
                                    [p = portal.get()](const HttpRequest& req) {
                                      return p->Handle(req);
                                    });
  if (!server.ok()) return server.status();
  portal->server_ = *std::move(server);
  return portal;
}

absl::StatusOr<int> Portal::Start(const std::string& listen) { return server_->Start(listen); }

void Portal::Stop() {
  if (server_) server_->Stop();
}

HttpResponse Portal::Handle(const HttpRequest& req) const {
  const std::string& id = req.identity;
  const bool officer = manifest_->IsPrivacyOfficer(id);
  if (!manifest_->IsRequester(id) && !officer) {
    return Send(403, NotAParticipantPage(id, manifest_->project_id));
  }
  static const std::regex kRelease(R"(/releases/(\d+)(\.csv|\.json)?)");
  std::smatch release;
  if (req.method == "GET" && req.path == "/") return ServeHome(id, officer);
  if (req.method == "POST" && req.path == "/compose") return ServeCompose(id, req.body);
  if (req.method == "GET" && std::regex_match(req.path, release, kRelease)) {
    return ServeRelease(id, release[1].str(), release[2].str());
  }
  if (req.method == "GET" && req.path == "/log") return ServeLog(id, officer);
  return Send(404, ErrorPage("There is no such page on the portal: it has /, /compose, "
                             "/releases/<number> and /log."));
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
                                     .periods = manifest_->periods,
                                     .token = Token(token_key_, id),
                                     .message_html = message_html}});
}

HttpResponse Portal::ServeHome(const std::string& id, bool officer) const {
  if (officer) return Redirect("/log", 302);
  return Send(200, RequesterHomeHtml(id, ""));
}

HttpResponse Portal::ServeCompose(const std::string& id, const std::string& body) const {
  const std::multimap<std::string, std::string> form = ParseForm(body);
  if (!TokenMatches(form, Token(token_key_, id))) return Send(403, ForeignFormPage());
  auto request = ComposedRequest(form);
  absl::StatusOr<v1::ReleaseReply> reply =
      request.ok() ? releaser_->Release(id, TableRequestToProto(*request)) : request.status();
  if (!reply.ok()) {
    const std::string reason(reply.status().message());
    spdlog::warn("portal: request from '{}' refused: {}", id, reason);
    return Send(absl::IsPermissionDenied(reply.status()) ? 403 : 422,
                RequesterHomeHtml(id, RefusalMessage(reason)));
  }
  spdlog::info("portal: release {} to '{}'", reply->sequence(), id);
  return Redirect(fmt::format("/releases/{}", reply->sequence()), 303);
}

HttpResponse Portal::ServeRelease(const std::string& id, const std::string& seq,
                                  const std::string& kind) const {
  const std::vector<nlohmann::json> entries = ReleaseOf(*log_, id, seq);
  if (entries.empty()) return Send(404, NoSuchReleasePage());
  const nlohmann::json file = ReleaseFile(entries.back());
  if (kind == ".json") return Send(200, file.dump(2), "application/json");
  // The map shows every period of a trend, with the change from the first to the last.
  std::vector<MapRelease> releases;
  for (const nlohmann::json& entry : entries) {
    const std::string period = entry.value("period", "");
    auto release = MapRelease::FromReleaseFile(
        ReleaseFile(entry),
        period.empty() ? fmt::format("release {}", entry.value("seq", uint64_t{0})) : period,
        "the log");
    if (!release.ok()) return Send(500, ErrorPage(std::string(release.status().message())));
    releases.push_back(*std::move(release));
  }
  if (kind == ".csv") return Send(200, releases.back().table.ToCsv(), "text/csv; charset=utf-8");
  return Send(200, ReleaseMapPage(seq, releases, options_.boundaries));
}

// The log, verified and audited afresh at every visit: officers only.
HttpResponse Portal::ServeLog(const std::string& id, bool officer) const {
  if (!officer) return Send(403, LogForOfficersOnlyPage());
  return Send(200, ReleaseLogPage({.project_id = manifest_->project_id,
                                   .identity = id,
                                   .audit = AuditReleaseLog(options_.log_path, hub_key_)}));
}

}  // namespace stapel
