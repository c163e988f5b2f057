// End-to-end tests: keys, demo data, a hub and party agents as real processes talking gRPC
// with mutual TLS on 127.0.0.1, a requester, and the privacy officer's audit.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>

#include <poll.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <sys/un.h>
#include <unistd.h>

#include "audit/officer_audit.h"
#include "disclosure/atom_attacker.h"
#include "disclosure/disclosure.h"
#include "disclosure/table_protection.h"
#include "keys/key_file.h"
#include "project/manifest.h"
#include "records/csv_reader.h"
#include "tables/area_table.h"
#include "tests/process.h"
#include "tests/temp_dir.h"

namespace stapel {
namespace {

namespace fs = std::filesystem;
using testing_util::FreshTempDir;
using testing_util::Process;
using testing_util::ReadFile;
using testing_util::RunProcess;
using testing_util::WriteFile;

const fs::path kBin = STAPEL_BIN_DIR;

// How many times a drill repeats a fault: the environment variable `name` (bench/drills.sh
// sets it), else `fallback`.
int DrillCount(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value == nullptr ? fallback : std::max(1, std::atoi(value));
}
const fs::path kExamples = fs::path(STAPEL_SOURCE_DIR) / "deploy" / "examples";
constexpr int kResidents = 20000;

std::string Replace(std::string text, std::string_view from, std::string_view to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// A demo project in a temporary folder laid out like the quickstart's: config/, keys/,
// input/, truth/, hub/, release/, logs/.
class World {
 public:
  World() : dir_(FreshTempDir()) {
    fs::create_directories(dir_ / "config");
    fs::create_directories(dir_ / "logs");
    // Without typed errors every valid row links, so the table must equal the ground truth.
    EXPECT_EQ(RunProcess({(kBin / "stapel-synth").string(), "--out", dir_.string(), "--seed", "7",
                          "--residents", std::to_string(kResidents), "--error-rate", "0"},
                         Log("synth")),
              0);
    EXPECT_EQ(
        RunProcess({(kBin / "stapel-keys").string(), "init", "--out", (dir_ / "keys").string(),
                    "--project", "stapeldorp-2026", "--party", "municipality", "--party", "housing",
                    "--party", "credit", "--requester", "analyst", "--officer", "officer",
                    // A certificate of the project CA for an identity the manifest does not name.
                    "--requester", "visitor"},
                   Log("keys")),
        0);
    for (const auto& entry : fs::directory_iterator(kExamples)) {
      // Give up quickly on an unreachable hub: the tests that expect refusals must not wait.
      std::string text = ReadFile(entry.path());
      if (entry.path().filename().string().starts_with("agent-")) {
        text = Replace(text, "name = \"hub\"", "name = \"hub\"\nretry_seconds = 1");
      }
      WriteFile(dir_ / "config" / entry.path().filename(), text);
    }
    EXPECT_EQ(SignManifest(), 0);
    // The key ceremony, as the quickstart holds it; the hub is started again by each test.
    StartHub();
    EXPECT_EQ(Ceremony("create", "municipality"), 0) << ReadFile(Log("ceremony-municipality"));
    for (const char* party : {"housing", "credit"}) {
      EXPECT_EQ(Ceremony("fetch", party), 0) << ReadFile(Log(fmt::format("ceremony-{}", party)));
    }
    EXPECT_EQ(StopHub(), 0);
  }
  ~World() {
    if (hub_) hub_->Stop();
  }

  const fs::path& dir() const { return dir_; }
  // tests/tls_probe.py against 127.0.0.1:port with the certificate of `who`: 0 when the
  // server answered, 3 when the handshake was refused.
  int ProbeTls(int port, const std::string& who) {
    return RunProcess(
        {"/usr/bin/python3", (fs::path(STAPEL_SOURCE_DIR) / "tests" / "tls_probe.py").string(),
         "--port", std::to_string(port), "--ca", (dir_ / "keys" / "ca.crt").string(), "--cert",
         (dir_ / "keys" / (who + ".crt")).string(), "--key",
         (dir_ / "keys" / (who + ".key")).string()},
        Log("probe-" + who));
  }
  // A requester config (config/requester-<identity>.toml) that presents the certificate of
  // `identity` instead of the analyst's; returns its name.
  std::string RequesterConfigAs(const std::string& identity) {
    std::string config = ReadFile(dir_ / "config" / "requester.toml");
    config = Replace(config, "../keys/analyst.crt", "../keys/" + identity + ".crt");
    config = Replace(config, "../keys/analyst.key", "../keys/" + identity + ".key");
    const std::string name = "requester-" + identity + ".toml";
    WriteFile(dir_ / "config" / name, config);
    return name;
  }
  // The privacy officer signs config/manifest.toml as it is now.
  int SignManifest() {
    return RunProcess({(kBin / "stapel-audit").string(), "sign-manifest", "--manifest",
                       (dir_ / "config" / "manifest.toml").string(), "--key",
                       (dir_ / "keys" / "officer-signing.key").string()},
                      Log("sign-manifest"));
  }
  fs::path Log(std::string_view name) const { return dir_ / "logs" / (std::string(name) + ".log"); }

  // Extra arguments are appended to stapel-hub serve's.
  void StartHub(std::vector<std::string> extra = {}) {
    fs::remove(dir_ / "hub.port");  // a restarted hub listens on another free port
    std::vector<std::string> argv = {(kBin / "stapel-hub").string(),
                                     "serve",
                                     "--config",
                                     (dir_ / "config" / "hub.toml").string(),
                                     "--listen",
                                     listen_,
                                     "--port-file",
                                     (dir_ / "hub.port").string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    hub_ = std::make_unique<Process>(argv, Log("hub"));
    for (int i = 0; i < 200 && !fs::exists(dir_ / "hub.port"); ++i) {
      ASSERT_TRUE(hub_->Running()) << ReadFile(Log("hub"));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(fs::exists(dir_ / "hub.port")) << ReadFile(Log("hub"));
    hub_address_ = "127.0.0.1:" + std::to_string(std::stoi(ReadFile(dir_ / "hub.port")));
  }
  int StopHub() { return hub_->Stop(); }
  // stapel-ceremony <command> for `party` (its agent config) against the hub.
  int Ceremony(std::string_view command, std::string_view party,
               std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {
        (kBin / "stapel-ceremony").string(),
        std::string(command),
        "--config",
        (dir_ / "config" / fmt::format("agent-{}.toml", party)).string(),
        "--hub",
        hub_address_};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunProcess(argv, Log(fmt::format("ceremony-{}", party)));
  }
  // Kills the hub with SIGKILL; the next StartHub listens on the same port again, so agents
  // that are retrying find it.
  int KillHub() {
    listen_ = hub_address_;
    return hub_->Kill();
  }

  // Runs the agent of `config` (a file in config/) against the hub; extra args appended.
  int RunAgent(std::string_view config, std::vector<std::string> extra = {},
               std::string_view log = "") {
    std::vector<std::string> argv = {(kBin / "stapel-agent").string(), "--config",
                                     (dir_ / "config" / config).string(), "--hub", hub_address_};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunProcess(argv, Log(log.empty() ? config : log));
  }
  void RunAllAgents() {
    for (const char* party : {"municipality", "housing", "credit"}) {
      ASSERT_EQ(RunAgent(fmt::format("agent-{}.toml", party)), 0)
          << ReadFile(Log(fmt::format("agent-{}.toml", party)));
    }
  }
  int Request(std::string_view config = "requester.toml", std::vector<std::string> extra = {},
              std::string_view log_name = "request") {
    return RunProcess(RequestArgv(config, std::move(extra)), Log(log_name));
  }
  // The same, running beside the test.
  std::unique_ptr<Process> StartRequest(std::string_view log_name) {
    return std::make_unique<Process>(RequestArgv("requester.toml", {}), Log(log_name));
  }
  std::vector<std::string> RequestArgv(std::string_view config, std::vector<std::string> extra) {
    std::vector<std::string> argv = {(kBin / "stapel-request").string(),
                                     "--config",
                                     (dir_ / "config" / config).string(),
                                     "--hub",
                                     hub_address_,
                                     "--out",
                                     (dir_ / "release").string(),
                                     "--purpose",
                                     "test"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }
  int Audit(std::string_view log_name = "audit") { return AuditCommand("verify", {}, log_name); }
  // stapel-audit <command> --log … --hub-key … <extra>
  int AuditCommand(std::string_view command, std::vector<std::string> extra,
                   std::string_view log_name) {
    std::vector<std::string> argv = {(kBin / "stapel-audit").string(),
                                     std::string(command),
                                     "--log",
                                     (dir_ / "hub" / "release.log").string(),
                                     "--hub-key",
                                     (dir_ / "keys" / "hub-signing.pub").string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunProcess(argv, Log(log_name));
  }

 private:
  fs::path dir_;
  std::unique_ptr<Process> hub_;
  std::string hub_address_;
  std::string listen_ = "127.0.0.1:0";
};

// The one released table in `dir` (files are named after their release-log entry).
fs::path ReleasedFile(const fs::path& dir, std::string_view extension) {
  std::vector<fs::path> found;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == extension) found.push_back(e.path());
  }
  EXPECT_EQ(found.size(), 1u);
  return found.empty() ? fs::path() : found[0];
}

AreaTable LoadTable(const fs::path& json_file) {
  auto table = AreaTable::FromJson(nlohmann::json::parse(ReadFile(json_file)));
  EXPECT_TRUE(table.ok()) << table.status();
  return *table;
}

// The demo's stacking table computed from the generator's ground truth and protected the way
// the hub protects a first release.
AreaTable ExpectedStackingTable(const fs::path& dir) {
  auto manifest = Manifest::Load(dir / "config" / "manifest.toml");
  EXPECT_TRUE(manifest.ok()) << manifest.status();
  auto counts =
      BuurtCountsFromJson(nlohmann::json::parse(ReadFile(dir / "truth" / "true_counts.json")));
  EXPECT_TRUE(counts.ok()) << counts.status();
  auto geography = Geography::LoadCsv(dir / "input" / "areas.csv");
  EXPECT_TRUE(geography.ok()) << geography.status();
  const TableSpec spec = StackingTableSpec(*manifest, counts->has_households);
  AreaTable table = BuildTable(spec, *counts, *geography);
  auto protection = ProtectTable(manifest->disclosure, spec, *counts, {}, &table);
  EXPECT_TRUE(protection.ok()) << protection.status();
  ApplyRounding(manifest->disclosure.rounding_base, &table);
  return table;
}

void ExpectSameTable(const AreaTable& released, const AreaTable& expected) {
  ASSERT_EQ(released.measures, expected.measures);
  ASSERT_EQ(released.rows.size(), expected.rows.size());
  for (size_t r = 0; r < released.rows.size(); ++r) {
    const AreaRow& a = released.rows[r];
    const AreaRow& b = expected.rows[r];
    ASSERT_EQ(a.code, b.code);
    EXPECT_EQ(a.name, b.name);
    for (size_t m = 0; m < a.cells.size(); ++m) {
      EXPECT_EQ(a.cells[m].suppressed, b.cells[m].suppressed)
          << a.code << " " << released.measures[m];
      if (!b.cells[m].suppressed) {
        EXPECT_EQ(a.cells[m].value, b.cells[m].value) << a.code << " " << released.measures[m];
      }
    }
  }
}

// Every file below `dir`, read whole.
std::vector<std::pair<fs::path, std::string>> AllFiles(const fs::path& dir) {
  std::vector<std::pair<fs::path, std::string>> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) files.emplace_back(e.path(), ReadFile(e.path()));
  }
  return files;
}

// The data versions of the "linked data state" lines in a hub log, in order.
std::vector<std::string> LinkedStates(const fs::path& hub_log) {
  std::vector<std::string> out;
  std::istringstream in(ReadFile(hub_log));
  for (std::string line; std::getline(in, line);) {
    const size_t at = line.find("linked data state ");
    if (at != std::string::npos) out.push_back(line.substr(at + 18, 64));
  }
  return out;
}

// The data version of the last release in the hub's log.
std::string LastReleasedState(const fs::path& release_log) {
  std::ifstream log(release_log);
  std::string version;
  for (std::string line; std::getline(log, line);) {
    const auto entry = nlohmann::json::parse(line);
    if (entry["type"] == "release") version = entry["data_version"];
  }
  return version;
}

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
  ASSERT_EQ(w.Request("requester.toml",
                      {"--request", (kExamples / "request-wmo-adults.toml").string()},
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

// Identifiers to look for in what the hub wrote, found in one pass over a file however many
// there are: at each position, the needles starting with its next four bytes (a bitmap of those
// prefixes rules out most positions with one lookup). A needle made only of hex digits does not
// count inside a run of 16 or more hex digits: digests, signatures and keys are such runs, and
// nine decimal digits turn up in them by chance (about once in a 64-digit hex string); a BSN
// written by the hub stands between other characters.
class NeedleScan {
 public:
  // Needles shorter than four bytes are not looked for.
  explicit NeedleScan(const std::set<std::string>& needles) : seen_(kBits) {
    for (const std::string& n : needles) {
      if (n.size() < 4) continue;
      seen_[Slot(Prefix(n.data()))] = true;
      by_prefix_[Prefix(n.data())].push_back(n);
    }
  }
  // The first needle found in `content`, or "".
  std::string First(std::string_view content) const {
    for (size_t at = 0; at + 4 <= content.size(); ++at) {
      const uint32_t prefix = Prefix(content.data() + at);
      if (!seen_[Slot(prefix)]) continue;
      const auto it = by_prefix_.find(prefix);
      if (it == by_prefix_.end()) continue;
      for (std::string_view needle : it->second) {
        if (content.substr(at, needle.size()) == needle && !InsideHexRun(content, at, needle))
          return std::string(needle);
      }
    }
    return "";
  }

 private:
  static constexpr size_t kBits = size_t{1} << 20;
  static uint32_t Prefix(const char* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  static size_t Slot(uint32_t prefix) { return (prefix * 2654435761u) >> 12; }
  static bool InsideHexRun(std::string_view content, size_t at, std::string_view needle) {
    constexpr size_t kHexRun = 16;
    auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
    if (!std::ranges::all_of(needle, hex)) return false;
    size_t begin = at, end = at + needle.size();
    while (begin > 0 && hex(content[begin - 1])) --begin;
    while (end < content.size() && hex(content[end])) ++end;
    return end - begin >= kHexRun;
  }
  std::vector<bool> seen_;
  std::unordered_map<uint32_t, std::vector<std::string>> by_prefix_;
};

TEST(EndToEndTest, NoIdentifierAndNotTheLinkageSecretReachTheHub) {
  World w;
  w.StartHub();
  w.RunAllAgents();
  ASSERT_EQ(w.Request(), 0);
  ASSERT_EQ(w.StopHub(), 0);

  // What must never be found: every BSN, surname, and birth date as the exports write it.
  std::set<std::string> needles;
  for (const char* file : {"municipality.csv", "housing.csv", "credit.csv"}) {
    auto reader = CsvReader::Open(w.dir() / "input" / file,
                                  std::string_view(file) == "municipality.csv" ? ';' : ',');
    ASSERT_TRUE(reader.ok());
    CsvRow row;
    (*reader)->Next(&row);  // header
    while ((*reader)->Next(&row)) {
      for (size_t i = 0; i < row.size; ++i) {
        const std::string& v = row.fields[i];
        const bool bsn = v.size() == 9 && v.find_first_not_of("0123456789") == std::string::npos;
        const bool dashed_date = v.size() == 10 && v[2] == '-' && v[5] == '-';
        // Names of five letters or more: shorter ones could occur by chance in binary files.
        const bool long_name = v.size() >= 5 && v.find_first_of("0123456789") == std::string::npos;
        if (bsn || dashed_date || long_name) needles.insert(v);
      }
    }
  }
  // Public words are no identifiers: a surname such as "Broek" is also part of a buurt name.
  const std::string public_text = ReadFile(w.dir() / "input" / "areas.csv");
  std::erase_if(needles,
                [&](const std::string& n) { return public_text.find(n) != std::string::npos; });
  ASSERT_GT(needles.size(), 1000u);
  // The linkage secret (as the ceremony wrote it for the municipality: base64) must be nowhere
  // at the hub, though the hub relayed it, sealed, and keeps the envelope in its log.
  std::string secret = ReadFile(w.dir() / "keys" / "municipality-linkage.secret");
  secret.pop_back();  // the newline
  ASSERT_EQ(secret, ReadFile(w.dir() / "keys" / "credit-linkage.secret").substr(0, secret.size()));
  ASSERT_NE(ReadFile(w.dir() / "hub" / "release.log").find("\"type\":\"key_epoch\""),
            std::string::npos);
  auto hub_files = AllFiles(w.dir() / "hub");
  hub_files.emplace_back(w.Log("hub"), ReadFile(w.Log("hub")));
  ASSERT_GT(hub_files.size(), 3u);
  const NeedleScan scan(needles);
  auto first_leak = [&](const std::string& content) -> std::string {
    if (content.find(secret) != std::string::npos) return "the linkage secret";
    return scan.First(content);
  };
  // Positive control: the scan finds an identifier where there is one.
  ASSERT_NE(first_leak(ReadFile(w.dir() / "input" / "credit.csv")), "");
  ASSERT_EQ(first_leak("x" + secret + "x"), "the linkage secret");
  const std::string bsn = *std::ranges::find_if(needles, [](const std::string& n) {
    return n.find_first_not_of("0123456789") == std::string::npos;
  });
  ASSERT_EQ(first_leak("{\"bsn\":\"" + bsn + "\"}"), bsn);
  // Negative control: nine digits inside a signature or digest are chance, not a BSN.
  ASSERT_EQ(first_leak("\"signature\":\"a6fa5216" + bsn + "da656f02ce57129b0d4a97fe\""), "");
  for (const auto& [path, content] : hub_files) {
    EXPECT_EQ(first_leak(content), "") << "found in " << path;
  }
  // No process logs a secret: not the linkage secret, not a private key.
  std::vector<std::string> secrets = {secret};
  for (const auto& e : fs::directory_iterator(w.dir() / "keys")) {
    if (e.path().extension() != ".key") continue;
    std::string key = ReadFile(e.path());
    if (key.starts_with("-----BEGIN")) key = key.substr(key.find('\n') + 1, 40);  // PEM body
    secrets.push_back(key.substr(0, 40));
  }
  for (const auto& e : fs::directory_iterator(w.dir() / "logs")) {
    const std::string log = ReadFile(e.path());
    for (const auto& s : secrets) EXPECT_EQ(log.find(s), std::string::npos) << e.path();
  }
}

TEST(EndToEndTest, KeysArePrivateAndNeverOverwrittenWithoutForce) {
  const fs::path dir = FreshTempDir();
  const std::vector<std::string> init = {(kBin / "stapel-keys").string(),
                                         "init",
                                         "--out",
                                         (dir / "keys").string(),
                                         "--project",
                                         "p",
                                         "--party",
                                         "a",
                                         "--party",
                                         "b",
                                         "--requester",
                                         "r",
                                         "--officer",
                                         "o"};
  ASSERT_EQ(RunProcess(init, dir / "keys.log"), 0) << ReadFile(dir / "keys.log");
  int private_files = 0;
  for (const auto& e : fs::directory_iterator(dir / "keys")) {
    if (e.is_directory()) continue;  // revoked/: the CA's revocation list, public
    const auto perms = fs::status(e.path()).permissions();
    const bool is_private = e.path().extension() == ".key" || e.path().extension() == ".secret" ||
                            e.path().extension() == ".p12";
    private_files += is_private;
    EXPECT_EQ(perms & (fs::perms::group_all | fs::perms::others_all),
              is_private ? fs::perms::none : (fs::perms::group_read | fs::perms::others_read))
        << e.path();
  }
  // ca.key; TLS keys of hub, a, b, r, o; signing keys of hub, a, b and the officer o; the
  // hub's storage key; the box keys of a and b; the browser files (PKCS#12) of the people r
  // and o, not of the parties. No linkage secret: the ceremony makes it.
  EXPECT_EQ(private_files, 15);
  EXPECT_FALSE(fs::exists(dir / "keys" / "linkage.secret"));
  EXPECT_TRUE(fs::exists(dir / "keys" / "r.p12"));
  EXPECT_FALSE(fs::exists(dir / "keys" / "a.p12"));
  // A browser can import it: OpenSSL reads the certificate of o and the CA from it.
  ASSERT_EQ(RunProcess({"/usr/bin/openssl", "pkcs12", "-in", (dir / "keys" / "o.p12").string(),
                        "-passin", "pass:", "-nokeys", "-out", (dir / "o-certs.pem").string()},
                       dir / "p12.log"),
            0)
      << ReadFile(dir / "p12.log");
  EXPECT_NE(ReadFile(dir / "o-certs.pem").find("CN = o\n"), std::string::npos)
      << ReadFile(dir / "o-certs.pem");
  EXPECT_NE(ReadFile(dir / "o-certs.pem").find("Stapel project CA"), std::string::npos);
  const std::string box_key = ReadFile(dir / "keys" / "a-box.key");
  EXPECT_EQ(RunProcess(init, dir / "again.log"), 1);
  EXPECT_NE(ReadFile(dir / "again.log").find("--force"), std::string::npos);
  EXPECT_EQ(ReadFile(dir / "keys" / "a-box.key"), box_key);
  std::vector<std::string> forced = init;
  forced.push_back("--force");
  ASSERT_EQ(RunProcess(forced, dir / "forced.log"), 0) << ReadFile(dir / "forced.log");
  EXPECT_NE(ReadFile(dir / "keys" / "a-box.key"), box_key);
}

TEST(EndToEndTest, ClientWithACertificateFromAnotherCaIsRefused) {
  World w;
  w.StartHub();
  ASSERT_EQ(
      RunProcess({(kBin / "stapel-keys").string(), "init", "--out", (w.dir() / "intruder").string(),
                  "--project", "stapeldorp-2026", "--party", "credit"},
                 w.Log("intruder-keys")),
      0);
  // The intruder trusts the real CA (so it would accept the hub) but holds a certificate for
  // "credit" from its own CA, and the real party's signing key.
  std::string config = ReadFile(w.dir() / "config" / "agent-credit.toml");
  config = Replace(config, "certificate = \"../keys/credit.crt\"",
                   "certificate = \"../intruder/credit.crt\"");
  config = Replace(config, "private_key = \"../keys/credit.key\"",
                   "private_key = \"../intruder/credit.key\"");
  WriteFile(w.dir() / "config" / "agent-intruder.toml", config);
  EXPECT_EQ(w.RunAgent("agent-intruder.toml"), 1);
  EXPECT_NE(ReadFile(w.Log("agent-intruder.toml")).find("unreachable"), std::string::npos)
      << ReadFile(w.Log("agent-intruder.toml"));
  // Nothing of it was stored: a release has no credit data.
  w.RunAgent("agent-municipality.toml");
  ASSERT_EQ(w.Request(), 0);
  const std::string log = ReadFile(w.dir() / "hub" / "release.log");
  const size_t release_at = log.rfind("\n{", log.size() - 2) + 1;  // the last entry
  auto entry = nlohmann::json::parse(log.substr(release_at));
  EXPECT_EQ(entry["type"], "release");
  EXPECT_EQ(entry["linkage"]["credit"]["submitted"], false);
}

TEST(EndToEndTest, AttributeOutsideTheManifestIsRefusedByTheHub) {
  World w;
  w.StartHub();
  // The credit registry's agent holds an outdated manifest that lets it send "income".
  std::string manifest = ReadFile(w.dir() / "config" / "manifest.toml");
  manifest = Replace(manifest, "attributes = [\"debts\"]", "attributes = [\"debts\", \"income\"]");
  WriteFile(w.dir() / "config" / "manifest-outdated.toml", manifest);
  std::string config = ReadFile(w.dir() / "config" / "agent-credit.toml");
  config = Replace(config, "manifest = \"manifest.toml\"", "manifest = \"manifest-outdated.toml\"");
  config = Replace(config, "debts = \"schuld\"", "debts = \"schuld\"\nincome = \"schuld\"");
  WriteFile(w.dir() / "config" / "agent-credit-income.toml", config);
  EXPECT_EQ(w.RunAgent("agent-credit-income.toml"), 1);
  const std::string agent_log = ReadFile(w.Log("agent-credit-income.toml"));
  EXPECT_NE(agent_log.find("attribute 'income' is not allowed for party 'credit'"),
            std::string::npos)
      << agent_log;
  EXPECT_NE(ReadFile(w.Log("hub")).find("refused"), std::string::npos);
}

TEST(EndToEndTest, RowWithABadBsnIsRejectedWithItsLineWhileTheRestGoesThrough) {
  World w;
  w.StartHub();
  const fs::path input = w.dir() / "input" / "credit-small.csv";
  WriteFile(input,
            "bsn,registratiedatum,schuld\n"
            "123456782,2020-01-01,1\n"
            "123456781,2020-01-01,1\n"  // fails the eleven-test
            "111222333,2020-01-01,1\n");
  ASSERT_EQ(w.RunAgent("agent-credit.toml", {"--input", input.string()}), 0)
      << ReadFile(w.Log("agent-credit.toml"));
  const std::string log = ReadFile(w.Log("agent-credit.toml"));
  EXPECT_NE(log.find("read 3 rows, sent 2 records in 1 batches, rejected 1, acknowledged 2"),
            std::string::npos)
      << log;
  // The credit registry links on the BSN alone: without it nothing is left to link on.
  const std::string rejects = ReadFile(input.string() + ".rejects.csv");
  EXPECT_NE(rejects.find("credit-small.csv,3,\"nothing left to link on"), std::string::npos)
      << rejects;
  EXPECT_NE(rejects.find("column bsn: BSN '123456781' fails the eleven-test"), std::string::npos)
      << rejects;
}

TEST(EndToEndTest, SendingAnExportAgainReplacesItAndCountsNothingTwice) {
  World w;
  w.StartHub();
  w.RunAllAgents();
  ASSERT_EQ(w.RunAgent("agent-credit.toml", {}, "credit-again"), 0);
  ASSERT_EQ(w.RunAgent("agent-municipality.toml", {}, "municipality-again"), 0);
  EXPECT_NE(ReadFile(w.Log("hub")).find("replaces"), std::string::npos);
  ASSERT_EQ(w.Request(), 0) << ReadFile(w.Log("request"));
  AreaTable released = LoadTable(ReleasedFile(w.dir() / "release", ".json"));
  AreaTable expected = ExpectedStackingTable(w.dir());
  ExpectSameTable(released, expected);
}

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
  WriteFile(manifest, Replace(ReadFile(manifest), "gemeenten = ", "periods = [\"2025\", \"2026\"]\ngemeenten = "));
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
  WriteFile(manifest, Replace(ReadFile(manifest), "[disclosure]\n",
                              "[disclosure]\nmethod = \"cell_key\"\n"));
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

TEST(EndToEndTest, ThePortalRefusesWithoutCertificateComposesLogsAndShowsTheOfficerTheAudit) {
  World w;
  const fs::path port_file = w.dir() / "portal.port";
  w.StartHub({"--portal-listen", "127.0.0.1:0", "--portal-port-file", port_file.string()});
  w.RunAllAgents();
  ASSERT_TRUE(fs::exists(port_file)) << ReadFile(w.Log("hub"));
  const int browser = RunProcess(
      std::vector<std::string>{
          "/usr/bin/python3",
          (fs::path(STAPEL_SOURCE_DIR) / "tests" / "browser" / "check_portal.py").string(),
          "--port", std::to_string(std::stoi(ReadFile(port_file))), "--keys",
          (w.dir() / "keys").string(), "--screenshots",
          (fs::path(STAPEL_ARTEFACT_DIR) / "portal").string()},
      w.Log("portal"));
  const std::string output = ReadFile(w.Log("portal"));
  ASSERT_EQ(browser, 0) << output;
  // The composed table is in the signed log as a release to the analyst, and the whole log
  // (with the refusal) still verifies offline.
  const size_t at = output.find("\nreleased ");
  ASSERT_NE(at, std::string::npos) << output;
  const int seq = std::stoi(output.substr(at + 10));
  ASSERT_EQ(w.StopHub(), 0);
  ASSERT_EQ(w.Audit(), 0) << ReadFile(w.Log("audit"));
  std::ifstream log(w.dir() / "hub" / "release.log");
  bool found = false;
  for (std::string line; std::getline(log, line);) {
    const auto entry = nlohmann::json::parse(line);
    if (entry["seq"] == seq) {
      found = true;
      EXPECT_EQ(entry["type"], "release");
      EXPECT_EQ(entry["requester"], "analyst");
      EXPECT_EQ(entry["request"]["purpose"], "portal test");
      EXPECT_EQ(entry["request"]["measures"][0]["expression"], "wmo AND debts");
    }
  }
  EXPECT_TRUE(found) << "entry " << seq;
  EXPECT_NE(ReadFile(w.Log("hub")).find("portal on https://127.0.0.1:"), std::string::npos);
}

TEST(EndToEndTest, APurgeDeletesTheMicrodataIsLoggedAndEndsReleases) {
  World w;
  w.StartHub();
  w.RunAllAgents();
  ASSERT_EQ(w.Request(), 0) << ReadFile(w.Log("request"));
  const std::vector<std::string> purge = {(kBin / "stapel-hub").string(), "purge", "--config",
                                          (w.dir() / "config" / "hub.toml").string()};
  // Not while the hub runs, and not before the manifest's retention date without a reason.
  EXPECT_EQ(RunProcess(purge, w.Log("purge-running")), 1);
  EXPECT_NE(ReadFile(w.Log("purge-running")).find("is the hub still running?"), std::string::npos)
      << ReadFile(w.Log("purge-running"));
  ASSERT_EQ(w.StopHub(), 0);
  EXPECT_EQ(RunProcess(purge, w.Log("purge-early")), 1);
  EXPECT_NE(ReadFile(w.Log("purge-early")).find("runs until 2027-12-31"), std::string::npos)
      << ReadFile(w.Log("purge-early"));
  std::vector<std::string> on_demand = purge;
  on_demand.insert(on_demand.end(), {"--reason", "consent withdrawn by the council"});
  ASSERT_EQ(RunProcess(on_demand, w.Log("purge")), 0) << ReadFile(w.Log("purge"));
  EXPECT_NE(ReadFile(w.Log("purge"))
                .find("stored entries of credit, housing, municipality "
                      "deleted"),
            std::string::npos)
      << ReadFile(w.Log("purge"));

  w.StartHub();
  EXPECT_EQ(w.Request("requester.toml", {}, "after-purge"), 1);
  EXPECT_NE(ReadFile(w.Log("after-purge")).find("were purged on"), std::string::npos)
      << ReadFile(w.Log("after-purge"));
  EXPECT_EQ(w.RunAgent("agent-credit.toml", {}, "agent-after-purge"), 1);
  ASSERT_EQ(w.StopHub(), 0);
  ASSERT_EQ(w.Audit(), 0) << ReadFile(w.Log("audit"));
  EXPECT_NE(ReadFile(w.Log("audit")).find("the PURGE of the microdata"), std::string::npos);
  ASSERT_EQ(w.AuditCommand("show", {}, "show"), 0);
  EXPECT_NE(ReadFile(w.Log("show"))
                .find("PURGE of project 'stapeldorp-2026' (on demand: consent "
                      "withdrawn by the council; retention until 2027-12-31)"),
            std::string::npos)
      << ReadFile(w.Log("show"));
}

TEST(EndToEndTest, TheHubStartsOnlyWithTheManifestTheOfficerSigned) {
  World w;
  const fs::path manifest = w.dir() / "config" / "manifest.toml";
  const std::string approved = ReadFile(manifest);
  const std::vector<std::string> serve = {(kBin / "stapel-hub").string(),
                                          "serve",
                                          "--config",
                                          (w.dir() / "config" / "hub.toml").string(),
                                          "--listen",
                                          "127.0.0.1:0"};
  // Someone at the hub lets the credit registry send income too.
  WriteFile(manifest,
            Replace(approved, "attributes = [\"debts\"]", "attributes = [\"debts\", \"income\"]"));
  EXPECT_EQ(RunProcess(serve, w.Log("hub-altered")), 1);
  EXPECT_NE(ReadFile(w.Log("hub-altered")).find("changed after the privacy officer signed it"),
            std::string::npos)
      << ReadFile(w.Log("hub-altered"));
  fs::remove(manifest.string() + ".sig");
  EXPECT_EQ(RunProcess(serve, w.Log("hub-unsigned")), 1);
  EXPECT_NE(ReadFile(w.Log("hub-unsigned")).find("is not signed"), std::string::npos);
  // The officer approves the change: the hub starts, and the log records the new manifest
  // with the officer's signature.
  ASSERT_EQ(w.SignManifest(), 0) << ReadFile(w.Log("sign-manifest"));
  w.StartHub();
  ASSERT_EQ(w.StopHub(), 0);
  std::ifstream log(w.dir() / "hub" / "release.log");
  nlohmann::json entry;  // the newest manifest entry
  for (std::string line; std::getline(log, line);) {
    if (auto e = nlohmann::json::parse(line); e["type"] == "manifest") entry = e;
  }
  EXPECT_EQ(entry["officer_signature"].get<std::string>() + "\n",
            ReadFile(manifest.string() + ".sig"));
}

TEST(EndToEndTest, ARevokedCertificateIsRefusedAtTheHandshakeOfTheHubAndThePortal) {
  World w;
  w.StartHub();
  w.RunAllAgents();
  ASSERT_EQ(w.Request(), 0) << ReadFile(w.Log("request"));
  ASSERT_EQ(w.StopHub(), 0);
  // The analyst's laptop is stolen.
  ASSERT_EQ(RunProcess({(kBin / "stapel-keys").string(), "revoke", "--keys",
                        (w.dir() / "keys").string(), "--identity", "analyst"},
                       w.Log("revoke")),
            0)
      << ReadFile(w.Log("revoke"));
  const fs::path port_file = w.dir() / "portal.port";
  w.StartHub({"--portal-listen", "127.0.0.1:0", "--portal-port-file", port_file.string()});
  EXPECT_EQ(w.Request("requester.toml", {}, "request-revoked"), 1);
  // Everyone else still gets in: a party submits again, the officer opens the portal.
  EXPECT_EQ(w.RunAgent("agent-credit.toml", {}, "credit-again"), 0)
      << ReadFile(w.Log("credit-again"));
  const int portal_port = std::stoi(ReadFile(port_file));
  EXPECT_EQ(w.ProbeTls(portal_port, "analyst"), 3) << ReadFile(w.Log("probe-analyst"));
  EXPECT_EQ(w.ProbeTls(portal_port, "officer"), 0) << ReadFile(w.Log("probe-officer"));
  ASSERT_EQ(w.StopHub(), 0);
  // The refused request never reached the releaser: one release in the log.
  ASSERT_EQ(w.AuditCommand("show", {}, "show"), 0);
  const std::string shown = ReadFile(w.Log("show"));
  EXPECT_EQ(shown.find("release to 'analyst'"), shown.rfind("release to 'analyst'")) << shown;
}

// The files of `dir` whose names start with `prefix`, sorted.
std::vector<fs::path> FilesStartingWith(const fs::path& dir, std::string_view prefix) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().starts_with(prefix)) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Certificates made where they are used: the credit registry and the analyst make their TLS
// keys on their own premises and send only certificate requests; the project CA signs those
// whose identity the manifest lists. The project works with them, and neither private key is
// anywhere but in its owner's folder.
TEST(EndToEndTest, CertificatesMadeWhereTheyAreUsedWorkAndNoPrivateKeyLeavesItsOwner) {
  World w;
  const std::string keys = (kBin / "stapel-keys").string();
  const fs::path ca = w.dir() / "keys", inbox = w.dir() / "ca-inbox";
  fs::create_directories(inbox);
  // stapel-keys sign at the CA, with the fingerprint the owner read out.
  auto sign = [&](const fs::path& csr, const std::string& fingerprint, const std::string& log) {
    return RunProcess({keys, "sign", "--keys", ca.string(), "--csr", csr.string(), "--manifest",
                       (w.dir() / "config" / "manifest.toml").string(), "--officer-key",
                       (ca / "officer-signing.pub").string(), "--fingerprint", fingerprint},
                      w.Log(log));
  };
  auto fingerprint_in = [&](const std::string& log) {
    std::smatch match;
    const std::string text = ReadFile(w.Log(log));
    return std::regex_search(text, match, std::regex("[0-9a-f]{64}")) ? match.str() : "";
  };
  for (const std::string id : {"credit", "analyst"}) {
    const fs::path premises = w.dir() / (id + "-premises");
    for (const char* ext : {".key", ".crt", ".p12"}) fs::remove(ca / (id + ext));  // init's
    ASSERT_EQ(RunProcess({keys, "request", "--out", premises.string(), "--identity", id},
                         w.Log("request-" + id)),
              0)
        << ReadFile(w.Log("request-" + id));
    EXPECT_EQ(fs::status(premises / (id + ".key")).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
    // Only the request travels to the CA, and only the certificate comes back (with ca.crt);
    // the fingerprint goes by phone. A request in the owner's name with another key is refused.
    fs::copy_file(premises / (id + ".csr"), inbox / (id + ".csr"));
    const std::string fingerprint = fingerprint_in("request-" + id);
    ASSERT_EQ(fingerprint.size(), 64u) << ReadFile(w.Log("request-" + id));
    std::string other = fingerprint;
    other[0] = other[0] == '0' ? '1' : '0';
    EXPECT_EQ(sign(inbox / (id + ".csr"), other, "sign-wrong-" + id), 1);
    EXPECT_NE(ReadFile(w.Log("sign-wrong-" + id)).find("not the one they made"),
              std::string::npos);
    ASSERT_EQ(sign(inbox / (id + ".csr"), fingerprint, "sign-" + id), 0)
        << ReadFile(w.Log("sign-" + id));
    fs::copy_file(inbox / (id + ".crt"), premises / (id + ".crt"));
    fs::copy_file(ca / "ca.crt", premises / "ca.crt");
  }
  // A person also gets the browser's copy, made on premises.
  ASSERT_EQ(RunProcess({keys, "bundle", "--dir", (w.dir() / "analyst-premises").string(),
                        "--identity", "analyst"},
                       w.Log("bundle")),
            0)
      << ReadFile(w.Log("bundle"));
  EXPECT_TRUE(fs::exists(w.dir() / "analyst-premises" / "analyst.p12"));
  // An identity the manifest does not list gets no certificate.
  ASSERT_EQ(RunProcess({keys, "request", "--out", (w.dir() / "mallory").string(), "--identity",
                        "mallory"},
                       w.Log("request-mallory")),
            0);
  EXPECT_EQ(sign(w.dir() / "mallory" / "mallory.csr", fingerprint_in("request-mallory"),
                 "sign-mallory"),
            1);
  EXPECT_NE(ReadFile(w.Log("sign-mallory")).find("add it to the manifest"), std::string::npos)
      << ReadFile(w.Log("sign-mallory"));
  EXPECT_FALSE(fs::exists(w.dir() / "mallory" / "mallory.crt"));

  for (const auto& [config, id] : {std::pair("agent-credit.toml", "credit"),
                                   std::pair("requester.toml", "analyst")}) {
    std::string text = ReadFile(w.dir() / "config" / config);
    text = Replace(text, fmt::format("../keys/{}.crt", id), fmt::format("../{}-premises/{}.crt", id, id));
    text = Replace(text, fmt::format("../keys/{}.key", id), fmt::format("../{}-premises/{}.key", id, id));
    WriteFile(w.dir() / "config" / config, text);
  }
  w.StartHub();
  w.RunAllAgents();
  ASSERT_EQ(w.Request(), 0) << ReadFile(w.Log("request"));
  ASSERT_EQ(w.StopHub(), 0);
  for (const std::string id : {"credit", "analyst"}) {
    const fs::path premises = w.dir() / (id + "-premises");
    const std::string key = ReadFile(premises / (id + ".key"));
    // The PEM's second line of base64: key material (the first starts as every P-256 key's).
    const size_t second = key.find('\n', key.find('\n') + 1) + 1;
    const std::string body = key.substr(second, key.find('\n', second) - second);
    ASSERT_GE(body.size(), 40u);
    for (const auto& e : fs::recursive_directory_iterator(w.dir())) {
      if (!e.is_regular_file() || e.path().parent_path() == premises) continue;
      EXPECT_EQ(ReadFile(e.path()).find(body), std::string::npos)
          << id << "'s private key found in " << e.path();
    }
  }
}

// A backup taken while the hub serves, restored after the data folder is gone astray: the
// restored hub verifies its log and releases the same table as before.
TEST(EndToEndTest, ABackupTakenWhileServingRestoresAHubThatVerifiesAndReleasesTheSameTable) {
  World w;
  w.StartHub();
  w.RunAllAgents();
  ASSERT_EQ(w.Request(), 0);
  const std::string hub = (kBin / "stapel-hub").string(),
                    config = (w.dir() / "config" / "hub.toml").string(),
                    backup = (w.dir() / "backup").string();
  // A table asked while the backup is taken is served.
  auto beside = w.StartRequest("request-beside-backup");
  ASSERT_EQ(RunProcess({hub, "backup", "--config", config, "--to", backup}, w.Log("backup")), 0)
      << ReadFile(w.Log("backup"));
  ASSERT_EQ(beside->Wait(), 0) << ReadFile(w.Log("request-beside-backup"));
  EXPECT_NE(ReadFile(w.Log("backup")).find("the running hub backed up"), std::string::npos)
      << ReadFile(w.Log("backup"));
  EXPECT_TRUE(fs::exists(fs::path(backup) / "BACKUP"));
  // Not into a folder that holds one already, and no restore under a running hub.
  EXPECT_EQ(RunProcess({hub, "backup", "--config", config, "--to", backup}, w.Log("backup-2")), 1);
  EXPECT_EQ(RunProcess({hub, "restore", "--config", config, "--from", backup, "--force"},
                       w.Log("restore-running")),
            1);
  EXPECT_NE(ReadFile(w.Log("restore-running")).find("stop it with SIGTERM"), std::string::npos)
      << ReadFile(w.Log("restore-running"));
  // After the backup: another release, which the restored hub will not have.
  ASSERT_EQ(w.Request(), 0);
  ASSERT_EQ(w.StopHub(), 0);
  const std::vector<fs::path> released = FilesStartingWith(w.dir() / "release", "stacking-");
  ASSERT_EQ(released.size(), 6u);  // three releases, .csv and .json each
  const std::string first_table = ReadFile(released[0]);

  EXPECT_EQ(RunProcess({hub, "restore", "--config", config, "--from", backup},
                       w.Log("restore-unforced")),
            1);
  // The data folder's log holds a release the backup lacks: restoring would forget it.
  EXPECT_EQ(RunProcess({hub, "restore", "--config", config, "--from", backup, "--force"},
                       w.Log("restore-forgetting")),
            1);
  EXPECT_NE(ReadFile(w.Log("restore-forgetting")).find("forget releases already made"),
            std::string::npos)
      << ReadFile(w.Log("restore-forgetting"));
  // The data folder is lost (its disk failed): the backup is what there is.
  fs::rename(w.dir() / "hub", w.dir() / "lost-disk");
  ASSERT_EQ(RunProcess({hub, "restore", "--config", config, "--from", backup}, w.Log("restore")),
            0)
      << ReadFile(w.Log("restore"));
  EXPECT_EQ(FilesStartingWith(w.dir(), "hub.restoring-").size(), 0u);  // no staging copy left
  // With a data folder that holds data, --force moves it aside; nothing is deleted.
  ASSERT_EQ(RunProcess({hub, "restore", "--config", config, "--from", backup, "--force"},
                       w.Log("restore-again")),
            0)
      << ReadFile(w.Log("restore-again"));
  EXPECT_EQ(FilesStartingWith(w.dir(), "hub.before-restore-").size(), 1u);
  // The log as backed up: without the release made after the backup (only the lost one has it).
  const std::string restored_log = ReadFile(w.dir() / "hub" / "release.log");
  EXPECT_EQ(restored_log, ReadFile(fs::path(backup) / "release.log"));
  EXPECT_LT(restored_log.size(), ReadFile(w.dir() / "lost-disk" / "release.log").size());
  w.StartHub();
  EXPECT_EQ(w.Audit(), 0) << ReadFile(w.Log("audit"));
  fs::remove_all(w.dir() / "release");
  ASSERT_EQ(w.Request(), 0) << ReadFile(w.Log("request"));
  const std::vector<fs::path> again = FilesStartingWith(w.dir() / "release", "stacking-");
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(ReadFile(again[0]), first_table);  // the same table as the first release
  ASSERT_EQ(w.StopHub(), 0);
}

// What an operator's monitoring sees: the standard gRPC health service answers SERVING, and the
// Prometheus metrics count what happened per party, time linking and protecting, and show the
// state's age, log size, free disk and certificate days; never an area, a count of a table, a
// pseudonym or an identity outside the manifest.
TEST(EndToEndTest, AnOperatorChecksHealthAndScrapesMetricsThatHoldNoCountOfPersons) {
  World w;
  const fs::path port_file = w.dir() / "metrics.port";
  // Under systemd (Type=notify) the hub says when it serves: NOTIFY_SOCKET, here an abstract
  // Unix datagram socket of the test's.
  const int notify = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(notify, 0);
  const std::string notify_name = fmt::format("stapel-notify-{}", ::getpid());
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path + 1, notify_name.data(), notify_name.size());
  ASSERT_EQ(::bind(notify, reinterpret_cast<sockaddr*>(&address),
                   static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + notify_name.size())),
            0);
  ::setenv("NOTIFY_SOCKET", ("@" + notify_name).c_str(), 1);
  w.StartHub({"--metrics-listen", "127.0.0.1:0", "--metrics-port-file", port_file.string()});
  ::unsetenv("NOTIFY_SOCKET");
  // The agent's run for the party's monitoring, as JSON.
  const fs::path run_json = w.dir() / "municipality-run.json";
  ASSERT_EQ(w.RunAgent("agent-municipality.toml", {"--summary-json", run_json.string()}), 0);
  const nlohmann::json run = nlohmann::json::parse(ReadFile(run_json));
  EXPECT_EQ(run["party"], "municipality");
  EXPECT_TRUE(run["ok"].get<bool>());
  EXPECT_EQ(run["acknowledged"], run["records_sent"]);
  EXPECT_GT(run["rows_read"].get<int>(), 1000);
  EXPECT_GT(run["incomplete"].get<int>(), 0);  // the register's rows with an impossible date
  EXPECT_GT(run["receipt_seq"].get<int>(), 0);
  pollfd ready{notify, POLLIN, 0};
  ASSERT_EQ(::poll(&ready, 1, 10'000), 1) << "the hub did not notify readiness";
  char message[256] = {};
  ASSERT_GT(::recv(notify, message, sizeof(message) - 1, 0), 0);
  ::close(notify);
  EXPECT_NE(std::string(message).find("READY=1"), std::string::npos) << message;
  for (const char* party : {"housing", "credit"}) {
    ASSERT_EQ(w.RunAgent(fmt::format("agent-{}.toml", party)), 0);
  }
  ASSERT_EQ(w.Request(), 0);
  // A refused request: a population the manifest does not have.
  WriteFile(w.dir() / "bad-request.toml", "population = \"nobody\"\n");
  ASSERT_EQ(w.Request("requester.toml", {"--request", (w.dir() / "bad-request.toml").string()},
                      "request-refused"),
            1);
  ASSERT_EQ(w.Request("requester.toml", {"--health"}, "health"), 0) << ReadFile(w.Log("health"));
  EXPECT_EQ(ReadFile(w.Log("health")), "SERVING\n");

  const std::string url =
      fmt::format("http://127.0.0.1:{}/metrics", std::stoi(ReadFile(port_file)));
  ASSERT_EQ(RunProcess({"/usr/bin/python3", "-c",
                        "import sys, urllib.request; "
                        "sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())",
                        url},
                       w.Log("scrape")),
            0)
      << ReadFile(w.Log("scrape"));
  const std::string scraped = ReadFile(w.Log("scrape"));
  std::map<std::string, double> metric;  // "name{labels}" -> value
  std::istringstream lines(scraped);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    metric[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  for (const char* party : {"municipality", "housing", "credit"}) {
    EXPECT_GE(metric[fmt::format("stapel_batches_received_total{{party=\"{}\"}}", party)], 1)
        << scraped;
    // Records only in whole thousands: 19,915 register records show as 19,000.
    const double records =
        metric[fmt::format("stapel_records_received_total{{party=\"{}\"}}", party)];
    EXPECT_EQ(std::fmod(records, 1000), 0) << party << " " << records;
    if (std::string_view(party) == "municipality") EXPECT_GE(records, 1000);
    EXPECT_EQ(metric[fmt::format("stapel_submissions_completed_total{{party=\"{}\"}}", party)],
              1);
  }
  EXPECT_EQ(metric["stapel_releases_total"], 1) << scraped;
  EXPECT_EQ(metric["stapel_release_refusals_total"], 1);
  // Linked off the request path after each submission (two that complete during a link make
  // one more link), not by the request.
  EXPECT_GE(metric["stapel_link_seconds_count"], 2);
  EXPECT_LE(metric["stapel_link_seconds_count"], 3);
  EXPECT_EQ(metric["stapel_protect_seconds_count"], 1);
  EXPECT_GE(metric["stapel_linked_state_age_seconds"], 0);
  EXPECT_TRUE(metric.contains("stapel_linked_state_age_seconds"));
  EXPECT_GT(metric["stapel_release_log_bytes"], 1000);
  EXPECT_GT(metric["stapel_data_free_bytes"], 0);
  EXPECT_GT(metric["stapel_tls_certificate_days_left"], 30);
  // Labels name only the parties of the manifest, "other", histogram buckets and the quantiles
  // of the exporter's own scrape latency.
  const std::regex label(R"re((\w+)="([^"]*)")re");
  for (auto it = std::sregex_iterator(scraped.begin(), scraped.end(), label);
       it != std::sregex_iterator(); ++it) {
    const std::string name = (*it)[1], value = (*it)[2];
    EXPECT_TRUE(name == "le" || name == "quantile" ||
                (name == "party" && (value == "municipality" || value == "housing" ||
                                     value == "credit" || value == "other")))
        << "label " << name << "=" << value;
  }
  EXPECT_EQ(scraped.find("BU"), std::string::npos);  // no area
  // No pseudonym or digest: no run of 16 hex digits with a letter in it (numbers are digits).
  EXPECT_FALSE(std::regex_search(scraped, std::regex("(?=[0-9a-f]*[a-f])[0-9a-f]{16}")));
  ASSERT_EQ(w.StopHub(), 0);
}

TEST(EndToEndTest, GarbageTruncatedHandshakesAndStalledCallsLeaveTheHubServingOthers) {
  World w;
  // Every call's deadline, short for the test: a stalled call is dropped within 2 x 3 s.
  WriteFile(w.dir() / "config" / "hub.toml",
            ReadFile(w.dir() / "config" / "hub.toml") + "\n[limits]\ncall_seconds = 3\n");
  const fs::path port_file = w.dir() / "portal.port";
  w.StartHub({"--portal-listen", "127.0.0.1:0", "--portal-port-file", port_file.string()});
  w.RunAllAgents();
  const std::string grpc_port = std::to_string(std::stoi(ReadFile(w.dir() / "hub.port")));
  const std::string portal_port = std::to_string(std::stoi(ReadFile(port_file)));
  Process hostile(
      {"/usr/bin/python3", (fs::path(STAPEL_SOURCE_DIR) / "tests" / "hostile_clients.py").string(),
       "--port", grpc_port, "--port", portal_port, "--grpc-port", grpc_port, "--portal-port",
       portal_port, "--ca", (w.dir() / "keys" / "ca.crt").string(), "--cert",
       (w.dir() / "keys" / "analyst.crt").string(), "--key",
       (w.dir() / "keys" / "analyst.key").string(), "--expect-closed-within", "30"},
      w.Log("hostile"));
  for (int i = 0; i < 200 && ReadFile(w.Log("hostile")).find("holding") == std::string::npos; ++i) {
    ASSERT_TRUE(hostile.Running()) << ReadFile(w.Log("hostile"));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_NE(ReadFile(w.Log("hostile")).find("holding 75 connections"), std::string::npos)
      << ReadFile(w.Log("hostile"));
  // While they are held open (the portal's silent, trickled-handshake and slowloris ones too):
  // a party submits, the analyst gets a table, the officer the portal, at once.
  EXPECT_EQ(w.RunAgent("agent-credit.toml", {}, "credit-again"), 0)
      << ReadFile(w.Log("credit-again"));
  EXPECT_EQ(w.Request(), 0) << ReadFile(w.Log("request"));
  const auto probe_started = std::chrono::steady_clock::now();
  EXPECT_EQ(w.ProbeTls(std::stoi(portal_port), "officer"), 0) << ReadFile(w.Log("probe-officer"));
  EXPECT_LT(std::chrono::steady_clock::now() - probe_started, std::chrono::seconds(3));
  // The stalled calls reach their deadline: the hub closes their connections, and the portal
  // its stalled connections at their 10 s deadline.
  for (const auto& [report, expected] :
       {std::pair("the hub closed", "the hub closed 5 of 5 stalled calls"),
        {"the portal closed", "the portal closed 50 of 50 stalled connections"}}) {
    for (int i = 0; i < 400 && ReadFile(w.Log("hostile")).find(report) == std::string::npos;
         ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_NE(ReadFile(w.Log("hostile")).find(expected), std::string::npos)
        << ReadFile(w.Log("hostile"));
  }
  // And SIGTERM still stops the hub promptly with the other hostile connections open.
  const auto stop_started = std::chrono::steady_clock::now();
  EXPECT_EQ(w.StopHub(), 0) << ReadFile(w.Log("hub"));
  EXPECT_LT(std::chrono::steady_clock::now() - stop_started, std::chrono::seconds(15));
  hostile.Stop();
}

// A credit export of `rows` distinct valid BSNs (eleven-test), all with debts.
void WriteLargeCreditExport(const fs::path& path, int rows) {
  std::ofstream out(path);
  out << "bsn,registratiedatum,schuld\n";
  int written = 0;
  for (int prefix = 10000000; written < rows; ++prefix) {
    int sum = 0, rest = prefix;
    for (int weight = 2; weight <= 9; ++weight, rest /= 10) sum += (rest % 10) * weight;
    if (sum % 11 == 10) continue;  // no check digit makes this prefix valid
    out << prefix << sum % 11 << ",2024-01-01,1\n";
    ++written;
  }
}

TEST(EndToEndTest, AHubKilledDuringAMillionRecordSubmissionEndsWithExactlyTheRightCounts) {
  World w;
  w.StartHub();
  ASSERT_EQ(w.RunAgent("agent-municipality.toml"), 0);
  const fs::path input = w.dir() / "input" / "credit-1m.csv";
#ifdef STAPEL_SANITIZED
  const int rows = 200000;  // a fifth under the sanitizers, for time; the release build runs all
#else
  const int rows = 1000000;
#endif
  WriteLargeCreditExport(input, rows);
  // The agent keeps retrying while the hub is down (a minute, the default).
  WriteFile(w.dir() / "config" / "agent-credit-patient.toml",
            Replace(ReadFile(w.dir() / "config" / "agent-credit.toml"), "retry_seconds = 1",
                    "retry_seconds = 120"));
  Process agent({(kBin / "stapel-agent").string(), "--config",
                 (w.dir() / "config" / "agent-credit-patient.toml").string(), "--hub",
                 "127.0.0.1:" + std::to_string(std::stoi(ReadFile(w.dir() / "hub.port"))),
                 "--input", input.string()},
                w.Log("agent-credit-1m"));
  // Kill the hub once some batches are acknowledged, long before the last of 200; as a drill
  // (bench/drills.sh) again and again, at other moments, while the agent keeps sending.
  for (int i = 0;
       i < 3000 && ReadFile(w.Log("agent-credit-1m")).find("progress:") == std::string::npos; ++i) {
    ASSERT_TRUE(agent.Running()) << ReadFile(w.Log("agent-credit-1m"));
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const int kills = DrillCount("STAPEL_INGEST_KILLS", 1);
  std::mt19937 rng(kills);
  int killed = 0;
  for (; killed < kills && agent.Running(); ++killed) {
    if (killed > 0) std::this_thread::sleep_for(std::chrono::milliseconds(300 + rng() % 1200));
    EXPECT_EQ(w.KillHub(), 128 + SIGKILL);
    if (killed == 0) {
      EXPECT_TRUE(agent.Running()) << "the agent finished before the hub was killed";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    w.StartHub();  // same folder, same port
  }
  std::printf("drill: the hub was killed %d times during the submission\n", killed);
  ASSERT_EQ(agent.Wait(), 0) << ReadFile(w.Log("agent-credit-1m"));
  EXPECT_NE(ReadFile(w.Log("agent-credit-1m")).find("retrying"), std::string::npos);
  EXPECT_NE(ReadFile(w.Log("agent-credit-1m"))
                .find(fmt::format("sent {} records in {} batches", rows, rows / 5000)),
            std::string::npos)
      << ReadFile(w.Log("agent-credit-1m"));
  ASSERT_EQ(w.Request(), 0) << ReadFile(w.Log("request"));
  ASSERT_EQ(w.StopHub(), 0);
  // The hub stored every record exactly once: the submission it logged and the records the
  // release linked from.
  std::ifstream log(w.dir() / "hub" / "release.log");
  nlohmann::json submission, release;
  for (std::string line; std::getline(log, line);) {
    const auto entry = nlohmann::json::parse(line);
    if (entry["type"] == "submission" && entry["party"] == "credit") submission = entry;
    if (entry["type"] == "release") release = entry;
  }
  EXPECT_EQ(submission["records"], rows);
  EXPECT_EQ(submission["batches"], rows / 5000);
  // The party holds the hub's signed receipt: the same entry, which it checked against what
  // it sent (counts and the digest of every batch).
  EXPECT_EQ(nlohmann::json::parse(ReadFile(input.string() + ".receipt.json")), submission);
  EXPECT_EQ(release["linkage"]["credit"]["records"], rows) << release["linkage"].dump();
  ASSERT_EQ(w.Audit(), 0) << ReadFile(w.Log("audit"));
}

TEST(EndToEndTest, AHubKilledDuringReleasesRestartsWithALogTheOfficerVerifies) {
  World w;
  w.StartHub();
  w.RunAllAgents();
  // SIGKILL at moments spread over a release (up to 1.5 times as long as the first took): as it
  // links, protects, or writes the log (as a drill, bench/drills.sh, more times).
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(w.Request("requester.toml", {}, "request-first"), 0)
      << ReadFile(w.Log("request-first"));
  const auto release = std::chrono::steady_clock::now() - started;
  const int kills = DrillCount("STAPEL_RELEASE_KILLS", 6);
  int cut_short = 0;  // requests the kill ended before their release was logged
  for (int kill = 0; kill < kills; ++kill) {
    auto request = w.StartRequest(fmt::format("request-killed-{}", kill));
    std::this_thread::sleep_for(release * 1.5 * (kill + 0.5) / kills);
    EXPECT_EQ(w.KillHub(), 128 + SIGKILL);
    cut_short += request->Wait() != 0;
    w.StartHub();  // repairs a torn end of the log, if the kill left one
  }
  ASSERT_EQ(w.Request(), 0) << ReadFile(w.Log("request"));
  ASSERT_EQ(w.StopHub(), 0);
  ASSERT_EQ(w.Audit(), 0) << ReadFile(w.Log("audit"));
  ASSERT_EQ(w.AuditCommand("show", {}, "audit-show"), 0) << ReadFile(w.Log("audit-show"));
  std::map<std::string, int> entries;  // by type
  std::ifstream log(w.dir() / "hub" / "release.log");
  for (std::string line; std::getline(log, line);) {
    entries[nlohmann::json::parse(line)["type"].get<std::string>()] += 1;
  }
  EXPECT_GT(cut_short, 0) << "no kill came during a release";
  std::printf(
      "drill: %d kills during releases, %d of them before the release was logged; the log "
      "verifies with %d releases and %d repairs\n",
      kills, cut_short, entries["release"], entries["repair"]);
}

// The hub's data folder on a disk of its own (a tmpfs of `mib` MiB), holding what is there
// now; unmounted (lazily, the hub may still hold it) when it goes. Empty when this machine
// does not let the test mount (not root, or a container without the right).
class SmallDisk {
 public:
  static std::unique_ptr<SmallDisk> Mount(const fs::path& dir, int mib, const fs::path& log) {
    if (::geteuid() != 0) return nullptr;
    const fs::path saved = dir.string() + "-saved";
    fs::rename(dir, saved);
    fs::create_directories(dir);
    if (RunProcess({"/usr/bin/mount", "-t", "tmpfs", "-o", fmt::format("size={}m", mib), "tmpfs",
                    dir.string()},
                   log) != 0) {
      fs::remove(dir);
      fs::rename(saved, dir);
      return nullptr;
    }
    std::unique_ptr<SmallDisk> disk(new SmallDisk(dir));  // unmounts, whatever happens next
    fs::copy(saved, dir, fs::copy_options::recursive);
    fs::remove_all(saved);
    return disk;
  }
  ~SmallDisk() { RunProcess({"/usr/bin/umount", "-l", dir_.string()}, dir_.string() + ".umount"); }
  // Fills the disk with a file of its own until `free_bytes` are left (0: until writes fail).
  void FillLeaving(uint64_t free_bytes) {
    std::ofstream filler(dir_ / "filler", std::ios::binary | std::ios::app);
    const std::string chunk(1 << 16, 'x');
    for (;;) {
      struct statvfs disk;
      ASSERT_EQ(::statvfs(dir_.c_str(), &disk), 0);
      const uint64_t free = static_cast<uint64_t>(disk.f_bavail) * disk.f_frsize;
      if (free <= free_bytes) break;
      filler.write(chunk.data(), static_cast<std::streamsize>(
                                     std::min<uint64_t>(chunk.size(), free - free_bytes)));
      filler.flush();
      if (!filler) break;  // full
    }
  }
  void Empty() { fs::remove(dir_ / "filler"); }

 private:
  explicit SmallDisk(fs::path dir) : dir_(std::move(dir)) {}
  fs::path dir_;
};

TEST(EndToEndTest, AFullDiskRefusesWithAReasonKeepsServingAndResumesWhenSpaceReturns) {
  World w;
  auto disk = SmallDisk::Mount(w.dir() / "hub", 512, w.Log("mount"));
  if (!disk) GTEST_SKIP() << "needs to mount a small tmpfs (root): " << ReadFile(w.Log("mount"));
  w.StartHub();
  w.RunAllAgents();
  ASSERT_EQ(w.Request("requester.toml", {}, "request-before"), 0)
      << ReadFile(w.Log("request-before"));
  // Below the database's reserve: batches are refused with what to do, tables still come.
  disk->FillLeaving(64 << 20);
  EXPECT_NE(w.RunAgent("agent-housing.toml", {}, "housing-reserve"), 0);
  EXPECT_NE(ReadFile(w.Log("housing-reserve")).find("disk is full"), std::string::npos)
      << ReadFile(w.Log("housing-reserve"));
  EXPECT_EQ(w.Request("requester.toml", {}, "request-reserve"), 0)
      << ReadFile(w.Log("request-reserve"));
  // Full to the last byte: a release cannot be logged, so none is made; the hub says why.
  disk->FillLeaving(0);
  EXPECT_NE(w.Request("requester.toml", {}, "request-full"), 0);
  EXPECT_NE(ReadFile(w.Log("request-full")).find("No space left"), std::string::npos)
      << ReadFile(w.Log("request-full"));
  EXPECT_NE(w.RunAgent("agent-credit.toml", {}, "credit-full"), 0);
  EXPECT_NE(ReadFile(w.Log("credit-full")).find("disk is full"), std::string::npos)
      << ReadFile(w.Log("credit-full"));
  // Space returns: the same hub, never restarted, takes everything again (the same exports:
  // the same data state).
  disk->Empty();
  ASSERT_EQ(w.RunAgent("agent-housing.toml", {}, "housing-after"), 0)
      << ReadFile(w.Log("housing-after"));
  ASSERT_EQ(w.RunAgent("agent-credit.toml", {}, "credit-after"), 0)
      << ReadFile(w.Log("credit-after"));
  ASSERT_EQ(w.Request("requester.toml", {}, "request-after"), 0) << ReadFile(w.Log("request-after"));
  ASSERT_EQ(w.StopHub(), 0) << ReadFile(w.Log("hub"));
  // The log holds whole entries only, and every party's records were counted once.
  ASSERT_EQ(w.Audit(), 0) << ReadFile(w.Log("audit"));
  std::ifstream log(w.dir() / "hub" / "release.log");
  nlohmann::json release;
  std::set<std::string> data_versions;
  std::map<std::string, int64_t> receipted;
  for (std::string line; std::getline(log, line);) {
    const auto entry = nlohmann::json::parse(line);
    if (entry["type"] == "submission") receipted[entry["party"]] = entry["records"];
    if (entry["type"] == "release") {
      release = entry;
      data_versions.insert(entry["data_version"].get<std::string>());
    }
  }
  EXPECT_EQ(data_versions.size(), 1u) << "the exports sent again are the same data state";
  ASSERT_EQ(receipted.size(), 3u);
  for (const auto& [party, records] : receipted) {
    EXPECT_EQ(release["linkage"][party]["records"], records) << party;
  }
}

TEST(EndToEndTest, TheKeyCeremonyGivesEveryPartyTheSecretAndRotationMakesANewEpoch) {
  World w;  // held the ceremony: the municipality made epoch 1, housing and credit fetched it
  const std::string secret = ReadFile(w.dir() / "keys" / "municipality-linkage.secret");
  ASSERT_EQ(secret.size(), 45u);  // base64 of 32 bytes and a newline
  for (const char* party : {"housing", "credit"}) {
    const fs::path file = w.dir() / "keys" / fmt::format("{}-linkage.secret", party);
    EXPECT_EQ(ReadFile(file), secret) << party;
    EXPECT_EQ(fs::status(file).permissions() & (fs::perms::group_all | fs::perms::others_all),
              fs::perms::none);
  }
  w.StartHub();
  // Only the manifest's creator makes a secret.
  EXPECT_EQ(w.Ceremony("create", "housing"), 1);
  EXPECT_NE(ReadFile(w.Log("ceremony-housing"))
                .find("the manifest's linkage_secret_creator is 'municipality'"),
            std::string::npos)
      << ReadFile(w.Log("ceremony-housing"));

  // A party with another secret (a typo in a hand-over, an old file) is refused by the hub.
  ASSERT_TRUE(WriteKeyFile(w.dir() / "keys" / "other.secret",
                           "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", FileMode::kPrivate,
                           true)
                  .ok());
  WriteFile(w.dir() / "config" / "agent-credit-other.toml",
            Replace(ReadFile(w.dir() / "config" / "agent-credit.toml"),
                    "linkage_secret = \"../keys/credit-linkage.secret\"",
                    "linkage_secret = \"../keys/other.secret\""));
  EXPECT_EQ(w.RunAgent("agent-credit-other.toml"), 1);
  EXPECT_NE(ReadFile(w.Log("agent-credit-other.toml"))
                .find("party 'credit' made its pseudonyms with another linkage secret"),
            std::string::npos)
      << ReadFile(w.Log("agent-credit-other.toml"));

  w.RunAllAgents();
  ASSERT_EQ(w.Request(), 0) << ReadFile(w.Log("request"));

  // Rotation: the next epoch, only when asked for. Data and parties of epoch 1 are refused
  // from then on ...
  EXPECT_EQ(w.Ceremony("create", "municipality"), 1);
  EXPECT_NE(ReadFile(w.Log("ceremony-municipality")).find("to rotate it pass --rotate"),
            std::string::npos)
      << ReadFile(w.Log("ceremony-municipality"));
  EXPECT_EQ(ReadFile(w.dir() / "keys" / "municipality-linkage.secret"), secret);
  ASSERT_EQ(w.Ceremony("create", "municipality", {"--rotate"}), 0)
      << ReadFile(w.Log("ceremony-municipality"));
  EXPECT_NE(ReadFile(w.Log("ceremony-municipality")).find("epoch 2"), std::string::npos);
  EXPECT_NE(ReadFile(w.dir() / "keys" / "municipality-linkage.secret"), secret);
  EXPECT_EQ(w.Request("requester.toml", {}, "request-after-rotation"), 1);
  EXPECT_NE(ReadFile(w.Log("request-after-rotation"))
                .find("were made with the linkage secret of an earlier epoch"),
            std::string::npos)
      << ReadFile(w.Log("request-after-rotation"));
  EXPECT_EQ(w.RunAgent("agent-credit.toml", {}, "credit-epoch-1"), 1);
  EXPECT_NE(ReadFile(w.Log("credit-epoch-1")).find("epoch 2"), std::string::npos)
      << ReadFile(w.Log("credit-epoch-1"));
  // ... until every party has fetched epoch 2 and sent again.
  for (const char* party : {"housing", "credit"}) {
    ASSERT_EQ(w.Ceremony("fetch", party), 0) << ReadFile(w.Log(fmt::format("ceremony-{}", party)));
  }
  w.RunAllAgents();
  ASSERT_EQ(w.Request("requester.toml", {}, "request-epoch-2"), 0)
      << ReadFile(w.Log("request-epoch-2"));
  // An earlier epoch can still be fetched by number (to read old pseudonyms), not by default.
  ASSERT_EQ(w.Ceremony("fetch", "credit", {"--epoch", "1"}), 0);
  EXPECT_EQ(ReadFile(w.dir() / "keys" / "credit-linkage.secret"), secret);
  ASSERT_EQ(w.StopHub(), 0);

  // Both epochs are on the record, and the privacy officer sees them.
  ASSERT_EQ(w.AuditCommand("show", {}, "show"), 0) << ReadFile(w.Log("show"));
  const std::string shown = ReadFile(w.Log("show"));
  EXPECT_NE(shown.find("linkage secret of epoch 1 made by 'municipality'"), std::string::npos)
      << shown;
  EXPECT_NE(shown.find("linkage secret of epoch 2 made by 'municipality'"), std::string::npos);
  ASSERT_EQ(w.Audit(), 0) << ReadFile(w.Log("audit"));
  EXPECT_NE(ReadFile(w.Log("audit"))
                .find("key epochs: each of the 2 was made and signed by the manifest's "
                      "linkage_secret_creator"),
            std::string::npos)
      << ReadFile(w.Log("audit"));
}

TEST(EndToEndTest, APartyWithKeysMadeOnItsPremisesTakesPartAndOnlyItOpensItsBox) {
  World w;
  // The credit registry makes its own key pairs; only the public halves leave its premises.
  const fs::path premises = w.dir() / "credit-premises";
  ASSERT_EQ(RunProcess({(kBin / "stapel-keys").string(), "party-keys", "--out", premises.string(),
                        "--party", "credit"},
                       w.Log("party-keys")),
            0)
      << ReadFile(w.Log("party-keys"));
  // The privacy officer puts them into the manifest (the files it names) and signs it again.
  for (const char* pub : {"credit-signing.pub", "credit-box.pub"}) {
    fs::copy_file(premises / pub, w.dir() / "keys" / pub, fs::copy_options::overwrite_existing);
  }
  ASSERT_EQ(w.SignManifest(), 0);
  const std::string old_config = ReadFile(w.dir() / "config" / "agent-credit.toml");
  WriteFile(w.dir() / "config" / "agent-credit.toml",
            Replace(Replace(old_config, "../keys/credit-signing.key",
                            "../credit-premises/credit-signing.key"),
                    "../keys/credit-box.key", "../credit-premises/credit-box.key"));
  WriteFile(w.dir() / "config" / "agent-credit-old-keys.toml", old_config);
  w.StartHub();
  // The municipality seals a new secret (epoch 2) to the keys the manifest now names.
  ASSERT_EQ(w.Ceremony("create", "municipality", {"--rotate"}), 0)
      << ReadFile(w.Log("ceremony-municipality"));
  ASSERT_EQ(w.Ceremony("fetch", "housing"), 0) << ReadFile(w.Log("ceremony-housing"));
  ASSERT_EQ(w.Ceremony("fetch", "credit"), 0) << ReadFile(w.Log("ceremony-credit"));
  EXPECT_EQ(ReadFile(w.dir() / "keys" / "credit-linkage.secret"),
            ReadFile(w.dir() / "keys" / "municipality-linkage.secret"));
  // The box key stapel-keys init made for the credit registry no longer opens its box.
  std::vector<std::string> old_fetch = {
      (kBin / "stapel-ceremony").string(),
      "fetch",
      "--config",
      (w.dir() / "config" / "agent-credit-old-keys.toml").string(),
      "--hub",
      "127.0.0.1:" + std::to_string(std::stoi(ReadFile(w.dir() / "hub.port")))};
  EXPECT_EQ(RunProcess(old_fetch, w.Log("ceremony-old-keys")), 1);
  EXPECT_NE(ReadFile(w.Log("ceremony-old-keys")).find("does not open with this party's box key"),
            std::string::npos)
      << ReadFile(w.Log("ceremony-old-keys"));
  w.RunAllAgents();  // the credit registry's batches are signed with its own key
  ASSERT_EQ(w.Request(), 0) << ReadFile(w.Log("request"));
}

TEST(EndToEndTest, AnAgentKilledMidwayResumesAfterTheLastAcknowledgedBatch) {
  World w;
  w.StartHub();
  const fs::path input = w.dir() / "input" / "credit-400k.csv";
  WriteLargeCreditExport(input, 400000);
  const std::vector<std::string> agent_argv = {
      (kBin / "stapel-agent").string(),
      "--config",
      (w.dir() / "config" / "agent-credit.toml").string(),
      "--hub",
      "127.0.0.1:" + std::to_string(std::stoi(ReadFile(w.dir() / "hub.port"))),
      "--input",
      input.string()};
  {
    Process agent(agent_argv, w.Log("agent-killed"));
    for (int i = 0;
         i < 3000 && ReadFile(w.Log("agent-killed")).find("progress:") == std::string::npos; ++i) {
      ASSERT_TRUE(agent.Running()) << ReadFile(w.Log("agent-killed"));
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(agent.Kill(), 128 + SIGKILL);
  }
  ASSERT_TRUE(fs::exists(input.string() + ".progress.json"));
  ASSERT_EQ(RunProcess(agent_argv, w.Log("agent-again")), 0) << ReadFile(w.Log("agent-again"));
  const std::string again = ReadFile(w.Log("agent-again"));
  EXPECT_NE(again.find("resuming the submission"), std::string::npos) << again;
  EXPECT_NE(again.find("sent 400000 records in 80 batches"), std::string::npos) << again;
  ASSERT_EQ(w.StopHub(), 0);
  const auto receipt = nlohmann::json::parse(ReadFile(input.string() + ".receipt.json"));
  EXPECT_EQ(receipt["records"], 400000);
  EXPECT_EQ(receipt["batches"], 80);
}

TEST(EndToEndTest, ALinkageSecretProtectedWithAPassphraseNeedsIt) {
  World w;
  w.StartHub();
  const fs::path secret = w.dir() / "keys" / "municipality-linkage.secret";
  const std::string plain = ReadFile(secret);
  ASSERT_TRUE(WriteKeyFile(w.dir() / "keys" / "passphrase", "the municipality's passphrase\n",
                           FileMode::kPrivate, true)
                  .ok());
  ASSERT_EQ(RunProcess({(kBin / "stapel-keys").string(), "protect", "--secret", secret.string(),
                        "--passphrase-file", (w.dir() / "keys" / "passphrase").string()},
                       w.Log("protect")),
            0)
      << ReadFile(w.Log("protect"));
  EXPECT_EQ(ReadFile(secret).find(plain.substr(0, 20)), std::string::npos);  // not in the clear
  EXPECT_EQ(w.RunAgent("agent-municipality.toml", {}, "without-passphrase"), 1);
  EXPECT_NE(ReadFile(w.Log("without-passphrase")).find("protected with a passphrase"),
            std::string::npos)
      << ReadFile(w.Log("without-passphrase"));
  WriteFile(w.dir() / "config" / "agent-municipality-protected.toml",
            Replace(ReadFile(w.dir() / "config" / "agent-municipality.toml"),
                    "linkage_secret = \"../keys/municipality-linkage.secret\"",
                    "linkage_secret = \"../keys/municipality-linkage.secret\"\npassphrase_file = "
                    "\"../keys/passphrase\""));
  EXPECT_EQ(w.RunAgent("agent-municipality-protected.toml"), 0)
      << ReadFile(w.Log("agent-municipality-protected.toml"));
  // A party whose config names a passphrase gets the secret from the ceremony protected.
  WriteFile(w.dir() / "config" / "agent-credit.toml",
            Replace(ReadFile(w.dir() / "config" / "agent-credit.toml"),
                    "linkage_secret = \"../keys/credit-linkage.secret\"",
                    "linkage_secret = \"../keys/credit-linkage.secret\"\npassphrase_file = "
                    "\"../keys/passphrase\""));
  ASSERT_EQ(w.Ceremony("fetch", "credit"), 0) << ReadFile(w.Log("ceremony-credit"));
  EXPECT_TRUE(
      ReadFile(w.dir() / "keys" / "credit-linkage.secret").starts_with("stapel-protected-v1 "));
  EXPECT_EQ(w.RunAgent("agent-credit.toml"), 0) << ReadFile(w.Log("agent-credit.toml"));
  ASSERT_EQ(w.StopHub(), 0);
  // No passphrase and no secret reached the hub's logs.
  EXPECT_EQ(ReadFile(w.Log("hub")).find("passphrase"), std::string::npos);
}

TEST(EndToEndTest, OnlyRequestersOfTheManifestGetTables) {
  World w;
  w.StartHub();
  w.RunAllAgents();
  // A party's own certificate is valid for the project but is not a requester's.
  EXPECT_EQ(w.Request(w.RequesterConfigAs("housing")), 1);
  EXPECT_NE(ReadFile(w.Log("request")).find("'housing' is not a requester"), std::string::npos)
      << ReadFile(w.Log("request"));
  // Nothing was released; the refusal is on the record.
  const std::string log = ReadFile(w.dir() / "hub" / "release.log");
  EXPECT_EQ(log.find("\"type\":\"release\""), std::string::npos);
  EXPECT_NE(log.find("\"type\":\"refusal\""), std::string::npos);
}

TEST(EndToEndTest, AnIdentityTheManifestDoesNotNameIsRefusedAtTheHandshake) {
  World w;
  w.StartHub();
  w.RunAllAgents();
  // The project CA signed a certificate for "visitor", but the manifest names no such identity:
  // the hub refuses it before any message is read (so its calls hold none of the hub's memory).
  EXPECT_EQ(w.Request(w.RequesterConfigAs("visitor"), {}, "request-visitor"), 1);
  EXPECT_EQ(ReadFile(w.Log("request-visitor")).find("is not a requester"), std::string::npos)
      << "the call reached the hub: " << ReadFile(w.Log("request-visitor"));
  // Everyone the manifest names still gets in.
  ASSERT_EQ(w.Request(), 0) << ReadFile(w.Log("request"));
  ASSERT_EQ(w.StopHub(), 0);
  EXPECT_NE(ReadFile(w.Log("hub")).find("refused a certificate of 'visitor' at the handshake"),
            std::string::npos)
      << ReadFile(w.Log("hub"));
  // No call of the visitor's reached the releaser: no refusal of it is on the record.
  EXPECT_EQ(ReadFile(w.dir() / "hub" / "release.log").find("visitor"), std::string::npos);
}

TEST(EndToEndTest, ReleaseBeforeTheRegisterHasSubmittedIsRefusedWithAReason) {
  World w;
  w.StartHub();
  ASSERT_EQ(w.RunAgent("agent-credit.toml"), 0);
  EXPECT_EQ(w.Request(), 1);
  EXPECT_NE(ReadFile(w.Log("request")).find("has not completed a submission"), std::string::npos);
}

// A synthetic population of 50,000 (seed 11, with `dirt`: stapel-synth's options for the
// housing export), the parties' keys and the example configs, for stapel-linkage-eval.
fs::path LinkageProject(const std::vector<std::string>& dirt) {
  const fs::path dir = FreshTempDir();
  std::vector<std::string> synth = {(kBin / "stapel-synth").string(), "--out", dir.string(),
                                    "--seed", "11", "--residents", "50000"};
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
                        (dir / "truth" / "housing_pairs.csv").string()},
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
  EXPECT_GE(precision, 0.995) << out;
  // 0.869 while rows with an impossible date were rejected, 0.915 with one Bloom filter over
  // all fields and a Dice threshold, 0.950 with a filter per field and the Fellegi-Sunter model
  // (0.952 with the filters' own blocks too), 0.950 with the filters salted (bloom_filter.h).
  EXPECT_GE(recall, 0.94) << out;
  // The model's own estimate of precision, made without the truth, is near the truth.
  const size_t e = out.find("without the truth: precision ");
  ASSERT_NE(e, std::string::npos) << out;
  double estimated = 0;
  ASSERT_EQ(std::sscanf(out.c_str() + e, "without the truth: precision %lf", &estimated), 1);
  EXPECT_NEAR(estimated, precision, 0.01) << out;
  // 0.886 with the three blocking schemes of before, 0.902 with five, 0.955 since the agent keeps
  // what is valid of a row, 0.989 and then 0.999 with the hub's blocks of the filters. Since the
  // filters are salted (bloom_filter.h) a pair can be compared only when it shares a birth date
  // (day and month in either order) or an address: 0.980, 0.983 with the house number's digits
  // sorted as the postcode's. The rest have both corrupted, missing
  // or moved; nothing in them can be compared without an encoding the hub could mine (the
  // issue's target of 0.995 assumed one).
  EXPECT_GE(reachable, 0.97) << out;
}

}  // namespace
}  // namespace stapel
