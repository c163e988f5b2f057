// End-to-end: what may not cross the boundaries: identifiers and the linkage secret, private
// keys, certificates of another CA, attributes outside the manifest; bad rows and resends.

#include "tests/end_to_end_world.h"

namespace stapel {
namespace {

using namespace e2e;  // NOLINT: the tests' shared world

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

}  // namespace
}  // namespace stapel
