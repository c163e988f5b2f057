// End-to-end: operating the hub: the portal, retention, the signed manifest, revoked and
// self-made certificates, backups, health and metrics, hostile connections.

#include "tests/end_to_end_world.h"

namespace stapel {
namespace {

using namespace e2e;  // NOLINT: the tests' shared world

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
    EXPECT_NE(ReadFile(w.Log("sign-wrong-" + id)).find("not the one they made"), std::string::npos);
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
  ASSERT_EQ(RunProcess(
                {keys, "request", "--out", (w.dir() / "mallory").string(), "--identity", "mallory"},
                w.Log("request-mallory")),
            0);
  EXPECT_EQ(
      sign(w.dir() / "mallory" / "mallory.csr", fingerprint_in("request-mallory"), "sign-mallory"),
      1);
  EXPECT_NE(ReadFile(w.Log("sign-mallory")).find("add it to the manifest"), std::string::npos)
      << ReadFile(w.Log("sign-mallory"));
  EXPECT_FALSE(fs::exists(w.dir() / "mallory" / "mallory.crt"));

  for (const auto& [config, id] :
       {std::pair("agent-credit.toml", "credit"), std::pair("requester.toml", "analyst")}) {
    std::string text = ReadFile(w.dir() / "config" / config);
    text = Replace(text, fmt::format("../keys/{}.crt", id),
                   fmt::format("../{}-premises/{}.crt", id, id));
    text = Replace(text, fmt::format("../keys/{}.key", id),
                   fmt::format("../{}-premises/{}.key", id, id));
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

  EXPECT_EQ(
      RunProcess({hub, "restore", "--config", config, "--from", backup}, w.Log("restore-unforced")),
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
  ASSERT_EQ(RunProcess({hub, "restore", "--config", config, "--from", backup}, w.Log("restore")), 0)
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
  ASSERT_EQ(
      ::bind(notify, reinterpret_cast<sockaddr*>(&address),
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
    EXPECT_EQ(metric[fmt::format("stapel_submissions_completed_total{{party=\"{}\"}}", party)], 1);
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
    for (int i = 0; i < 400 && ReadFile(w.Log("hostile")).find(report) == std::string::npos; ++i) {
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

}  // namespace
}  // namespace stapel
