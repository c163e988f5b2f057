// End-to-end: fault drills and keys: kills, a full disk, the key ceremony and rotation, keys
// made on a party's premises, passphrases, who may ask.

#include "tests/end_to_end_world.h"

namespace stapel {
namespace {

using namespace e2e;  // NOLINT: the tests' shared world

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
  ASSERT_EQ(w.Request("requester.toml", {}, "request-after"), 0)
      << ReadFile(w.Log("request-after"));
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

// `party`'s agent config with a passphrase file (keys/passphrase) for its linkage secret.
std::string AgentConfigWithPassphrase(const World& w, std::string_view party) {
  const std::string secret = fmt::format("linkage_secret = \"../keys/{}-linkage.secret\"", party);
  return Replace(ReadFile(w.dir() / "config" / fmt::format("agent-{}.toml", party)), secret,
                 secret + "\npassphrase_file = \"../keys/passphrase\"");
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
            AgentConfigWithPassphrase(w, "municipality"));
  EXPECT_EQ(w.RunAgent("agent-municipality-protected.toml"), 0)
      << ReadFile(w.Log("agent-municipality-protected.toml"));
  // A party whose config names a passphrase gets the secret from the ceremony protected.
  WriteFile(w.dir() / "config" / "agent-credit.toml", AgentConfigWithPassphrase(w, "credit"));
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

}  // namespace
}  // namespace stapel
