// End-to-end: releases through the differencing guard: overlapping and composed requests, a
// one-person update, periods and trends, the cell key method.

#include "tests/end_to_end_world.h"

namespace stapel {
namespace {

using namespace e2e;  // NOLINT: the tests' shared world

// The differencing guard with real processes: Wmo for all residents, then for adults. Most
// buurten have a few minors with Wmo support, which the difference would reveal.
TEST(EndToEndTest, OverlappingRequestsAreGuardedAndTheAuditReprovesThem) {
  World w;
  w.StartHub();
  w.RunAllAgents();
  const std::string examples = kExamples.string();
  ASSERT_EQ(w.Request("requester.toml", {"--request", examples + "/request-wmo-residents.toml"},
                      "request-residents"),
            0)
      << ReadFile(w.Log("request-residents"));
  // Sending the same export again, in batches of another size, keeps the data state the same:
  // the guard still counts release 1.
  const fs::path config = w.dir() / "config" / "agent-municipality.toml";
  WriteFile(config, Replace(ReadFile(config), "batch_size = 5000", "batch_size = 777"));
  ASSERT_EQ(w.RunAgent("agent-municipality.toml", {}, "municipality-again"), 0);
  ASSERT_EQ(w.Request("requester.toml", {"--request", examples + "/request-wmo-adults.toml"},
                      "request-adults"),
            0)
      << ReadFile(w.Log("request-adults"));
  const std::string out = ReadFile(w.Log("request-adults"));
  EXPECT_NE(out.find("1 checked by the differencing guard"), std::string::npos) << out;
  const std::string log = ReadFile(w.dir() / "hub" / "release.log");
  const size_t last = log.rfind("\n{", log.size() - 2) + 1;
  const auto entry = nlohmann::json::parse(log.substr(last));
  EXPECT_EQ(entry["request"]["population"], "adults");
  EXPECT_GT(entry["protection"]["suppressed_by_guard"].get<int>(), 0);
  // The adults table again, within its one gemeente: every cell was released just now, so it
  // comes back as it was, solving nothing, saved under the gemeente's name.
  ASSERT_EQ(w.Request("requester.toml",
                      {"--request", examples + "/request-wmo-adults.toml", "--within", "gm9999"},
                      "request-within"),
            0)
      << ReadFile(w.Log("request-within"));
  const std::string again = ReadFile(w.dir() / "hub" / "release.log");
  const auto within = nlohmann::json::parse(again.substr(again.rfind("\n{", again.size() - 2) + 1));
  EXPECT_EQ(within["request"]["within"], "GM9999");
  EXPECT_EQ(within["protection"]["lp_ranges_solved"], 0);
  EXPECT_EQ(within["table"], entry["table"]);
  EXPECT_TRUE(fs::exists(w.dir() / "release" /
                         fmt::format("adults-GM9999-{:04d}.csv", within["seq"].get<int>())));
  // An unknown attribute is refused with the reason, and the refusal is logged.
  testing_util::WriteFile(
      w.dir() / "bad.json",
      R"({"population": "adults", "measures": [{"name": "x", "expression": "income"}]})");
  EXPECT_EQ(w.Request("requester.toml", {"--request", (w.dir() / "bad.json").string()}, "bad"), 1);
  EXPECT_NE(ReadFile(w.Log("bad")).find("'income' is not an attribute"), std::string::npos)
      << ReadFile(w.Log("bad"));
  EXPECT_EQ(w.StopHub(), 0);
  ASSERT_EQ(w.Audit(), 0) << ReadFile(w.Log("audit"));
  EXPECT_NE(ReadFile(w.Log("audit")).find("LP audit: every suppressed cell of the 3 released"),
            std::string::npos)
      << ReadFile(w.Log("audit"));
}

// The release entries of the project's release log, in order.
std::vector<nlohmann::json> ReleaseEntries(const fs::path& dir) {
  std::vector<nlohmann::json> out;
  std::istringstream log(ReadFile(dir / "hub" / "release.log"));
  for (std::string line; std::getline(log, line);) {
    auto entry = nlohmann::json::parse(line);
    if (entry["type"] == "release") out.push_back(std::move(entry));
  }
  return out;
}

// The issue's three kinds of composed request (pairwise unions on top of the stacking table,
// "halving" with decoys, inclusion-exclusion over three indicators), sent to a running hub:
// over everything the log holds, an attacker LP over every atom narrows no small count of any
// conjunction, and the officer's audit passes.
TEST(EndToEndTest, ComposedRequestsNarrowNoSmallCountOfAnyConjunction) {
  World w;
  w.StartHub();
  w.RunAllAgents();
  ASSERT_EQ(w.Request(), 0) << ReadFile(w.Log("request"));
  const std::string x = "(wmo AND social_assistance)", d1 = "(youth_care AND NOT wmo)",
                    d2 = "(rent_arrears AND NOT youth_care AND NOT wmo)",
                    d3 = "(wmo AND NOT social_assistance AND NOT youth_care)";
  const std::vector<std::string> requests = {
      R"json({"population": "residents", "measures": [
           {"name": "wmo_or_arrears", "expression": "wmo OR rent_arrears"},
           {"name": "sa_or_arrears", "expression": "social_assistance OR rent_arrears"},
           {"name": "wmo_or_sa", "expression": "wmo OR social_assistance"},
           {"name": "youth_or_wmo", "expression": "youth_care OR wmo"}]})json",
      fmt::format(R"json({{"population": "residents", "measures": [
           {{"name": "u1", "expression": "{0} OR {1}"}}, {{"name": "u2", "expression": "{0} OR {2}"}},
           {{"name": "u3", "expression": "{0} OR {3}"}}, {{"name": "u4", "expression": "{1} OR {2}"}},
           {{"name": "u5", "expression": "{1} OR {3}"}}, {{"name": "u6", "expression": "{2} OR {3}"}}]}})json",
                  x, d1, d2, d3),
      R"json({"population": "adults", "measures": [
           {"name": "wmo_or_debts", "expression": "wmo OR debts"},
           {"name": "wmo_or_youth", "expression": "wmo OR youth_care"},
           {"name": "debts_or_youth", "expression": "debts OR youth_care"},
           {"name": "any", "expression": "atleast(1, wmo, debts, youth_care)"},
           {"name": "wmo", "expression": "wmo"}, {"name": "debts", "expression": "debts"},
           {"name": "youth", "expression": "youth_care"}]})json"};
  for (size_t i = 0; i < requests.size(); ++i) {
    const fs::path file = w.dir() / fmt::format("composed-{}.json", i);
    WriteFile(file, requests[i]);
    ASSERT_EQ(w.Request("requester.toml", {"--request", file.string()}, file.stem().string()), 0)
        << ReadFile(w.Log(file.stem().string()));
  }
  EXPECT_EQ(w.StopHub(), 0);
  std::vector<ReleasedTable> releases;
  DisclosureRules rules;
  for (const nlohmann::json& entry : ReleaseEntries(w.dir())) {
    auto logged = ReadReleaseEntry(entry);
    ASSERT_TRUE(logged.ok()) << logged.status();
    releases.push_back(logged->released);
    rules = logged->rules;
  }
  ASSERT_EQ(releases.size(), 4u);
  auto truth =
      BuurtCountsFromJson(nlohmann::json::parse(ReadFile(w.dir() / "truth" / "true_counts.json")));
  ASSERT_TRUE(truth.ok()) << truth.status();
  auto narrowed = testing_util::NarrowedConjunctions(rules, releases, *truth);
  ASSERT_TRUE(narrowed.ok()) << narrowed.status();
  for (const auto& n : *narrowed) ADD_FAILURE() << n.ToString();
  ASSERT_EQ(w.Audit(), 0) << ReadFile(w.Log("audit"));
}

