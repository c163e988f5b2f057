#ifndef STAPEL_TRUSTED_HUB_PORTAL_PAGES_H_
#define STAPEL_TRUSTED_HUB_PORTAL_PAGES_H_

// The HTML of the portal (trusted-hub/portal.h): pure functions, each rendering one page from
// what it shows. Text from outside (identities, purposes, filters, reasons, log entries) is
// HTML-escaped here; only fields named *_html are inserted as they are. Every page is
// self-contained (nothing loaded from elsewhere), as the portal's Content-Security-Policy demands.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "audit/officer_audit.h"
#include "project/manifest.h"
#include "report/area_boundaries.h"
#include "report/stacking_map.h"

namespace stapel {

// The page around every body: the escaped title as <title> and <h1>, and the style sheet.
std::string PortalPage(const std::string& title, const std::string& body_html);

// A release the requester received, as its home page lists it.
struct ReleaseRow {
  uint64_t seq = 0;
  std::string time;
  std::string purpose;
  std::string population;
  std::string level;
  std::string period;  // empty in a project of one unnamed period
  int suppressed_primary = 0;
  int suppressed_secondary = 0;
  // Cell key method: cells of areas whose data changed since earlier releases of the period.
  int held_back = 0;
};

// The form that composes a table (posted to /compose).
struct ComposeForm {
  std::vector<Population> populations;  // offered besides the stacking table
  std::vector<std::string> indicators;
  std::vector<std::string> periods;  // the manifest's; none: no period choice
  std::string token;         // binds the form to the requester (see Portal)
  std::string message_html;  // above the form: a refusal (RefusalMessage), or empty
};

// A requester's home page: its releases with their links, then the compose form.
struct RequesterHome {
  std::string project_id;
  std::string identity;
  std::vector<ReleaseRow> releases;
  ComposeForm form;
};
std::string RequesterHomePage(const RequesterHome& home);

// Why the hub refused a composed table, for ComposeForm::message_html.
std::string RefusalMessage(const std::string& reason);

// A privacy officer's page: the result of auditing the release log, then its entries in words.
struct ReleaseLogView {
  std::string project_id;
  std::string identity;
  absl::StatusOr<OfficerAudit> audit;  // AuditReleaseLog; an error: the log does not verify
};
std::string ReleaseLogPage(const ReleaseLogView& view);

// A release's stacking map and table; `seq` as the address names it. A trend's releases
// (several periods, oldest first; the last is `seq`) are drawn together, with the change.
std::string ReleaseMapPage(const std::string& seq, const std::vector<MapRelease>& releases,
                           const AreaBoundaries& boundaries);

// 403: the certificate's identity is no requester or privacy officer of the project.
std::string NotAParticipantPage(const std::string& identity, const std::string& project_id);
// 403: a form whose token is not this portal's for the identity.
std::string ForeignFormPage();
// 403: the release log is for privacy officers only.
std::string LogForOfficersOnlyPage();
// 404: the requester has no release with the number asked for.
std::string NoSuchReleasePage();
// 500, or 404 for an address the portal does not have: `message` as the body.
std::string ErrorPage(const std::string& message);

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_PORTAL_PAGES_H_
