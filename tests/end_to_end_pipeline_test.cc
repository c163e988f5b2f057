// End-to-end: the pipeline from the parties' exports to released tables, linked once per data
// state; the release log's proofs; linkage quality on dirty data.

#include <cmath>
#include <sstream>
#include <string>

#include "tests/end_to_end_world.h"

namespace stapel {
namespace {

using namespace e2e;  // NOLINT: the tests' shared world

TEST(EndToEndTest, EachDataStateIsLinkedOffTheRequestPathAndAgainAfterARestart) {
  World w;
  w.StartHub();
  w.RunAllAgents();
  // After the last submission, the hub links the new state by itself, before anyone asks (a
  // link that ran while the credit registry submitted is of the state before it).
  auto linked_after_credit = [&] {
    const std::string log = ReadFile(w.Log("hub"));
    return log.find(" of municipality, housing, credit in ") != std::string::npos;
  };
  for (int i = 0; i < 600 && !linked_after_credit(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(linked_after_credit()) << ReadFile(w.Log("hub"));
  const std::vector<std::string> before = LinkedStates(w.Log("hub"));
  ASSERT_EQ(w.Request(), 0) << ReadFile(w.Log("request"));
  ASSERT_EQ(
      w.Request("requester.toml", {"--request", (kExamples / "request-wmo-adults.toml").string()},
                "request-adults"),
      0)
      << ReadFile(w.Log("request-adults"));
  // Both tables came from that linked state; neither request linked.
  EXPECT_EQ(LinkedStates(w.Log("hub")), before);
  EXPECT_EQ(LastReleasedState(w.dir() / "hub" / "release.log"), before.back());

  // Restarted, the hub links the state in storage at once: the next table finds it linked.
  // (The hub appends to its log.)
  ASSERT_EQ(w.StopHub(), 0);
  w.StartHub();
  auto since_restart = [&] {
    std::vector<std::string> states = LinkedStates(w.Log("hub"));
    states.erase(states.begin(), states.begin() + static_cast<std::ptrdiff_t>(before.size()));
    return states;
  };
  for (int i = 0; i < 600 && since_restart().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(since_restart(), std::vector<std::string>{before.back()}) << ReadFile(w.Log("hub"));
  ASSERT_EQ(w.Request("requester.toml", {}, "request-again"), 0)
      << ReadFile(w.Log("request-again"));
  EXPECT_EQ(since_restart(), std::vector<std::string>{before.back()});
  EXPECT_EQ(LastReleasedState(w.dir() / "hub" / "release.log"), before.back());
  ASSERT_EQ(w.StopHub(), 0);
}

TEST(EndToEndTest, ThreePartiesLinkAndTheReleasedTableEqualsTheSuppressedGroundTruth) {
  World w;
  w.StartHub();
  w.RunAllAgents();
  ASSERT_EQ(w.Request(), 0) << ReadFile(w.Log("request"));
  AreaTable released = LoadTable(ReleasedFile(w.dir() / "release", ".json"));
  AreaTable expected = ExpectedStackingTable(w.dir());
  ExpectSameTable(released, expected);
  int suppressed = 0;
  for (const auto& row : released.rows) {
    for (const auto& c : row.cells) suppressed += c.suppressed;
  }
  EXPECT_GT(suppressed, 0) << "the demo should exercise suppression";
  // The CSV says the same, with x for suppressed cells.
  const std::string csv = ReadFile(ReleasedFile(w.dir() / "release", ".csv"));
  EXPECT_EQ(csv, released.ToCsv());

  EXPECT_EQ(w.StopHub(), 0) << "SIGTERM must stop the hub cleanly";
  // The linkage report of the fuzzy parties holds the model's estimates, as shares.
  {
    std::ifstream entries(w.dir() / "hub" / "release.log");
    nlohmann::json release;
    for (std::string line; std::getline(entries, line);) {
      const auto entry = nlohmann::json::parse(line);
      if (entry["type"] == "release") release = entry;
    }
    // The housing corporation's rows go through the fuzzy pass; the credit registry's (by BSN)
    // do not, so it has no model to estimate with.
    const nlohmann::json& estimated = release["linkage"]["housing"]["estimated"];
    ASSERT_TRUE(estimated.is_object()) << release["linkage"].dump();
    for (const char* share : {"precision", "recall_of_candidates"}) {
      const std::string text = estimated[share].get<std::string>();
      ASSERT_TRUE(text.ends_with("%")) << text;
      const double percent = std::stod(text);
      EXPECT_GT(percent, 95.0) << share;
      EXPECT_LE(percent, 100.0) << share;
    }
    EXPECT_FALSE(release["linkage"]["credit"].contains("estimated"));
    EXPECT_FALSE(release["linkage"]["municipality"].contains("estimated"));
  }
  ASSERT_EQ(w.Audit(), 0) << ReadFile(w.Log("audit"));
  // The manifest, the key ceremony's epoch, three submissions and the release.
  EXPECT_NE(ReadFile(w.Log("audit"))
                .find("OK: 6 entries verified in " + (w.dir() / "hub" / "release.log").string() +
                      ": 1 release, 3 submissions, 0 refusals, 1 manifest change, 1 key epoch"),
            std::string::npos)
      << ReadFile(w.Log("audit"));

  // Any edit of the log is caught by the privacy officer's tool.
  const fs::path log = w.dir() / "hub" / "release.log";
  std::string text = ReadFile(log);
  const size_t at = text.find("\"residents\"");
  ASSERT_NE(at, std::string::npos);
  text[at + 1] = 'R';
  WriteFile(log, text);
  EXPECT_EQ(w.Audit("audit-tampered"), 1);
  EXPECT_NE(ReadFile(w.Log("audit-tampered")).find("entry on line 6"), std::string::npos)
      << ReadFile(w.Log("audit-tampered"));  // the release, after 5 entries
}

TEST(EndToEndTest, TheReleaseLogProvesItsHistoryToAnOfficerWithASavedHead) {
  World w;
  w.StartHub();
  w.RunAllAgents();
  ASSERT_EQ(w.Request(), 0);
  const std::string head = (w.dir() / "head-1.json").string();
  ASSERT_EQ(w.AuditCommand("verify", {"--save-head", head}, "audit-1"), 0)
      << ReadFile(w.Log("audit-1"));
  // The hub restarts and releases again: the log only grows.
  ASSERT_EQ(w.StopHub(), 0);
  w.StartHub();
  ASSERT_EQ(w.Request(), 0) << ReadFile(w.Log("request"));
  ASSERT_EQ(w.StopHub(), 0);
  ASSERT_EQ(w.AuditCommand("verify", {}, "audit-2"), 0) << ReadFile(w.Log("audit-2"));
  // The restart logged no second manifest entry: the manifest did not change.
  EXPECT_NE(ReadFile(w.Log("audit-2"))
                .find("2 releases, 3 submissions, 0 refusals, 1 manifest change, 1 key epoch; 7 "
                      "signed tree heads"),
            std::string::npos)
      << ReadFile(w.Log("audit-2"));
  EXPECT_EQ(w.AuditCommand("prove-consistency", {"--old-head", head}, "consistency"), 0)
      << ReadFile(w.Log("consistency"));
  EXPECT_EQ(w.AuditCommand("prove-inclusion", {"--seq", "1", "--head", head}, "inclusion"), 0)
      << ReadFile(w.Log("inclusion"));
  EXPECT_EQ(w.AuditCommand("show", {}, "show"), 0);
  EXPECT_NE(ReadFile(w.Log("show")).find("submission of 'housing'"), std::string::npos)
      << ReadFile(w.Log("show"));
  EXPECT_NE(ReadFile(w.Log("show")).find("release to 'analyst'"), std::string::npos);
  // A saved head that was edited is refused.
  std::string edited = ReadFile(head);
  edited[edited.find("\"root\":\"") + 8] ^= 1;
  WriteFile(w.dir() / "head-edited.json", edited);
  EXPECT_EQ(
      w.AuditCommand("prove-consistency", {"--old-head", (w.dir() / "head-edited.json").string()},
                     "consistency-edited"),
      1);
  // Removing the newest release is caught: a signed head covers it.
  const fs::path log = w.dir() / "hub" / "release.log";
  std::string text = ReadFile(log);
  text.erase(text.find('\n') + 1);
  WriteFile(log, text);
  EXPECT_EQ(w.Audit("audit-cut"), 1);
  EXPECT_NE(ReadFile(w.Log("audit-cut")).find("entries removed"), std::string::npos)
      << ReadFile(w.Log("audit-cut"));
}

// A synthetic population of 50,000 (seed 11, with `dirt`: stapel-synth's options for the
// housing export), the parties' keys and the example configs, for stapel-linkage-eval.
fs::path LinkageProject(const std::vector<std::string>& dirt) {
  const fs::path dir = FreshTempDir();
  std::vector<std::string> synth = {(kBin / "stapel-synth").string(),
                                    "--out",
                                    dir.string(),
                                    "--seed",
                                    "11",
                                    "--residents",
                                    "50000"};
  synth.insert(synth.end(), dirt.begin(), dirt.end());
  EXPECT_EQ(RunProcess(synth, dir / "synth.log"), 0);
  EXPECT_EQ(RunProcess({(kBin / "stapel-keys").string(), "init", "--out", (dir / "keys").string(),
                        "--project", "stapeldorp-2026", "--party", "municipality", "--party",
                        "housing", "--party", "credit"},
                       dir / "keys.log"),
            0);
  fs::create_directories(dir / "config");
  for (const auto& entry : fs::directory_iterator(kExamples)) {
    fs::copy_file(entry.path(), dir / "config" / entry.path().filename());
  }
  return dir;
}

TEST(LinkageQualityTest, DeterministicAndFuzzyPassesMeetTheTargetsOnDirtyData) {
  // 20% of the housing corporation's rows of residents carry typed errors of every kind.
  const fs::path dir = LinkageProject({"--error-rate", "0.2"});
  // Deterministic passes alone, and with the fuzzy pass: both meet the targets.
  for (const bool fuzzy : {false, true}) {
    std::vector<std::string> argv = {(kBin / "stapel-linkage-eval").string(),
                                     "--register-config",
                                     (dir / "config" / "agent-municipality.toml").string(),
                                     "--source-config",
                                     (dir / "config" / "agent-housing.toml").string(),
                                     "--truth",
                                     (dir / "truth" / "housing_pairs.csv").string()};
    if (!fuzzy) argv.push_back("--no-fuzzy");
    const fs::path log = dir / (fuzzy ? "eval-fuzzy.log" : "eval.log");
    ASSERT_EQ(RunProcess(argv, log), 0) << ReadFile(log);
    const std::string out = ReadFile(log);
    double precision = 0, recall = 0;
    const size_t at = out.find("precision ");
    ASSERT_NE(at, std::string::npos) << out;
    ASSERT_EQ(std::sscanf(out.c_str() + at, "precision %lf recall %lf", &precision, &recall), 2)
        << out;
    EXPECT_GE(precision, 0.995) << out;
    EXPECT_GE(recall, 0.98) << out;
    if (fuzzy) {  // keys and salts reach nearly every true pair
      double reachable = 0;
      const size_t r = out.find("can find them): ");
      ASSERT_NE(r, std::string::npos) << out;
      ASSERT_EQ(std::sscanf(out.c_str() + r, "can find them): %*d (%lf)", &reachable), 1) << out;
      EXPECT_GE(reachable, 0.998) << out;
    }
    // Every fallback pass did some of the work.
    std::vector<std::string> passes = {"initial_surname_birth", "birth_postcode_house",
                                       "initial_surname_postcode_house"};
    if (fuzzy) passes.push_back("fuzzy  ");
    for (const std::string& pass : passes) {
      const size_t p = out.find(pass);
      ASSERT_NE(p, std::string::npos) << pass << "\n" << out;
      EXPECT_GT(std::stoi(out.substr(p + pass.size())), 0) << pass << "\n" << out;
    }
  }
}

// The harsh preset (up to three corrupted fields, as public benchmarks have): no precision is
// lost, the fuzzy pass's model estimates its precision, and the true pairs whose rows the agent
// accepts share a key or a salt (a row with an impossible date is sent without it).
TEST(LinkageQualityTest, TheHarshPresetKeepsPrecisionAndItsPairsShareAKeyOrASalt) {
  const fs::path dir = LinkageProject({"--preset", "harsh"});
  const fs::path log = dir / "eval.log";
  ASSERT_EQ(RunProcess({(kBin / "stapel-linkage-eval").string(), "--register-config",
                        (dir / "config" / "agent-municipality.toml").string(), "--source-config",
                        (dir / "config" / "agent-housing.toml").string(), "--truth",
                        (dir / "truth" / "housing_pairs.csv").string(), "--show-missed", "100000"},
                       log),
            0)
      << ReadFile(log);
  const std::string out = ReadFile(log);
  const size_t p = out.find("precision "), r = out.find("can find them): ");
  ASSERT_NE(p, std::string::npos) << out;
  ASSERT_NE(r, std::string::npos) << out;
  double precision = 0, recall = 0, reachable = 0;
  ASSERT_EQ(std::sscanf(out.c_str() + p, "precision %lf recall %lf", &precision, &recall), 2)
      << out;
  ASSERT_EQ(std::sscanf(out.c_str() + r, "can find them): %*d (%lf)", &reachable), 1) << out;
  // 0.9986 to 0.9989 before keys were held back from records that contradict their person on
  // both the first name and the birth date, or were born with another at their address, and
  // before a close date's year was left out; 0.9989 to 0.9994 over twelve secrets since.
  EXPECT_GE(precision, 0.9985) << out;
  // 0.869 while rows with an impossible date were rejected, 0.915 with one Bloom filter over
  // all fields and a Dice threshold, 0.950 with a filter per field and the Fellegi-Sunter model
  // (0.952 with the filters' own blocks too), 0.950 with the filters salted (bloom_filter.h),
  // 0.971 with a move as one event, 0.979 with a pair weighed against its record's other
  // candidates and the birth year as a field, 0.984 with the names salt; 0.977 when the preset
  // gave persons several given names and typed initials, 0.986 with the first given name alone
  // encoded and initials left out; 0.980 to 0.981 with a later given name typed too (the run's
  // random secret moves the last digit), where every given name encoded together gives 0.977;
  // 0.985 to 0.986 with the names salt without the year (layout v7); 0.986 to 0.988 with u
  // fixed from the source's linked records and one match per record in EM; 0.990 with the
  // example manifest's fuzzy precision 0.98 (was 0.99): 0.9891 to 0.9900 over five secrets,
  // precision 0.9993 to 0.9996; 0.9891 to 0.9896, precision 0.9986 to 0.9987, with the sex
  // written wrong or left out too; 0.9888 to 0.9896 over eighteen secrets with an equal year
  // beside a close date left out; 0.9903 to 0.9909 over ten secrets with a first given name
  // found among the later ones as its own level (later_given_names; kept at 0.988: a run's
  // secret moves it by 0.001).
  EXPECT_GE(recall, 0.988) << out;
  // The model's own estimate of precision, made without the truth, is near the truth.
  const size_t e = out.find("without the truth: precision ");
  ASSERT_NE(e, std::string::npos) << out;
  double estimated = 0;
  ASSERT_EQ(std::sscanf(out.c_str() + e, "without the truth: precision %lf", &estimated), 1);
  EXPECT_NEAR(estimated, precision, 0.01) << out;
  // Link by link the model does not overstate: no band of match probabilities has more wrong
  // links than its probabilities expect, give or take chance (on this preset it understates,
  // 2026-12-04: its links of 0.80 to 0.90 were all right). Every fuzzy link is in a band.
  const size_t fuzzy = out.find("  fuzzy "), bands = out.find("right):\n");
  ASSERT_NE(fuzzy, std::string::npos) << out;
  ASSERT_NE(bands, std::string::npos) << out;
  std::istringstream band_lines(out.substr(bands + 8));
  std::string band;
  int banded = 0;
  while (std::getline(band_lines, band) && band.starts_with("  [")) {
    int links = 0;
    double mean = 0, right = 0;
    const int read = std::sscanf(band.c_str(), "  [%*f, %*f%*c %d links  mean %lf  right %lf",
                                 &links, &mean, &right);
    ASSERT_GE(read, 1) << band;
    banded += links;
    const double expected_wrong = links * (1 - mean);
    EXPECT_LE(links * (1 - right), expected_wrong + 2 * std::sqrt(links * mean * (1 - mean)) + 1)
        << band;
  }
  EXPECT_EQ(banded, std::stoi(out.substr(fuzzy + 8))) << out;
  // 0.886 with the three blocking schemes of before, 0.902 with five, 0.955 since the agent keeps
  // what is valid of a row, 0.989 and then 0.999 with the hub's blocks of the filters. Since the
  // filters are salted (bloom_filter.h) a pair can be compared only when it shares a salt; with
  // a birth date (day and month in either order) or an address: 0.980, 0.983 with the house
  // number's digits sorted as the postcode's; 0.990 with the names salt (the first given name and
  // the surname, in either column, with the birth year); 0.995 with the names salt of the first
  // given name and the surname's last part alone (docs/threat-model.md: its price).
  EXPECT_GE(reachable, 0.994) << out;
  // --show-missed lists the reachable true pairs that were not linked to each other: as many as
  // the reachable pairs beyond the correct links (a correct link is of a reachable pair).
  size_t correct = 0, reachable_pairs = 0;
  const size_t c = out.find("correct ");
  ASSERT_NE(c, std::string::npos) << out;
  ASSERT_EQ(std::sscanf(out.c_str() + c, "correct %zu", &correct), 1) << out;
  ASSERT_EQ(std::sscanf(out.c_str() + r, "can find them): %zu", &reachable_pairs), 1) << out;
  ASSERT_LE(correct, reachable_pairs) << out;
  const size_t listed = out.find("sharing a key or salt, not linked to each other");
  ASSERT_NE(listed, std::string::npos) << out;
  std::istringstream lines(out.substr(out.find('\n', listed) + 1));
  size_t missed = 0, source_line = 0, register_line = 0;
  for (std::string line; std::getline(lines, line);) {
    if (std::sscanf(line.c_str(), " %zu, %zu", &source_line, &register_line) != 2) break;
    ++missed;
  }
  EXPECT_EQ(missed, reachable_pairs - correct) << out;
}

}  // namespace
}  // namespace stapel