// The persons (column "person") a truth file lists, e.g. truth/credit_rows.csv.
std::set<std::string> PersonsIn(const fs::path& file) {
  std::set<std::string> out;
  std::istringstream in(ReadFile(file));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    const size_t a = line.find(','), b = line.find(',', a + 1);
    out.insert(line.substr(a + 1, b - a - 1));
  }
  return out;
}

// One resident with Wmo leaves the register and the municipality sends its export again; the
// analyst, who asked tables before, asks the same again. Over both data states (the attacker
// knows one person changed in that buurt), an attacker LP over every atom narrows neither a
// small count of either state nor anything that person had; the reply says the guard took in
// the earlier state, and the officer's audit passes.
TEST(EndToEndTest, AOnePersonUpdateDisclosesNothingAboutThatPerson) {
  World w;
  w.StartHub();
  w.RunAllAgents();
  const std::vector<std::string> requests = {
      R"json({"population": "residents", "measures": [{"name": "wmo", "expression": "wmo"},
           {"name": "youth_care", "expression": "youth_care"},
           {"name": "wmo_and_minor", "expression": "wmo AND minor"}]})json",
      R"json({"population": "adults", "measures": [{"name": "wmo", "expression": "wmo"},
           {"name": "wmo_or_sa", "expression": "wmo OR social_assistance"}]})json"};
  auto ask = [&](const std::string& round) {
    for (size_t i = 0; i < requests.size(); ++i) {
      const fs::path file = w.dir() / fmt::format("request-{}.json", i);
      WriteFile(file, requests[i]);
      const std::string log = fmt::format("request-{}-{}", round, i);
      ASSERT_EQ(w.Request("requester.toml", {"--request", file.string()}, log), 0)
          << ReadFile(w.Log(log));
    }
  };
  ask("before");
  // The one who leaves: an adult with Wmo whom no other party's export names, so the truth
  // file's persons give the change exactly.
  const std::set<std::string> elsewhere = [&] {
    std::set<std::string> out = PersonsIn(w.dir() / "truth" / "credit_rows.csv");
    out.merge(PersonsIn(w.dir() / "truth" / "housing_rows.csv"));
    return out;
  }();
  std::string bsn, buurt;
  uint64_t bits = 0;
  {
    std::istringstream persons(ReadFile(w.dir() / "truth" / "persons.csv"));
    std::string line;
    std::getline(persons, line);  // person,bsn,buurt,in_register,youth_care,wmo,sa,arrears,debts
    while (bsn.empty() && std::getline(persons, line)) {
      std::vector<std::string> f;
      for (size_t at = 0, next; at <= line.size(); at = next + 1) {
        next = std::min(line.find(',', at), line.size());
        f.push_back(line.substr(at, next - at));
      }
      if (f.size() == 9 && f[3] == "1" && f[5] == "1" && !elsewhere.contains(f[0])) {
        bsn = f[1];
        buurt = f[2];
        bits = (f[4] == "1" ? 1u : 0u) | 2u | (f[6] == "1" ? 4u : 0u);
      }
    }
  }
  ASSERT_FALSE(bsn.empty());
  const fs::path input = w.dir() / "input" / "municipality.csv";
  std::string kept;
  bool removed = false;
  {
    std::istringstream rows(ReadFile(input));
    for (std::string line; std::getline(rows, line);) {
      if (line.starts_with(bsn + ";")) {
        if (line.ends_with(";1")) bsn.clear();  // a minor: take the next one instead
        removed = true;
        continue;
      }
      kept += line + "\n";
    }
  }
  ASSERT_TRUE(removed && !bsn.empty()) << "the first adult with Wmo was a minor";
  WriteFile(input, kept);
  ASSERT_EQ(w.RunAgent("agent-municipality.toml", {}, "municipality-update"), 0)
      << ReadFile(w.Log("municipality-update"));
  ask("after");
  EXPECT_EQ(w.StopHub(), 0);

  std::vector<ReleasedTable> releases;
  DisclosureRules rules;
  std::string first_state;
  for (const nlohmann::json& entry : ReleaseEntries(w.dir())) {
    auto logged = ReadReleaseEntry(entry);
    ASSERT_TRUE(logged.ok()) << logged.status();
    if (first_state.empty()) first_state = logged->data_version;
    logged->released.state = logged->data_version == first_state ? 1 : 0;
    if (logged->released.state == 0) {
      EXPECT_EQ(entry["protection"]["earlier_data_states"], 1);
    }
    releases.push_back(logged->released);
    rules = logged->rules;
  }
  ASSERT_EQ(releases.size(), 4u);
  ASSERT_EQ(releases.back().state, 0) << "the update should be a new data state";
  auto before =
      BuurtCountsFromJson(nlohmann::json::parse(ReadFile(w.dir() / "truth" / "true_counts.json")));
  ASSERT_TRUE(before.ok()) << before.status();
  BuurtCounts after = *before;
  auto& persons = after.buurten.at(buurt).persons;
  ASSERT_GT(persons[bits], 0);
  if (--persons[bits] == 0) persons.erase(bits);
  auto narrowed = testing_util::NarrowedConjunctions(rules, releases, after, SIZE_MAX, {*before});
  ASSERT_TRUE(narrowed.ok()) << narrowed.status();
  for (const auto& n : *narrowed) ADD_FAILURE() << n.ToString();
  ASSERT_EQ(w.Audit(), 0) << ReadFile(w.Log("audit"));
}

