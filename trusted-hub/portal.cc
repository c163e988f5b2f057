#include "trusted-hub/portal.h"

#include <fmt/format.h>
#include <httplib.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "keys/key_file.h"
#include "proto/table_request.h"
#include "report/html_escape.h"
#include "report/stacking_map.h"

namespace stapel {
namespace {

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

std::string Page(const std::string& title, const std::string& body) {
  return fmt::format(R"html(<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{0}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1000px; margin: 0 auto; padding: 1rem; color: #222; }}
table {{ border-collapse: collapse; margin: .5rem 0 1.5rem; }}
th, td {{ border: 1px solid #ccc; padding: .2rem .5rem; text-align: left; vertical-align: top; }}
fieldset {{ margin: .5rem 0; border: 1px solid #ccc; }}
label {{ display: block; margin: .3rem 0; }}
.refused {{ border-left: 4px solid #bd0026; padding: .5rem 1rem; background: #fff3f3; }}
.ok {{ border-left: 4px solid #1a7f37; padding: .5rem 1rem; background: #f3fff5; }}
ol.log li {{ margin: .3rem 0; font-family: ui-monospace, monospace; font-size: .85rem; }}
</style></head>
<body><main>
<h1>{0}</h1>
{1}
</main></body></html>
)html",
                     HtmlEscape(title), body);
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

std::string Token(const unsigned char* key, const std::string& identity) {
  unsigned char mac[crypto_auth_BYTES];
  crypto_auth(mac, reinterpret_cast<const unsigned char*>(identity.data()), identity.size(), key);
  return HexEncode(std::span<const uint8_t>(mac, sizeof(mac)));
}

std::string FormValue(const std::multimap<std::string, std::string>& form, const std::string& key) {
  const auto it = form.find(key);
  return it == form.end() ? "" : it->second;
}

std::string MeasureName(std::string_view combine, const std::vector<std::string>& chosen, int n) {
  std::string joined;
  for (const auto& c : chosen) joined += (joined.empty() ? "" : "_") + c;
  if (combine == "and") return "all_of_" + joined;
  if (combine == "or") return "any_of_" + joined;
  return fmt::format("atleast_{}_of_{}", n, joined);
}

}  // namespace

absl::StatusOr<TableRequest> ComposedRequest(const std::multimap<std::string, std::string>& form) {
  TableRequest request;
  request.purpose = FormValue(form, "purpose");
  request.population = FormValue(form, "population");
  request.level = FormValue(form, "level").empty() ? "buurt" : FormValue(form, "level");
  if (request.purpose.empty()) {
    return absl::InvalidArgumentError("say what the table is for (purpose); it goes into the log");
  }
  std::vector<std::string> chosen;
  for (auto [it, end] = form.equal_range("indicator"); it != end; ++it)
    chosen.push_back(it->second);
  const std::string combine =
      FormValue(form, "combine").empty() ? "each" : FormValue(form, "combine");
  if (combine == "each") {
    for (const auto& c : chosen) request.measures.push_back({c, c});
  } else if (!chosen.empty()) {
    if (combine != "and" && combine != "or" && combine != "atleast") {
      return absl::InvalidArgumentError("combine must be each, and, or or atleast");
    }
    int n = 2;
    if (combine == "atleast") {
      const std::string text = FormValue(form, "n");
      if (text.empty() || text.size() > 2 ||
          text.find_first_not_of("0123456789") != std::string::npos || (n = std::stoi(text)) < 1 ||
          n > static_cast<int>(chosen.size())) {
        return absl::InvalidArgumentError(fmt::format(
            "\"at least n\" needs n from 1 to the {} indicators chosen", chosen.size()));
      }
    }
    std::string expression;
    for (const auto& c : chosen) {
      expression += expression.empty() ? c
                                       : (combine == "and"  ? " AND "
                                          : combine == "or" ? " OR "
                                                            : ", ") +
                                             c;
    }
    if (combine == "atleast") expression = fmt::format("atleast({}, {})", n, expression);
    request.measures.push_back({MeasureName(combine, chosen, n), expression});
  }
  int line_number = 0;
  std::istringstream lines(FormValue(form, "measures"));
  for (std::string text; std::getline(lines, text);) {
    ++line_number;
    std::string_view line = text;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    if (line.empty()) continue;
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return absl::InvalidArgumentError(
          fmt::format("measure line {} (\"{}\") needs the form name = expression, e.g. "
                      "young_debts = youth_care AND debts",
                      line_number, line));
    }
    std::string name(line.substr(0, eq)), expression(line.substr(eq + 1));
    while (!name.empty() && name.back() == ' ') name.pop_back();
    while (!expression.empty() && expression.front() == ' ') expression.erase(0, 1);
    request.measures.push_back({name, expression});
  }
  if (!request.measures.empty() && request.population.empty()) request.population = "residents";
  return request;
}

Portal::Portal(const Manifest* manifest, Releaser* releaser, ReleaseLogWriter* log,
               Ed25519Verifier hub_key, Options options)
    : manifest_(manifest),
      releaser_(releaser),
      log_(log),
      hub_key_(std::move(hub_key)),
      options_(std::move(options)) {
  randombytes_buf(token_key_, sizeof(token_key_));
}

Portal::~Portal() {
  Stop();
  sodium_memzero(token_key_, sizeof(token_key_));
}

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
  portal->server_->set_payload_max_length(64 * 1024);
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
  // Who is asking: the certificate's identity and its role in the manifest.
  auto who = [this](const httplib::Request& req, httplib::Response& res,
                    bool* officer) -> std::string {
    const std::string id = ClientIdentity(req);
    *officer = manifest_->IsPrivacyOfficer(id);
    if (!manifest_->IsRequester(id) && !*officer) {
      Send(res, 403,
           Page("Not allowed",
                fmt::format("<p class=\"refused\">The certificate '{}' is not a requester or "
                            "privacy officer of project '{}'. Ask the project's privacy officer "
                            "to add it to the manifest.</p>",
                            HtmlEscape(id), HtmlEscape(manifest_->project_id))));
      return "";
    }
    return id;
  };
  auto releases_of = [this](const std::string& id) {
    std::vector<nlohmann::json> out;
    for (auto& e : log_->EntriesOfType(kEntryRelease)) {
      if (e.value("requester", "") == id) out.push_back(std::move(e));
    }
    return out;
  };
  auto release_of = [releases_of](const std::string& id,
                                  const std::string& seq) -> std::optional<nlohmann::json> {
    for (auto& e : releases_of(id)) {
      if (std::to_string(e.value("seq", uint64_t{0})) == seq) return e;
    }
    return std::nullopt;
  };

  auto compose_form = [this](const std::string& id, const std::string& message) {
    std::string populations =
        "<option value=\"\">stacking table: residents, every indicator, "
        "2+ and 3+ indicators, households</option>";
    for (const auto& p : manifest_->populations) {
      populations += fmt::format(
          "<option value=\"{0}\">{0} ({1}: {2})</option>", HtmlEscape(p.name),
          p.unit == CountUnit::kPersons ? "persons" : "households", HtmlEscape(p.filter));
    }
    std::string indicators;
    for (const auto& a : manifest_->Indicators()) {
      indicators += fmt::format(
          "<label><input type=\"checkbox\" name=\"indicator\" value=\"{0}\"> {0}</label>",
          HtmlEscape(a));
    }
    return fmt::format(
        R"html(<h2 id="compose">Compose a table</h2>{message}
<form method="post" action="/compose">
<input type="hidden" name="token" value="{token}">
<label>Purpose (kept in the release log) <input name="purpose" required size="50"></label>
<label>Population <select name="population">{populations}</select></label>
<label>Level <select name="level"><option>buurt</option><option>wijk</option><option>gemeente</option></select>
 (coarser totals always come along)</label>
<fieldset><legend>Indicators</legend>{indicators}</fieldset>
<fieldset><legend>Count the chosen indicators</legend>
<label><input type="radio" name="combine" value="each" checked> each on its own</label>
<label><input type="radio" name="combine" value="and"> all of them together (AND)</label>
<label><input type="radio" name="combine" value="or"> any of them (OR)</label>
<label><input type="radio" name="combine" value="atleast"> at least <input name="n" size="2" value="2" aria-label="n"> of them</label>
</fieldset>
<label>More measures, one per line as name = expression (AND, OR, NOT, parentheses, atleast(n, a, b, …)):<br>
<textarea name="measures" rows="3" cols="60" placeholder="young_debts = youth_care AND debts"></textarea></label>
<p><button type="submit">Request the table</button> It passes the same disclosure control and release log as every other request.</p>
</form>)html",
        fmt::arg("message", message), fmt::arg("token", Token(token_key_, id)),
        fmt::arg("populations", populations), fmt::arg("indicators", indicators));
  };

  auto requester_home = [this, releases_of, compose_form](const std::string& id,
                                                          const std::string& message) {
    std::string rows;
    for (const auto& e : releases_of(id)) {
      const auto seq = e.value("seq", uint64_t{0});
      const nlohmann::json& request = e["request"];
      const nlohmann::json protection = e.value("protection", nlohmann::json::object());
      rows += fmt::format(
          "<tr><td>{0}</td><td>{1}</td><td>{2}</td><td>{3}, per {4}</td><td>{5} primary, {6} "
          "complementary</td><td><a href=\"/releases/{0}\">map and table</a> · <a "
          "href=\"/releases/{0}.csv\">CSV</a> · <a href=\"/releases/{0}.json\">JSON</a></td></tr>",
          seq, HtmlEscape(e.value("time", "")), HtmlEscape(request.value("purpose", "")),
          HtmlEscape(request.value("population", "")), HtmlEscape(request.value("level", "")),
          protection.value("suppressed_primary", 0), protection.value("suppressed_secondary", 0));
    }
    return Page(
        fmt::format("Stapel portal — {}", manifest_->project_id),
        fmt::format("<p>Signed in as <strong>{}</strong> (requester), by your certificate of the "
                    "project CA.</p><h2>Your releases</h2>{}{}",
                    HtmlEscape(id),
                    rows.empty() ? "<p>None yet.</p>"
                                 : "<table><thead><tr><th>release</th><th>time</th><th>purpose"
                                   "</th><th>table</th><th>suppressed cells</th><th>get</th>"
                                   "</tr></thead><tbody>" +
                                       rows + "</tbody></table>",
                    compose_form(id, message)));
  };

  server_->Get("/",
               [this, who, requester_home](const httplib::Request& req, httplib::Response& res) {
                 bool officer = false;
                 const std::string id = who(req, res, &officer);
                 if (id.empty()) return;
                 if (officer) {
                   res.set_redirect("/log");
                   return;
                 }
                 Send(res, 200, requester_home(id, ""));
               });

  server_->Post(
      "/compose", [this, who, requester_home](const httplib::Request& req, httplib::Response& res) {
        bool officer = false;
        const std::string id = who(req, res, &officer);
        if (id.empty()) return;
        const auto token = req.params.find("token");
        const std::string expected = Token(token_key_, id);
        if (token == req.params.end() || token->second.size() != expected.size() ||
            sodium_memcmp(token->second.data(), expected.data(), expected.size()) != 0) {
          Send(res, 403,
               Page("Not allowed",
                    "<p class=\"refused\">The form is not from this portal "
                    "(its token does not match); open the portal and "
                    "compose the table there.</p>"));
          return;
        }
        auto request = ComposedRequest(req.params);
        absl::StatusOr<v1::ReleaseReply> reply =
            request.ok() ? releaser_->Release(id, TableRequestToProto(*request)) : request.status();
        if (!reply.ok()) {
          spdlog::warn("portal: request from '{}' refused: {}", id,
                       std::string(reply.status().message()));
          Send(res, absl::IsPermissionDenied(reply.status()) ? 403 : 422,
               requester_home(id, fmt::format("<p class=\"refused\" role=\"alert\">The hub refused "
                                              "this table: {}</p>",
                                              HtmlEscape(std::string(reply.status().message())))));
          return;
        }
        spdlog::info("portal: release {} to '{}'", reply->sequence(), id);
        res.set_redirect(fmt::format("/releases/{}", reply->sequence()), 303);
      });

  server_->Get(R"(/releases/(\d+)(\.csv|\.json)?)", [this, who, release_of](
                                                        const httplib::Request& req,
                                                        httplib::Response& res) {
    bool officer = false;
    const std::string id = who(req, res, &officer);
    if (id.empty()) return;
    const auto entry = release_of(id, req.matches[1]);
    if (!entry) {
      Send(res, 404, Page("Not found", "<p>You have no release with that number.</p>"));
      return;
    }
    const nlohmann::json file = ReleaseFile(*entry);
    const std::string kind = req.matches[2];
    if (kind == ".json") return Send(res, 200, file.dump(2), "application/json");
    auto release = MapRelease::FromReleaseFile(
        file, fmt::format("release {}", req.matches[1].str()), "the log");
    if (!release.ok()) {
      return Send(res, 500, Page("Error", HtmlEscape(std::string(release.status().message()))));
    }
    if (kind == ".csv") return Send(res, 200, release->table.ToCsv(), "text/csv; charset=utf-8");
    Send(res, 200,
         RenderStackingMap({*release}, options_.boundaries,
                           fmt::format("Release {}: {}", req.matches[1].str(), release->purpose)));
  });

  server_->Get("/log", [this, who](const httplib::Request& req, httplib::Response& res) {
    bool officer = false;
    const std::string id = who(req, res, &officer);
    if (id.empty()) return;
    if (!officer) {
      Send(res, 403,
           Page("Not allowed",
                "<p class=\"refused\">Only privacy officers of the "
                "manifest see the release log.</p>"));
      return;
    }
    auto verified = VerifyReleaseLog(options_.log_path, hub_key_);
    std::string result, entries;
    if (!verified.ok()) {
      result = fmt::format("<p class=\"refused\" role=\"alert\">The log does NOT verify: {}</p>",
                           HtmlEscape(std::string(verified.status().message())));
    } else {
      size_t audited = 0;
      const absl::Status audit = AuditLoggedReleases(verified->lines, &audited);
      result = fmt::format(
          "<p class=\"{}\">{} entries verified: signatures, hash chain and {} signed tree heads "
          "(latest root {}). {}</p>",
          audit.ok() ? "ok" : "refused", verified->entries, verified->tree_heads,
          verified->latest_head ? HexEncode(verified->latest_head->root) : "none",
          audit.ok() ? fmt::format("LP audit: every suppressed cell of the {} releases is "
                                   "protected, also against the other releases of the same data.",
                                   audited)
                     : "LP audit FAILED: " + HtmlEscape(std::string(audit.message())));
      for (const auto& line : verified->lines) {
        entries += "<li>" + HtmlEscape(DescribeLogEntry(nlohmann::json::parse(line))) + "</li>";
      }
    }
    Send(res, 200,
         Page(fmt::format("Release log of {}", manifest_->project_id),
              fmt::format("<p>Signed in as <strong>{}</strong> (privacy officer).</p><h2>Audit"
                          "</h2>{}<h2>Entries</h2><ol class=\"log\">{}</ol>",
                          HtmlEscape(id), result, entries)));
  });
}

}  // namespace stapel
