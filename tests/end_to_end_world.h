#ifndef STAPEL_TESTS_END_TO_END_WORLD_H_
#define STAPEL_TESTS_END_TO_END_WORLD_H_

// For the end-to-end tests (end_to_end_*_test.cc): keys, demo data, a hub and party agents as
// real processes talking gRPC with mutual TLS on 127.0.0.1, a requester, and the privacy
// officer's audit, in a temporary folder (World); and helpers that read what they wrote.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
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

namespace stapel::e2e {

namespace fs = std::filesystem;
using testing_util::FreshTempDir;
using testing_util::Process;
using testing_util::ReadFile;
using testing_util::RunProcess;
using testing_util::WriteFile;

inline const fs::path kBin = STAPEL_BIN_DIR;

// How many times a drill repeats a fault: the environment variable `name` (bench/drills.sh
// sets it), else `fallback`.
inline int DrillCount(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value == nullptr ? fallback : std::max(1, std::atoi(value));
}
inline const fs::path kExamples = fs::path(STAPEL_SOURCE_DIR) / "deploy" / "examples";
inline constexpr int kResidents = 20000;

inline std::string Replace(std::string text, std::string_view from, std::string_view to) {
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
inline fs::path ReleasedFile(const fs::path& dir, std::string_view extension) {
  std::vector<fs::path> found;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == extension) found.push_back(e.path());
  }
  EXPECT_EQ(found.size(), 1u);
  return found.empty() ? fs::path() : found[0];
}

inline AreaTable LoadTable(const fs::path& json_file) {
  auto table = AreaTable::FromJson(nlohmann::json::parse(ReadFile(json_file)));
  EXPECT_TRUE(table.ok()) << table.status();
  return *table;
}

// The demo's stacking table computed from the generator's ground truth and protected the way
// the hub protects a first release.
inline AreaTable ExpectedStackingTable(const fs::path& dir) {
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

inline void ExpectSameTable(const AreaTable& released, const AreaTable& expected) {
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
inline std::vector<std::pair<fs::path, std::string>> AllFiles(const fs::path& dir) {
  std::vector<std::pair<fs::path, std::string>> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) files.emplace_back(e.path(), ReadFile(e.path()));
  }
  return files;
}

// The data versions of the "linked data state" lines in a hub log, in order.
inline std::vector<std::string> LinkedStates(const fs::path& hub_log) {
  std::vector<std::string> out;
  std::istringstream in(ReadFile(hub_log));
  for (std::string line; std::getline(in, line);) {
    const size_t at = line.find("linked data state ");
    if (at != std::string::npos) out.push_back(line.substr(at + 18, 64));
  }
  return out;
}

// The data version of the last release in the hub's log.
inline std::string LastReleasedState(const fs::path& release_log) {
  std::ifstream log(release_log);
  std::string version;
  for (std::string line; std::getline(log, line);) {
    const auto entry = nlohmann::json::parse(line);
    if (entry["type"] == "release") version = entry["data_version"];
  }
  return version;
}

}  // namespace stapel::e2e

#endif  // STAPEL_TESTS_END_TO_END_WORLD_H_
