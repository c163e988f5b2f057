#include "trusted-hub/portal_pages.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "audit/entry_text.h"
#include "encoding/hex.h"
#include "report/html_escape.h"

namespace stapel {
namespace {

std::string ComposeFormHtml(const ComposeForm& form) {
  std::string populations =
      "<option value=\"\">stacking table: residents, every indicator, "
      "2+ and 3+ indicators, households</option>";
  for (const auto& p : form.populations) {
    populations +=
        fmt::format("<option value=\"{0}\">{0} ({1}: {2})</option>", HtmlEscape(p.name),
                    p.unit == CountUnit::kPersons ? "persons" : "households", HtmlEscape(p.filter));
  }
  std::string periods;
  for (const auto& p : form.periods) {
    periods += fmt::format(
        "<label><input type=\"checkbox\" name=\"period\" value=\"{0}\"> {0}</label>", HtmlEscape(p));
  }
  if (!periods.empty()) {
    periods = "<fieldset><legend>Periods (none: the latest with data; two or more: a trend, "
              "each period released on its own, with the change)</legend>" +
              periods + "</fieldset>";
  }
  std::string indicators;
  for (const auto& a : form.indicators) {
    indicators +=
        fmt::format("<label><input type=\"checkbox\" name=\"indicator\" value=\"{0}\"> {0}</label>",
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
<label>Only the gemeente <input name="within" size="8" placeholder="GM0363" pattern="[Gg][Mm][0-9]{{4}}"> (empty: every gemeente)</label>
{periods}<fieldset><legend>Indicators</legend>{indicators}</fieldset>
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
      fmt::arg("message", form.message_html), fmt::arg("token", form.token),
      fmt::arg("populations", populations), fmt::arg("periods", periods),
      fmt::arg("indicators", indicators));
}

std::string ReleaseRows(const std::vector<ReleaseRow>& releases) {
  std::string rows;
  for (const auto& r : releases) {
    rows += fmt::format(
        "<tr><td>{0}</td><td>{1}</td><td>{2}</td><td>{3}, per {4}</td><td>{5} primary, {6} "
        "complementary{7}</td><td><a href=\"/releases/{0}\">map and table</a> · <a "
        "href=\"/releases/{0}.csv\">CSV</a> · <a href=\"/releases/{0}.json\">JSON</a></td></tr>",
        r.seq, HtmlEscape(r.time), HtmlEscape(r.purpose),
        HtmlEscape(r.period.empty() ? r.population : r.population + " " + r.period),
        HtmlEscape(r.level), r.suppressed_primary, r.suppressed_secondary,
        r.held_back == 0 ? ""
                         : fmt::format(", {} held back: their areas' data changed since earlier "
                                       "releases of the period",
                                       r.held_back));
  }
  return rows;
}

// The audit's verdict: what was verified, the LP audit and the key epochs.
std::string AuditResult(const absl::StatusOr<OfficerAudit>& audit) {
  if (!audit.ok()) {
    return fmt::format("<p class=\"refused\" role=\"alert\">The log does NOT verify: {}</p>",
                       HtmlEscape(std::string(audit.status().message())));
  }
  const LogVerification& verified = audit->log;
  const std::string lp =
      audit->lp_audit.ok()
          ? fmt::format(
                "LP audit: every suppressed cell of the {} releases is "
                "protected, also against the other releases of the same data.",
                audit->releases_audited)
          : "LP audit FAILED: " + HtmlEscape(std::string(audit->lp_audit.message()));
  const std::string epochs =
      audit->key_epochs.ok()
          ? fmt::format(
                " Key epochs: each of the {} was made and signed by the manifest's "
                "linkage_secret_creator.",
                audit->key_epochs_checked)
          : " Key epochs FAILED: " + HtmlEscape(std::string(audit->key_epochs.message()));
  return fmt::format(
      "<p class=\"{}\">{} entries verified: signatures, hash chain and {} signed tree heads "
      "(latest root {}). {}{}</p>",
      audit->ok() ? "ok" : "refused", verified.entries, verified.tree_heads,
      verified.latest_head ? HexEncode(verified.latest_head->root) : "none", lp, epochs);
}

// The verified log's entries in words, as list items; none when it did not verify.
std::string LogEntries(const absl::StatusOr<OfficerAudit>& audit) {
  std::string entries;
  if (!audit.ok()) return entries;
  for (const auto& line : audit->log.lines) {
    entries += "<li>" + HtmlEscape(DescribeLogEntry(nlohmann::json::parse(line, nullptr, false))) +
               "</li>";
  }
  return entries;
}

}  // namespace

std::string PortalPage(const std::string& title, const std::string& body_html) {
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
                     HtmlEscape(title), body_html);
}

std::string RequesterHomePage(const RequesterHome& home) {
  const std::string rows = ReleaseRows(home.releases);
  return PortalPage(
      fmt::format("Stapel portal — {}", home.project_id),
      fmt::format("<p>Signed in as <strong>{}</strong> (requester), by your certificate of the "
                  "project CA.</p><h2>Your releases</h2>{}{}",
                  HtmlEscape(home.identity),
                  rows.empty() ? "<p>None yet.</p>"
                               : "<table><thead><tr><th>release</th><th>time</th><th>purpose"
                                 "</th><th>table</th><th>suppressed cells</th><th>get</th>"
                                 "</tr></thead><tbody>" +
                                     rows + "</tbody></table>",
                  ComposeFormHtml(home.form)));
}

std::string RefusalMessage(const std::string& reason) {
  return fmt::format("<p class=\"refused\" role=\"alert\">The hub refused this table: {}</p>",
                     HtmlEscape(reason));
}

std::string ReleaseLogPage(const ReleaseLogView& view) {
  return PortalPage(
      fmt::format("Release log of {}", view.project_id),
      fmt::format("<p>Signed in as <strong>{}</strong> (privacy officer).</p><h2>Audit"
                  "</h2>{}<h2>Entries</h2><ol class=\"log\">{}</ol>",
                  HtmlEscape(view.identity), AuditResult(view.audit), LogEntries(view.audit)));
}

std::string ReleaseMapPage(const std::string& seq, const std::vector<MapRelease>& releases,
                           const AreaBoundaries& boundaries) {
  return RenderStackingMap(releases, boundaries,
                           fmt::format("Release {}: {}", seq, releases.back().purpose));
}

std::string NotAParticipantPage(const std::string& identity, const std::string& project_id) {
  return PortalPage("Not allowed",
                    fmt::format("<p class=\"refused\">The certificate '{}' is not a requester or "
                                "privacy officer of project '{}'. Ask the project's privacy "
                                "officer to add it to the manifest.</p>",
                                HtmlEscape(identity), HtmlEscape(project_id)));
}

std::string ForeignFormPage() {
  return PortalPage("Not allowed",
                    "<p class=\"refused\">The form is not from this portal "
                    "(its token does not match); open the portal and "
                    "compose the table there.</p>");
}

std::string LogForOfficersOnlyPage() {
  return PortalPage("Not allowed",
                    "<p class=\"refused\">Only privacy officers of the "
                    "manifest see the release log.</p>");
}

std::string NoSuchReleasePage() {
  return PortalPage("Not found", "<p>You have no release with that number.</p>");
}

std::string ErrorPage(const std::string& message) {
  return PortalPage("Error", HtmlEscape(message));
}

}  // namespace stapel