TEST(EndToEndTest, TwoPeriodsAreKeptApartAndTheirTrendMapOpensOfflineAndMatchesTheReleases) {
  World w;
  // The officer approves a project of two periods.
  const fs::path manifest = w.dir() / "config" / "manifest.toml";
  WriteFile(manifest, Replace(ReadFile(manifest),
                              "gemeenten = ", "periods = [\"2025\", \"2026\"]\ngemeenten = "));
  ASSERT_EQ(w.SignManifest(), 0) << ReadFile(w.Log("sign-manifest"));
  w.StartHub();
  // Without a period the agent refuses before it sends anything, and says how to fix it.
  EXPECT_EQ(w.RunAgent("agent-credit.toml", {}, "agent-no-period"), 1);
  EXPECT_NE(ReadFile(w.Log("agent-no-period")).find("name the export's period with --period"),
            std::string::npos)
      << ReadFile(w.Log("agent-no-period"));
  for (const char* party : {"municipality", "housing", "credit"}) {
    ASSERT_EQ(w.RunAgent(fmt::format("agent-{}.toml", party), {"--period", "2025"},
                         fmt::format("agent-{}-2025", party)),
              0)
        << ReadFile(w.Log(fmt::format("agent-{}-2025", party)));
  }
  ASSERT_EQ(w.Request("requester.toml", {"--period", "2025"}, "request-2025"), 0)
      << ReadFile(w.Log("request-2025"));
  const AreaTable alone_2025 = LoadTable(ReleasedFile(w.dir() / "release", ".json"));
  fs::remove_all(w.dir() / "release");
  // A year later: new exports of the same municipality, sent for 2026 by every party.
  ASSERT_EQ(RunProcess({(kBin / "stapel-synth").string(), "--out", (w.dir() / "2026").string(),
                        "--seed", "8", "--residents", std::to_string(kResidents)},
                       w.Log("synth-2026")),
            0);
  for (const char* party : {"municipality", "housing", "credit"}) {
    ASSERT_EQ(w.RunAgent(fmt::format("agent-{}.toml", party),
                         {"--period", "2026", "--input",
                          (w.dir() / "2026" / "input" / (std::string(party) + ".csv")).string()},
                         fmt::format("agent-{}-2026", party)),
              0);
  }
  // One trend request: each period released on its own, then side by side with the change.
  ASSERT_EQ(w.Request("requester.toml", {"--period", "2025", "--period", "2026"}, "request"), 0)
      << ReadFile(w.Log("request"));
  EXPECT_EQ(w.StopHub(), 0);
  fs::path trend_json, json_2025, json_2026;
  for (const auto& e : fs::directory_iterator(w.dir() / "release")) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("stacking-trend-") && name.ends_with(".json")) trend_json = e.path();
  }
  ASSERT_FALSE(trend_json.empty()) << ReadFile(w.Log("request"));
  const nlohmann::json trend_file = nlohmann::json::parse(ReadFile(trend_json));
  ASSERT_EQ(trend_file["periods"], nlohmann::json::array({"2025", "2026"}));
  ASSERT_EQ(trend_file["period_sequences"].size(), 2u);
  const auto release_file = [&](const nlohmann::json& seq) {
    return w.dir() / "release" / fmt::format("stacking-{:04d}.json", seq.get<uint64_t>());
  };
  json_2025 = release_file(trend_file["period_sequences"][0]);
  json_2026 = release_file(trend_file["period_sequences"][1]);
  // 2025 is still the data state it was: the 2026 exports replaced nothing of it, and its
  // guard saw the earlier 2025 release only, so the table is the one released before.
  const nlohmann::json release_2025 = nlohmann::json::parse(ReadFile(json_2025))["release"];
  EXPECT_EQ(release_2025["period"], "2025");
  EXPECT_EQ(release_2025["protection"]["earlier_releases_checked"], 1);
  const AreaTable table_2025 = LoadTable(json_2025);
  const AreaTable table_2026 = LoadTable(json_2026);
  EXPECT_EQ(table_2025.ToCsv(), alone_2025.ToCsv());
  const AreaTable trend = LoadTable(trend_json);
  const int residents_2025 = trend.MeasureIndex("residents 2025");
  const int change = trend.MeasureIndex("residents change 2025-2026");
  ASSERT_GE(residents_2025, 0);
  ASSERT_GE(change, 0);
  for (size_t r = 0; r < trend.rows.size(); ++r) {
    const Cell& from = table_2025.rows[r].cells[0];
    const Cell& to = table_2026.rows[r].cells[0];
    EXPECT_EQ(trend.rows[r].cells[residents_2025].value, from.value);
    EXPECT_EQ(trend.rows[r].cells[change].suppressed, from.suppressed || to.suppressed);
    if (!from.suppressed && !to.suppressed) {
      EXPECT_EQ(trend.rows[r].cells[change].value, to.value - from.value);
    }
  }
  ASSERT_EQ(w.Audit(), 0) << ReadFile(w.Log("audit"));
  const fs::path html = w.dir() / "stacking-map.html";
  const fs::path geojson = w.dir() / "input" / "buurten.geojson";
  ASSERT_EQ(
      RunProcess({(kBin / "stapel-report").string(), "--boundaries", geojson.string(), "--release",
                  "2025=" + json_2025.string(), "--release", "2026=" + json_2026.string(), "--out",
                  html.string(), "--title", "Stapeldorp"},
                 w.Log("report")),
      0)
      << ReadFile(w.Log("report"));
  EXPECT_NE(ReadFile(w.Log("report")).find("wrote"), std::string::npos);
  const fs::path csv_2025 = fs::path(json_2025).replace_extension(".csv");
  const fs::path csv_2026 = fs::path(json_2026).replace_extension(".csv");

  // Headless Chromium, offline: every buurt drawn, layers switch, suppressed buurten hatched,
  // the tables equal the released CSV files. Screenshots are kept as test artefacts.
  const int browser = RunProcess(
      std::vector<std::string>{
          "/usr/bin/python3",
          (fs::path(STAPEL_SOURCE_DIR) / "tests" / "browser" / "check_report.py").string(),
          "--html", html.string(), "--geojson", geojson.string(), "--csv", csv_2025.string(),
          "--csv", csv_2026.string(), "--screenshots",
          (fs::path(STAPEL_ARTEFACT_DIR) / "report").string()},
      w.Log("browser"));
  EXPECT_EQ(browser, 0) << ReadFile(w.Log("browser"));

  // A release file of another municipality is refused, naming what does not fit.
  auto other = nlohmann::json::parse(ReadFile(json_2026));
  for (auto& row : other["rows"]) {
    row["code"] = Replace(row["code"].get<std::string>(), "9999", "1234");
  }
  WriteFile(w.dir() / "other.json", other.dump());
  EXPECT_EQ(
      RunProcess({(kBin / "stapel-report").string(), "--boundaries", geojson.string(), "--release",
                  (w.dir() / "other.json").string(), "--out", (w.dir() / "other.html").string()},
                 w.Log("report-other")),
      1);
  EXPECT_NE(ReadFile(w.Log("report-other")).find("are they boundaries of the same municipality"),
            std::string::npos)
      << ReadFile(w.Log("report-other"));
}

