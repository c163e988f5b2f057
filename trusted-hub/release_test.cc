#include "trusted-hub/release.h"

#include <gtest/gtest.h>

#include <span>

#include "audit/officer_audit.h"
#include "disclosure/disclosure.h"
#include "ledger/log_format.h"
#include "linker/bloom_filter.h"
#include "trusted-hub/hub_test_project.h"
#include "trusted-hub/ingest.h"

namespace stapel {
namespace {

using testing_util::HubTestProject;

class ReleaseTest : public testing::Test {
 protected:
  void Submit(const std::string& party, int n, uint8_t first_tag, const Ed25519Signer& key) {
    ASSERT_TRUE(hub_.Submit(party, n, first_tag, key).ok());
  }
  testing_util::HubServices hub_;
  HubTestProject& p_ = hub_.p;
  std::unique_ptr<Ingest>& ingest_ = hub_.ingest;
  std::unique_ptr<Releaser>& releaser_ = hub_.releaser;
  // The log's release entries after a manifest entry with the project's disclosure rules: what
  // the officer's audit reads.
  std::vector<std::string> AuditLines() {
    const nlohmann::json manifest = {{"type", kEntryManifest},
                                     {"disclosure", RulesToJson(p_.manifest.disclosure)}};
    std::vector<std::string> lines = {manifest.dump()};
    for (const auto& e : p_.log->EntriesOfType(kEntryRelease)) lines.push_back(e.dump());
    return lines;
  }
  // A register of 60 persons: 0..29 in GM9999, 30..59 in GM9998 (both in the manifest).
  void SubmitInTwoGemeenten() {
    p_.manifest.gemeenten = {"GM9998", "GM9999"};
    v1::Batch registry = HubTestProject::MakeBatch("municipality", std::string(16, 'a'), 0, 60, 1);
    for (int i = 30; i < 60; ++i) registry.mutable_records(i)->set_buurt("BU99980101");
    ASSERT_TRUE(
        ingest_->SubmitBatch("municipality", HubTestProject::Sign(registry, *p_.register_key))
            .ok());
    ASSERT_TRUE(
        ingest_
            ->CompleteSubmission(
                "municipality", HubTestProject::Summary("municipality", registry.submission_id(), 1,
                                                        60, *p_.register_key))
            .ok());
  }
  // A table of residents with one measure.
  static v1::TableRequest Residents(const std::string& name, const std::string& expression) {
    v1::TableRequest request;
    request.set_population("residents");
    auto* measure = request.add_measures();
    measure->set_name(name);
    measure->set_expression(expression);
    return request;
  }
};

TEST_F(ReleaseTest, DataOfAnEarlierEpochAreNeverLinked) {
  Submit("municipality", 60, 1, *p_.register_key);             // made with epoch 1's secret
  ASSERT_TRUE(p_.DepositEpoch(SecretBytes::Random(32)).ok());  // rotated since: epoch 2
  auto reply = releaser_->Release("analyst", v1::TableRequest());
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(reply.status().message().find("party 'municipality' were made with the linkage secret "
                                          "of an earlier epoch (the project is at epoch 2)"),
            std::string::npos)
      << reply.status();
}

TEST_F(ReleaseTest, StoredFiltersTheFuzzyPassCannotReadStopTheLinkAndSaySo) {
  // The register sends salted filters (three tag words, then the surname under the birth date).
  const_cast<PartyManifest*>(p_.manifest.FindParty("municipality"))->fuzzy = true;
  p_.manifest.fuzzy =
      BloomSettings{.bits = 1024, .hashes = 8, .fields = {{"birth_date", 1}, {"surname", 1}}};
  const std::string sub(16, 'f');
  v1::Batch batch = HubTestProject::MakeBatch("municipality", sub, 0, 30, 1);
  batch.set_bloom_layout(BloomLayout(*p_.manifest.fuzzy));
  for (auto& r : *batch.mutable_records()) {
    std::string filter(128, '\0');
    filter[0] = 't';
    filter[24] = static_cast<char>(r.keys(0).key()[0]);
    r.set_bloom(filter);
  }
  ASSERT_TRUE(ingest_->SubmitBatch("municipality", HubTestProject::Sign(batch, *p_.register_key))
                  .ok());
  ASSERT_TRUE(ingest_
                  ->CompleteSubmission("municipality", HubTestProject::Summary(
                                                           "municipality", sub, 1, 30,
                                                           *p_.register_key))
                  .ok());
  // The officer has since signed a manifest with larger filters: the stored ones would be read
  // past their end, or as another layout. The link stops and says what the party must do.
  p_.manifest.fuzzy->bits = 2048;
  auto reply = releaser_->Release("analyst", v1::TableRequest());
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(reply.status().message().find("party 'municipality' sent Bloom filters of layout"),
            std::string::npos)
      << reply.status();
  EXPECT_NE(reply.status().message().find("and 128 bytes; the fuzzy pass compares layout"),
            std::string::npos)
      << reply.status();
}

TEST_F(ReleaseTest, TheLinkedStateIsKeptOnlyWhileItsSubmissionsAndEpochAreCurrent) {
  auto released = [&](const char* column) {
    auto reply = releaser_->Release("analyst", v1::TableRequest());
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (!reply.ok()) return int64_t{-1};
    auto table = *AreaTable::FromJson(nlohmann::json::parse(reply->table_json()));
    const auto& m = table.measures;
    return table.rows[2].cells[std::find(m.begin(), m.end(), column) - m.begin()].value;
  };
  Submit("municipality", 60, 1, *p_.register_key);
  EXPECT_EQ(released("debts"), 0);
  EXPECT_EQ(released("debts"), 0);  // the kept state
  Submit("credit", 40, 31, *p_.source_key);  // a source arrives: linked anew
  EXPECT_EQ(released("debts"), 30);
  ASSERT_TRUE(p_.DepositEpoch(SecretBytes::Random(32)).ok());  // rotated: the kept state is stale
  EXPECT_EQ(releaser_->Release("analyst", v1::TableRequest()).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(ReleaseTest, LinkCurrentLinksOnceAndAStoppingHubLinksNoMore) {
  Submit("municipality", 60, 1, *p_.register_key);
  auto version = releaser_->LinkCurrent();
  ASSERT_TRUE(version.ok()) << version.status();
  ASSERT_EQ(version->size(), 1u);  // the one unnamed period
  EXPECT_EQ(*releaser_->LinkCurrent(), *version);  // kept
  auto reply = releaser_->Release("analyst", v1::TableRequest());
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(nlohmann::json::parse(reply->log_entry())["data_version"], version->front());
  releaser_->Stop();
  Submit("credit", 40, 31, *p_.source_key);  // a new state: it would need a link
  auto stopped = releaser_->LinkCurrent();
  EXPECT_EQ(stopped.status().code(), absl::StatusCode::kCancelled);
  EXPECT_NE(stopped.status().message().find("the hub is stopping"), std::string::npos);
  // A request then is cancelled, not refused: the signed log holds no refusal for it.
  const uint64_t entries = VerifyReleaseLog(p_.dir / "release.log", *p_.hub_key)->entries;
  EXPECT_EQ(releaser_->Release("analyst", v1::TableRequest()).status().code(),
            absl::StatusCode::kCancelled);
  EXPECT_EQ(VerifyReleaseLog(p_.dir / "release.log", *p_.hub_key)->entries, entries);
}

TEST_F(ReleaseTest, LinksSourcesOntoTheRegisterAndLogsTheRelease) {
  Submit("municipality", 60, 1, *p_.register_key);  // bsn keys 1..60, youth care for odd i
  Submit("credit", 40, 31, *p_.source_key);         // bsn keys 31..70: 30 link, 10 live elsewhere
  auto reply = releaser_->Release("analyst", v1::TableRequest());
  ASSERT_TRUE(reply.ok()) << reply.status();
  auto table = *AreaTable::FromJson(nlohmann::json::parse(reply->table_json()));
  ASSERT_EQ(table.rows.size(), 3u);  // gemeente, wijk, buurt
  const auto& buurt = table.rows[2];
  EXPECT_EQ(buurt.code, "BU99990101");
  EXPECT_EQ(table.measures,
            (std::vector<std::string>{"residents", "youth_care", "wmo", "rent_arrears", "debts",
                                      "stacked_2plus", "stacked_3plus"}));
  EXPECT_EQ(buurt.cells[0].value, 60);
  EXPECT_EQ(buurt.cells[1].value, 30);
  EXPECT_EQ(buurt.cells[4].value, 30);
  EXPECT_EQ(buurt.cells[5].value, 15);  // odd i in 30..59: youth care and debts
  EXPECT_EQ(buurt.cells[6].value, 0);
  for (const auto& cell : buurt.cells) EXPECT_FALSE(cell.suppressed);
  auto entry = nlohmann::json::parse(reply->log_entry());
  EXPECT_EQ(entry["requester"], "analyst");
  EXPECT_EQ(entry["linkage"]["credit"]["linked"], 30);
  EXPECT_EQ(entry["linkage"]["credit"]["unlinked"], 10);
  EXPECT_EQ(entry["linkage"]["credit"]["linked_share"], "75.00%");
  EXPECT_EQ(entry["linkage"]["credit"]["passes"][0]["pass"], "bsn");
  EXPECT_EQ(entry["linkage"]["credit"]["passes"][0]["linked"], 30);
  EXPECT_EQ(entry["linkage"]["municipality"]["persons"], 60);
  EXPECT_EQ(entry["rules"]["k"], 15);
  EXPECT_TRUE(VerifyReleaseLog(p_.dir / "release.log", *p_.hub_key).ok());
}

TEST_F(ReleaseTest, ATableWithinAGemeenteHasItsRowsAndAGemeenteWithoutDataIsRefused) {
  Submit("municipality", 60, 1, *p_.register_key);
  auto whole = releaser_->Release("analyst", v1::TableRequest());
  ASSERT_TRUE(whole.ok()) << whole.status();
  v1::TableRequest request;
  request.set_within("gm9999");
  auto within = releaser_->Release("analyst", request);
  ASSERT_TRUE(within.ok()) << within.status();
  // Every row of the only gemeente, shown as before.
  EXPECT_EQ(within->table_csv(), whole->table_csv());
  auto entry = nlohmann::json::parse(within->log_entry());
  EXPECT_EQ(entry["request"]["within"], "GM9999");
  EXPECT_EQ(entry["request"]["spec"]["within"], "GM9999");
  request.set_within("GM9998");
  auto elsewhere = releaser_->Release("analyst", request);
  EXPECT_EQ(elsewhere.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(elsewhere.status().message().find("gemeente GM9998 (within) is not in the "
                                              "project's areas; ask for one of its 1 gemeenten "
                                              "(GM9999)"),
            std::string::npos)
      << elsewhere.status();
  EXPECT_TRUE(VerifyReleaseLog(p_.dir / "release.log", *p_.hub_key).ok());
}

TEST_F(ReleaseTest, ATableOfSeveralGemeentenCarriesTheirTotalAndTheAuditChecksIt) {
  SubmitInTwoGemeenten();
  auto reply = releaser_->Release("analyst", v1::TableRequest());
  ASSERT_TRUE(reply.ok()) << reply.status();
  const AreaTable table = *AreaTable::FromJson(nlohmann::json::parse(reply->table_json()));
  ASSERT_EQ(table.rows.size(), 7u);  // the total, then each gemeente, its wijk and its buurt
  EXPECT_EQ(table.rows[0].level, AreaLevel::kTotal);
  EXPECT_EQ(table.rows[1].code, "GM9998");
  EXPECT_EQ(table.rows[4].code, "GM9999");
  for (size_t m = 0; m < table.measures.size(); ++m) {
    const Cell& total = table.rows[0].cells[m];
    const Cell& a = table.rows[1].cells[m];
    const Cell& b = table.rows[4].cells[m];
    EXPECT_EQ(total.suppressed, a.suppressed || b.suppressed) << table.measures[m];
    if (!total.suppressed) EXPECT_EQ(total.value, a.value + b.value) << table.measures[m];
  }
  EXPECT_EQ(table.rows[0].cells[0].value, 60);
  // The next release is guarded by this one, read back from the log without its total.
  v1::TableRequest within;
  within.set_within("GM9999");
  auto part = releaser_->Release("analyst", within);
  ASSERT_TRUE(part.ok()) << part.status();
  EXPECT_EQ(AreaTable::FromJson(nlohmann::json::parse(part->table_json()))->rows.size(), 3u);

  std::vector<std::string> lines = AuditLines();
  size_t audited = 0;
  const absl::Status holds = AuditLoggedReleases(lines, &audited);
  EXPECT_TRUE(holds.ok()) << holds;
  EXPECT_EQ(audited, 2u);
  // A total that tells more than its gemeenten fails the audit.
  nlohmann::json entry = nlohmann::json::parse(lines[1]);
  nlohmann::json& cells = entry["table"]["rows"][0]["values"];
  cells[0] = cells[0].get<int64_t>() + 5;
  lines[1] = entry.dump();
  const absl::Status caught = AuditLoggedReleases(lines, &audited);
  EXPECT_NE(caught.message().find("not the sum of its gemeenten"), std::string::npos) << caught;
}

TEST_F(ReleaseTest, ACellKeyTableOfSeveralGemeentenCarriesTheSumOfTheirPublishedValues) {
  p_.manifest.disclosure.method = DisclosureMethod::kCellKey;
  p_.manifest.disclosure.min_area_population = 0;
  SubmitInTwoGemeenten();
  auto reply = releaser_->Release("analyst", v1::TableRequest());
  ASSERT_TRUE(reply.ok()) << reply.status();
  const AreaTable table = *AreaTable::FromJson(nlohmann::json::parse(reply->table_json()));
  ASSERT_EQ(table.rows.size(), 7u);
  ASSERT_EQ(table.rows[0].level, AreaLevel::kTotal);
  for (size_t m = 0; m < table.measures.size(); ++m) {
    const Cell& a = table.rows[1].cells[m];
    const Cell& b = table.rows[4].cells[m];
    EXPECT_EQ(table.rows[0].cells[m].suppressed, a.suppressed || b.suppressed);
    if (!a.suppressed && !b.suppressed) EXPECT_EQ(table.rows[0].cells[m].value, a.value + b.value);
  }
  size_t audited = 0;
  EXPECT_TRUE(AuditLoggedReleases(AuditLines(), &audited).ok());
  EXPECT_EQ(audited, 1u);
}

TEST_F(ReleaseTest, SmallCountsAreSuppressedWithTheManifestThreshold) {
  Submit("municipality", 20, 1, *p_.register_key);  // 10 with youth care: below k = 15
  auto reply = releaser_->Release("analyst", v1::TableRequest());
  ASSERT_TRUE(reply.ok()) << reply.status();
  auto table = *AreaTable::FromJson(nlohmann::json::parse(reply->table_json()));
  for (const auto& row : table.rows) {
    EXPECT_FALSE(row.cells[0].suppressed);  // 20 residents
    EXPECT_TRUE(row.cells[1].suppressed);   // 10 with youth care
  }
  EXPECT_NE(reply->table_csv().find(",20,x,0,"), std::string::npos) << reply->table_csv();
}

TEST_F(ReleaseTest, RefusesNonRequestersAndAMissingRegister) {
  EXPECT_EQ(releaser_->Release("credit", v1::TableRequest()).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto s = releaser_->Release("analyst", v1::TableRequest()).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("'municipality' has not completed"), std::string::npos);
  // Both refusals are in the log, with their reasons; no table was released.
  auto log = VerifyReleaseLog(p_.dir / "release.log", *p_.hub_key);
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_EQ(log->entries, 3u);  // after the test project's key_epoch entry
  for (const auto& line : std::span(log->lines).subspan(1)) {
    const auto entry = nlohmann::json::parse(line);
    EXPECT_EQ(entry["type"], "refusal");
    EXPECT_FALSE(entry.contains("table"));
  }
  EXPECT_NE(log->lines[2].find("has not completed a submission"), std::string::npos);
}

TEST_F(ReleaseTest, TheSameRecordsSentInOtherBatchesAreTheSameDataState) {
  // The register as one batch, released once.
  const v1::Batch whole = HubTestProject::MakeBatch("municipality", std::string(16, 'a'), 0, 60, 1);
  auto send = [&](const std::string& submission, const std::vector<std::pair<int, int>>& parts) {
    for (size_t b = 0; b < parts.size(); ++b) {
      v1::Batch batch = whole;
      batch.set_submission_id(submission);
      batch.set_sequence(b);
      batch.clear_records();
      for (int i = parts[b].first; i < parts[b].second; ++i)
        *batch.add_records() = whole.records(i);
      ASSERT_TRUE(
          ingest_->SubmitBatch("municipality", HubTestProject::Sign(batch, *p_.register_key)).ok());
    }
    ASSERT_TRUE(ingest_
                    ->CompleteSubmission(
                        "municipality", HubTestProject::Summary("municipality", submission,
                                                                parts.size(), 60, *p_.register_key))
                    .ok());
  };
  auto release = [&] {
    auto reply = releaser_->Release("analyst", v1::TableRequest());
    EXPECT_TRUE(reply.ok()) << reply.status();
    return nlohmann::json::parse(reply->log_entry());
  };
  send(std::string(16, 'a'), {{0, 60}});
  const auto first = release();
  // Sent again in three batches, in another order: the same data state, so the differencing
  // guard keeps the first release in view.
  send(std::string(16, 'b'), {{40, 60}, {0, 25}, {25, 40}});
  const auto again = release();
  EXPECT_EQ(again["data_version"], first["data_version"]);
  EXPECT_EQ(again["protection"]["earlier_releases_checked"], 1);
  // One record changed: another data state.
  v1::Batch changed = whole;
  changed.set_submission_id(std::string(16, 'c'));
  changed.mutable_records(7)->set_attribute_values(0, 1 - whole.records(7).attribute_values(0));
  ASSERT_TRUE(
      ingest_->SubmitBatch("municipality", HubTestProject::Sign(changed, *p_.register_key)).ok());
  ASSERT_TRUE(ingest_
                  ->CompleteSubmission("municipality",
                                       HubTestProject::Summary("municipality", std::string(16, 'c'),
                                                               1, 60, *p_.register_key))
                  .ok());
  const auto updated = release();
  EXPECT_NE(updated["data_version"], first["data_version"]);
  // The guard linked the two states; what changed is in the log just before the release, and the
  // officer's audit re-proves all three releases over both states with it.
  auto log = AuditReleaseLog(p_.dir / "release.log", *p_.hub_key);
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_TRUE(log->lp_audit.ok()) << log->lp_audit;
  EXPECT_EQ(log->releases_audited, 3u);
  EXPECT_EQ(log->entries_by_type["state_changes"], 1);
  const auto changes = nlohmann::json::parse(log->log.lines[log->log.lines.size() - 2]);
  EXPECT_EQ(changes["type"], "state_changes");
  EXPECT_EQ(updated["protection"]["state_changes_seq"], changes["seq"]);
  EXPECT_EQ(changes["states"],
            nlohmann::json::array({updated["data_version"], first["data_version"]}));
  EXPECT_EQ(changes["transitions"], nlohmann::json::parse("[[1, 0]]"));
  ASSERT_EQ(changes["changes"].size(), 1u);  // one person in the one buurt changed attributes
  EXPECT_EQ(changes["changes"][0]["area"], "BU99990101");
  EXPECT_EQ(changes["changes"][0]["per_atom"], 2);
  // The requester's reply holds its release entry only.
  EXPECT_FALSE(updated.contains("changes"));
}

TEST_F(ReleaseTest, OversizedRequestsAreRefusedWithBoundedMessagesAndLogEntries) {
  Submit("municipality", 60, 1, *p_.register_key);
  const uint64_t log_size = std::filesystem::file_size(p_.dir / "release.log");
  v1::TableRequest unknown_population;
  unknown_population.set_population(std::string(8 << 20, 'x'));
  unknown_population.set_purpose(std::string(2 << 20, 'p') + "\xc3");  // and a split character
  v1::TableRequest long_name;
  long_name.set_population("residents");
  auto* measure = long_name.add_measures();
  measure->set_name(std::string(1 << 20, 'm'));
  measure->set_expression("wmo");
  v1::TableRequest long_expression;
  long_expression.set_population("residents");
  measure = long_expression.add_measures();
  measure->set_name("deep");
  measure->set_expression(std::string(5 << 20, '(') + "wmo" + std::string(5 << 20, ')'));
  for (const auto* request : {&unknown_population, &long_name, &long_expression}) {
    auto reply = releaser_->Release("analyst", *request);
    ASSERT_EQ(reply.status().code(), absl::StatusCode::kInvalidArgument) << reply.status();
    EXPECT_LT(reply.status().message().size(), 1000u);
  }
  // Three refusals logged, each a few kilobytes at most.
  EXPECT_LT(std::filesystem::file_size(p_.dir / "release.log") - log_size, 3 * 5000u);
  auto log = VerifyReleaseLog(p_.dir / "release.log", *p_.hub_key);
  ASSERT_TRUE(log.ok()) << log.status();
}

TEST_F(ReleaseTest, AMeasureLongerWrittenOutThanTheLimitIsRefusedAndTheLogStaysReadable) {
  Submit("municipality", 60, 1, *p_.register_key);
  // Within the limit as sent, but its canonical text (", " between operands), which the log
  // keeps and later requests, the hub's start and the audit parse again, is not.
  std::string expression = "atleast(1";
  while (expression.size() < IndicatorExpression::kMaxLength - 5) expression += ",wmo";
  expression += ")";
  auto refused = releaser_->Release("analyst", Residents("many", expression));
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << refused.status();
  EXPECT_NE(refused.status().message().find("written out in full"), std::string::npos)
      << refused.status();
  EXPECT_TRUE(releaser_->Release("analyst", v1::TableRequest()).ok());
  // What the hub checks at its next start.
  auto verified = VerifyReleaseLog(p_.dir / "release.log", *p_.hub_key, CheckReleaseKeepsItsRules);
  EXPECT_TRUE(verified.ok()) << verified.status();
}

TEST_F(ReleaseTest, CellKeyReleasesPerturbConsistentlySuppressNothingSmallAndTheAuditHoldsThemToIt) {
  p_.manifest.disclosure.method = DisclosureMethod::kCellKey;  // the default parameters
  Submit("municipality", 60, 1, *p_.register_key);
  Submit("credit", 40, 31, *p_.source_key);
  // The same cells asked in two differently written requests, and the stacking table twice.
  const auto composed = [&](const std::string& expression) {
    auto reply = releaser_->Release("analyst", Residents("both", expression));
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? *AreaTable::FromJson(nlohmann::json::parse(reply->table_json()))
                      : AreaTable{};
  };
  const AreaTable one = composed("youth_care AND debts");
  const AreaTable two = composed("debts AND youth_care");
  ASSERT_EQ(one.rows.size(), two.rows.size());
  for (size_t r = 0; r < one.rows.size(); ++r) {
    EXPECT_EQ(one.rows[r].cells[1].value, two.rows[r].cells[1].value);
    EXPECT_FALSE(one.rows[r].cells[1].suppressed);  // 15 of 60: perturbed, not suppressed
  }
  auto stacking = releaser_->Release("analyst", v1::TableRequest());
  auto again = releaser_->Release("analyst", v1::TableRequest());
  ASSERT_TRUE(stacking.ok() && again.ok());
  EXPECT_EQ(stacking->table_json(), again->table_json());
  EXPECT_EQ(stacking->suppressed_secondary(), 0u);
  const nlohmann::json entry = nlohmann::json::parse(stacking->log_entry());
  EXPECT_EQ(entry["rules"]["method"], "cell_key");
  EXPECT_EQ(entry["protection"]["method"], "cell_key");
  // The audit: with the manifest's parameters in force, every release holds; a release that
  // shows one cell with another value, or was made with other parameters, is caught.
  std::vector<std::string> lines = AuditLines();
  size_t audited = 0;
  const absl::Status holds = AuditLoggedReleases(lines, &audited);
  EXPECT_TRUE(holds.ok()) << holds;
  EXPECT_EQ(audited, 4u);
  nlohmann::json altered = nlohmann::json::parse(lines.back());
  auto& value = altered["table"]["rows"][2]["values"][0];
  value = value.get<int64_t>() + 1;
  std::vector<std::string> tampered = lines;
  tampered.back() = altered.dump();
  const absl::Status caught = AuditLoggedReleases(tampered, &audited);
  EXPECT_NE(caught.message().find("the cell key method gives the same cell one value"),
            std::string::npos)
      << caught;
  nlohmann::json other = nlohmann::json::parse(lines.front());
  other["disclosure"]["variance"] = 3.0;
  tampered = lines;
  tampered.front() = other.dump();
  EXPECT_NE(AuditLoggedReleases(tampered, &audited).message().find("the manifest in force says"),
            std::string::npos);
}

TEST_F(ReleaseTest, AfterAnUpdateACellKeyReleaseShowsOnlyAreasWhoseDataDidNotChange) {
  p_.manifest.disclosure.method = DisclosureMethod::kCellKey;
  p_.manifest.disclosure.min_area_population = 0;
  // The register: persons 0..29 in a buurt of wijk 01, 30..59 in a buurt of wijk 02.
  v1::Batch registry = HubTestProject::MakeBatch("municipality", std::string(16, 'a'), 0, 60, 1);
  for (int i = 30; i < 60; ++i) registry.mutable_records(i)->set_buurt("BU99990201");
  int submissions = 0;
  auto send = [&](const v1::Batch& batch) {
    v1::Batch b = batch;
    b.set_submission_id(std::string(16, static_cast<char>('a' + submissions++)));
    ASSERT_TRUE(
        ingest_->SubmitBatch("municipality", HubTestProject::Sign(b, *p_.register_key)).ok());
    ASSERT_TRUE(ingest_
                    ->CompleteSubmission("municipality",
                                         HubTestProject::Summary("municipality", b.submission_id(),
                                                                 1, 60, *p_.register_key))
                    .ok());
  };
  auto table_of = [](const v1::ReleaseReply& reply) {
    return *AreaTable::FromJson(nlohmann::json::parse(reply.table_json()));
  };
  send(registry);
  Submit("credit", 40, 31, *p_.source_key);
  const v1::TableRequest request = Residents("care", "youth_care");
  auto before = releaser_->Release("analyst", request);
  ASSERT_TRUE(before.ok()) << before.status();
  // One person of wijk 01 changes: the same persons elsewhere, so the same values there, and
  // nothing shown of the buurt, its wijk or the gemeente.
  v1::Batch changed = registry;
  changed.mutable_records(7)->set_attribute_values(0, 1 - registry.records(7).attribute_values(0));
  send(changed);
  auto after = releaser_->Release("analyst", request);
  ASSERT_TRUE(after.ok()) << after.status();
  const AreaTable old_table = table_of(*before), new_table = table_of(*after);
  ASSERT_EQ(old_table.rows.size(), 5u);  // GM9999, WK999901, BU99990101, WK999902, BU99990201
  ASSERT_EQ(new_table.rows.size(), 5u);
  int held_back = 0;
  for (size_t r = 0; r < new_table.rows.size(); ++r) {
    const AreaRow& row = new_table.rows[r];
    const bool changed_area =
        row.code == "GM9999" || row.code == "WK999901" || row.code == "BU99990101";
    for (size_t m = 0; m < row.cells.size(); ++m) {
      if (changed_area) {
        EXPECT_TRUE(row.cells[m].suppressed) << row.code;
        ++held_back;
      } else {
        EXPECT_FALSE(row.cells[m].suppressed) << row.code;
        EXPECT_EQ(row.cells[m].value, old_table.rows[r].cells[m].value) << row.code;
      }
    }
  }
  EXPECT_EQ(static_cast<int>(after->suppressed_by_guard()), held_back);
  // At wijk level: the changed buurt's wijk and the gemeente held back, the other wijk shown.
  v1::TableRequest by_wijk = request;
  by_wijk.set_level("wijk");
  auto wijken = releaser_->Release("analyst", by_wijk);
  ASSERT_TRUE(wijken.ok()) << wijken.status();
  const AreaTable wijk_table = table_of(*wijken);
  ASSERT_EQ(wijk_table.rows.size(), 3u);  // GM9999, WK999901, WK999902
  for (const AreaRow& row : wijk_table.rows) {
    EXPECT_EQ(row.cells[0].suppressed, row.code != "WK999902") << row.code;
  }
  EXPECT_EQ(after->earlier_releases_checked(), 1u);
  const nlohmann::json entry = nlohmann::json::parse(after->log_entry());
  EXPECT_EQ(entry["protection"]["held_back"], held_back);
  // The audit holds every cell to one value over the period's data states: a release that
  // showed the changed area anew, or another value elsewhere, is caught.
  std::vector<std::string> lines = AuditLines();
  size_t audited = 0;
  const absl::Status holds = AuditLoggedReleases(lines, &audited);
  EXPECT_TRUE(holds.ok()) << holds;
  EXPECT_EQ(audited, 3u);
  nlohmann::json shown = nlohmann::json::parse(lines[2]);
  shown["table"]["rows"][2]["values"][1] = old_table.rows[2].cells[1].value - 1;
  std::vector<std::string> tampered = lines;
  tampered[2] = shown.dump();
  EXPECT_NE(AuditLoggedReleases(tampered, &audited).message().find("of the same period"),
            std::string::npos);
  // A change in wijk 02 too: nothing is left to show, and the hub says why.
  v1::Batch both = changed;
  both.mutable_records(40)->set_attribute_values(0, 1 - registry.records(40).attribute_values(0));
  send(both);
  auto refused = releaser_->Release("analyst", request);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("period '' changed in 2 buurten"), std::string::npos)
      << refused.status();
  // Back to the first data: wijk 02 as always; wijk 01 differs from the second release's
  // state, so it stays held back (showing it would be safe here, as the first release did,
  // but the hub compares with every state it released).
  send(registry);
  auto back = releaser_->Release("analyst", request);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(table_of(*back).ToJson(), new_table.ToJson());
  // Other parameters within the period would give every cell a second draw.
  p_.manifest.disclosure.cell_key.variance = 2.0;
  hub_.releaser = std::make_unique<Releaser>(&p_.manifest, p_.submissions.get(), p_.log.get(),
                                             p_.relay.get(), Geography(), hub_.record_keys.get());
  auto other = releaser_->Release("analyst", request);
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("the manifest now says 2.0"), std::string::npos)
      << other.status();
  // A state kept by a hub before this check: nothing tells which areas stayed the same.
  p_.manifest.disclosure.cell_key.variance = 2.5;
  const std::string first_state = nlohmann::json::parse(before->log_entry())["data_version"];
  auto kept = p_.submissions->StateCounts(first_state);
  ASSERT_TRUE(kept.ok() && kept->has_value());
  nlohmann::json old_kept = nlohmann::json::parse(**kept);
  old_kept.erase("cell_key_contents");
  ASSERT_TRUE(p_.submissions->PutStateCounts(first_state, old_kept.dump()).ok());
  hub_.releaser = std::make_unique<Releaser>(&p_.manifest, p_.submissions.get(), p_.log.get(),
                                             p_.relay.get(), Geography(), hub_.record_keys.get());
  send(changed);
  auto unknown = releaser_->Release("analyst", request);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("kept nothing that tells which areas stayed"),
            std::string::npos)
      << unknown.status();
}

// A project of two periods: 2024 has the register (60 persons) and credit (30 of them with
// debts), 2025 the register only.
class PeriodReleaseTest : public ReleaseTest {
 protected:
  void SetUp() override {
    p_.manifest.periods = {"2024", "2025"};
    ASSERT_TRUE(hub_.Submit("municipality", 60, 1, *p_.register_key, "2024").ok());
    ASSERT_TRUE(hub_.Submit("credit", 40, 31, *p_.source_key, "2024").ok());
    ASSERT_TRUE(hub_.Submit("municipality", 60, 101, *p_.register_key, "2025").ok());
  }
  static v1::TableRequest Of(std::vector<std::string> periods) {
    v1::TableRequest request;
    for (auto& period : periods) request.add_periods(std::move(period));
    return request;
  }
  // The buurt's value of `column` in a released table.
  static int64_t Buurt(const v1::ReleaseReply& reply, const std::string& column) {
    auto table = *AreaTable::FromJson(nlohmann::json::parse(reply.table_json()));
    const auto& m = table.measures;
    const auto& cell = table.rows[2].cells[std::find(m.begin(), m.end(), column) - m.begin()];
    return cell.suppressed ? -1 : cell.value;
  }
  size_t ReleaseEntries() { return p_.log->EntriesOfType(kEntryRelease).size(); }
};

TEST_F(PeriodReleaseTest, EachPeriodIsADataStateOfItsOwnAndANewOneLeavesTheOthersAlone) {
  auto y2024 = releaser_->Release("analyst", Of({"2024"}));
  ASSERT_TRUE(y2024.ok()) << y2024.status();
  EXPECT_EQ(Buurt(*y2024, "debts"), 30);
  auto y2025 = releaser_->Release("analyst", Of({"2025"}));
  ASSERT_TRUE(y2025.ok()) << y2025.status();
  EXPECT_EQ(Buurt(*y2025, "debts"), 0);
  const auto entry = [](const v1::ReleaseReply& r) { return nlohmann::json::parse(r.log_entry()); };
  EXPECT_EQ(entry(*y2024)["period"], "2024");
  EXPECT_EQ(entry(*y2025)["period"], "2025");
  EXPECT_NE(entry(*y2024)["data_version"], entry(*y2025)["data_version"]);
  // The guard of a period sees that period's releases only.
  EXPECT_EQ(y2025->earlier_releases_checked(), 0u);
  // No period named: the latest the register has sent, even when the manifest lists one more.
  p_.manifest.periods.push_back("2026");
  auto latest = releaser_->Release("analyst", v1::TableRequest());
  ASSERT_TRUE(latest.ok()) << latest.status();
  EXPECT_EQ(entry(*latest)["period"], "2025");
  EXPECT_EQ(latest->earlier_releases_checked(), 1u);
  // A new 2025 submission of credit replaces 2025 only: 2024 is still the same data state.
  ASSERT_TRUE(hub_.Submit("credit", 10, 101, *p_.source_key, "2025").ok());
  auto again = releaser_->Release("analyst", Of({"2024"}));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(entry(*again)["data_version"], entry(*y2024)["data_version"]);
  // 2025 is a new state; its guard spans both of 2025's states (it suppresses the debts the
  // update would disclose), never 2024's release.
  auto updated = releaser_->Release("analyst", Of({"2025"}));
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_NE(entry(*updated)["data_version"], entry(*y2025)["data_version"]);
  EXPECT_EQ(updated->earlier_releases_checked(), 2u);
  // Every period's state is linked off the request path too.
  auto linked = releaser_->LinkCurrent();
  ASSERT_TRUE(linked.ok()) << linked.status();
  EXPECT_EQ(linked->size(), 2u);
  EXPECT_EQ(linked->front(), entry(*y2024)["data_version"]);
  // The officer's audit re-proves every release, per period.
  auto audit = AuditReleaseLog(p_.dir / "release.log", *p_.hub_key);
  ASSERT_TRUE(audit.ok()) << audit.status();
  EXPECT_TRUE(audit->lp_audit.ok()) << audit->lp_audit;
  EXPECT_EQ(audit->releases_audited, 5u);
}

TEST_F(PeriodReleaseTest, ATrendReleasesEveryPeriodAndGivesTheChange) {
  auto trend = releaser_->Release("analyst", Of({"2024", "2025"}));
  ASSERT_TRUE(trend.ok()) << trend.status();
  ASSERT_EQ(trend->period_sequences_size(), 2);
  ASSERT_EQ(trend->period_log_entries_size(), 2);
  EXPECT_EQ(nlohmann::json::parse(trend->period_log_entries(0))["period"], "2024");
  EXPECT_EQ(nlohmann::json::parse(trend->period_log_entries(1))["period"], "2025");
  EXPECT_EQ(trend->sequence(), trend->period_sequences(1));
  EXPECT_EQ(ReleaseEntries(), 2u);
  EXPECT_EQ(Buurt(*trend, "debts 2024"), 30);
  EXPECT_EQ(Buurt(*trend, "debts 2025"), 0);
  EXPECT_EQ(Buurt(*trend, "debts change 2024-2025"), -30);
  EXPECT_EQ(Buurt(*trend, "residents change 2024-2025"), 0);
  EXPECT_EQ(nlohmann::json::parse(trend->table_json())["periods"],
            nlohmann::json::array({"2024", "2025"}));
  // Asked the other way round: still oldest first, the change from the first to the last.
  auto reversed = releaser_->Release("analyst", Of({"2025", "2024"}));
  ASSERT_TRUE(reversed.ok()) << reversed.status();
  EXPECT_EQ(Buurt(*reversed, "debts change 2024-2025"), -30);
}

TEST_F(PeriodReleaseTest, APeriodTheManifestDoesNotNameOrWithoutRegisterDataReleasesNothing) {
  const auto refused = [&](std::vector<std::string> periods, absl::StatusCode code,
                           const std::string& message) {
    auto reply = releaser_->Release("analyst", Of(periods));
    EXPECT_EQ(reply.status().code(), code) << reply.status();
    EXPECT_NE(reply.status().message().find(message), std::string::npos) << reply.status();
  };
  refused({"2023"}, absl::StatusCode::kInvalidArgument,
          "period '2023' is not one of project 'test''s periods (2024, 2025)");
  refused({"2024", "2024"}, absl::StatusCode::kInvalidArgument, "named twice");
  refused(std::vector<std::string>(Releaser::kMaxPeriodsPerRequest + 1, "2024"),
          absl::StatusCode::kInvalidArgument, "at most 12");
  p_.manifest.periods = {"2024", "2025", "2026"};
  refused({"2024", "2026"}, absl::StatusCode::kFailedPrecondition,
          "has not completed a submission of period 2026");
  EXPECT_EQ(ReleaseEntries(), 0u);  // 2024 was protected, but nothing is released alone
}

}  // namespace
}  // namespace stapel