// A project in cell-key mode (signed by the officer) where a requester composes 100 tables:
// no small count goes to x (only tiny areas and group disclosure, with their complements), no
// published count lies in 1..threshold, the same cell has the same value in every release that
// shows it, and the officer's audit verifies all of it from the log.
// A portal user composes a hundred tables in cell-key mode; then one resident leaves the
// register, the municipality sends its export again, and the first table is asked again with
// stapel-request: the areas that hold that person are held back, every other cell keeps its
// value, and the officer's audit verifies all of it.
TEST(EndToEndTest, AHundredComposedCellKeyTablesSuppressNothingSmallAndAgreeCellForCell) {
  World w;
  const fs::path manifest = w.dir() / "config" / "manifest.toml";
  WriteFile(manifest,
            Replace(ReadFile(manifest), "[disclosure]\n", "[disclosure]\nmethod = \"cell_key\"\n"));
  ASSERT_EQ(w.SignManifest(), 0) << ReadFile(w.Log("sign-manifest"));
  const fs::path port_file = w.dir() / "portal.port";
  w.StartHub({"--portal-listen", "127.0.0.1:0", "--portal-port-file", port_file.string()});
  w.RunAllAgents();
  const std::vector<std::string> indicators = {"youth_care", "wmo", "social_assistance",
                                               "rent_arrears", "debts"};
  std::vector<std::string> expressions;
  for (size_t a = 0; a < indicators.size(); ++a) {
    expressions.push_back(indicators[a]);
    for (size_t b = 0; b < indicators.size(); ++b) {
      if (a == b) continue;
      expressions.push_back(indicators[a] + " AND " + indicators[b]);  // both orders: one cell
      expressions.push_back(indicators[a] + " AND NOT " + indicators[b]);
      if (a < b) expressions.push_back(indicators[a] + " OR " + indicators[b]);
    }
  }
  expressions.push_back("atleast(2, youth_care, wmo, social_assistance, rent_arrears, debts)");
  expressions.push_back("atleast(3, youth_care, wmo, social_assistance, rent_arrears, debts)");
  const std::vector<std::string> populations = {"residents", "adults", "minors"};
  nlohmann::json requests = nlohmann::json::array();
  for (size_t i = 0; i < 100; ++i) {
    requests.push_back(
        {{"purpose", fmt::format("composed table {}", i)},
         {"population", populations[i % populations.size()]},
         {"level", i % 4 == 3 ? "wijk" : "buurt"},
         {"measures", {{{"name", "m"}, {"expression", expressions[i % expressions.size()]}}}}});
  }
  const fs::path requests_file = w.dir() / "requests.json";
  WriteFile(requests_file, requests.dump());
  ASSERT_EQ(
      RunProcess(
          std::vector<std::string>{
              "/usr/bin/python3",
              (fs::path(STAPEL_SOURCE_DIR) / "tests" / "browser" / "compose_through_portal.py")
                  .string(),
              "--port", std::to_string(std::stoi(ReadFile(port_file))), "--keys",
              (w.dir() / "keys").string(), "--requests", requests_file.string(), "--expect",
              "Counts are perturbed by the cell key method"},
          w.Log("portal")),
      0)
      << ReadFile(w.Log("portal"));

  // One resident leaves: the first row of the register's export.
  const fs::path input = w.dir() / "input" / "municipality.csv";
  std::istringstream rows(ReadFile(input));
  std::string header, gone, kept;
  std::getline(rows, header);
  std::getline(rows, gone);
  kept = header + "\n";
  for (std::string line; std::getline(rows, line);) kept += line + "\n";
  WriteFile(input, kept);
  const std::string bsn = gone.substr(0, gone.find(';'));
  std::string buurt;
  {
    std::istringstream persons(ReadFile(w.dir() / "truth" / "persons.csv"));
    for (std::string line; buurt.empty() && std::getline(persons, line);) {
      const size_t a = line.find(','), b = line.find(',', a + 1), c = line.find(',', b + 1);
      if (line.substr(a + 1, b - a - 1) == bsn) buurt = line.substr(b + 1, c - b - 1);
    }
  }
  ASSERT_EQ(buurt.size(), 10u) << bsn;
  ASSERT_EQ(w.RunAgent("agent-municipality.toml", {}, "municipality-update"), 0)
      << ReadFile(w.Log("municipality-update"));
  const fs::path first_request = w.dir() / "request-again.json";
  WriteFile(first_request, requests[0].dump());
  ASSERT_EQ(w.Request("requester.toml", {"--request", first_request.string()}, "request-again"), 0)
      << ReadFile(w.Log("request-again"));
  const std::string again_output = ReadFile(w.Log("request-again"));
  EXPECT_NE(again_output.find("Cell key method"), std::string::npos) << again_output;
  // (printed only when some are)
  EXPECT_NE(again_output.find(" cells held back because their area's data changed"),
            std::string::npos)
      << again_output;
  EXPECT_EQ(w.StopHub(), 0);
  const std::vector<nlohmann::json> entries = ReleaseEntries(w.dir());
  ASSERT_EQ(entries.size(), 101u);
  int64_t published = 0, suppressed = 0;
  for (size_t e = 0; e < 100; ++e) {
    const nlohmann::json& entry = entries[e];
    EXPECT_EQ(entry["rules"]["method"], "cell_key");
    EXPECT_FALSE(entry["protection"].contains("mean_absolute_perturbation"));
    for (const auto& row : entry["table"]["rows"]) {
      const auto& values = row["values"];
      // An area below the minimum population publishes nothing, in either method.
      if (std::all_of(values.begin(), values.end(), [](const auto& v) { return v.is_null(); })) {
        continue;
      }
      for (const auto& value : values) {
        if (value.is_null()) {
          ++suppressed;
          continue;
        }
        ++published;
        EXPECT_FALSE(value.get<int64_t>() >= 1 && value.get<int64_t>() <= 2) << entry["seq"];
      }
    }
  }
  // Elsewhere only group disclosure and its complements: a small share, not the quarter and
  // more that suppression loses over composed requests.
  EXPECT_LT(static_cast<double>(suppressed) / static_cast<double>(published + suppressed), 0.05)
      << suppressed << " of " << published + suppressed;
  // After the update: the person's buurt, wijk and gemeente show nothing; a row that shows
  // anything shows what it showed before. (Relinking may move a borderline fuzzy link
  // elsewhere too; its areas are then held back as well.)
  const auto& before_rows = entries[0]["table"]["rows"];
  const auto& after_rows = entries[100]["table"]["rows"];
  ASSERT_EQ(before_rows.size(), after_rows.size());
  EXPECT_GT(entries[100]["protection"]["held_back"].get<int>(), 0);
  const std::set<std::string> holding = {buurt, "WK" + buurt.substr(2, 6),
                                         "GM" + buurt.substr(2, 4)};
  const auto none = [](const nlohmann::json& values) {
    return std::all_of(values.begin(), values.end(), [](const auto& v) { return v.is_null(); });
  };
  int shown = 0, also_held = 0;
  for (size_t r = 0; r < after_rows.size(); ++r) {
    const std::string code = after_rows[r]["code"];
    const auto& values = after_rows[r]["values"];
    if (holding.contains(code)) {
      EXPECT_TRUE(none(values)) << code;
    } else if (!none(values)) {
      EXPECT_EQ(values, before_rows[r]["values"]) << code;
      ++shown;
    } else {
      also_held += !none(before_rows[r]["values"]);
    }
  }
  EXPECT_GT(shown, 20);
  EXPECT_LE(also_held, 3);
  ASSERT_EQ(w.Audit(), 0) << ReadFile(w.Log("audit"));
  EXPECT_NE(ReadFile(w.Log("audit")).find("101"), std::string::npos) << ReadFile(w.Log("audit"));
}

}  // namespace
}  // namespace stapel
