#ifndef STAPEL_PARTY_AGENT_TEST_PROJECT_H_
#define STAPEL_PARTY_AGENT_TEST_PROJECT_H_

// Test-only: a small project on disk (manifest, a party's keys, the linkage secret and an
// agent config) for the agent's unit tests.

#include <filesystem>
#include <string>

#include "keys/key_file.h"
#include "keys/signing.h"
#include "ledger/log_writer.h"
#include "party-agent/agent_config.h"
#include "tests/test_project.h"

namespace stapel::testing_util {

struct TestProject {
  std::filesystem::path dir;
  std::string party_public_key;
  AgentConfig config;
};

// `party` is "municipality" (register: bsn + name key, buurt, youth_care) or "housing"
// (source: name key, rent_arrears) of tests/test_project.h. `csv` is the export's content.
inline TestProject MakeTestProject(const std::string& party, const std::string& csv) {
  TestProject p;
  p.dir = FreshTempDir();
  auto signers = WriteTestProject(p.dir);
  p.party_public_key = signers.at(party)->PublicKeyBase64();
  EXPECT_TRUE(WriteKeyFile(p.dir / "linkage.secret",
                           "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", FileMode::kPrivate,
                           true)
                  .ok());
  WriteFile(p.dir / "export.csv", csv);
  // The hub's release-signing key pair: the fake hub signs receipts with it.
  EXPECT_TRUE(
      Ed25519Signer::Generate()->WriteKeyFiles(p.dir / "hub.key", p.dir / "hub.pub", true).ok());
  const bool reg = party == "municipality";
  WriteFile(p.dir / "agent.toml",
            "party_id = \"" + party +
                "\"\nmanifest = \"manifest.toml\"\n"
                "[hub]\naddress = \"127.0.0.1:1\"\nretry_seconds = 1\n"
                "[tls]\nca = \"ca.crt\"\ncertificate = \"c.crt\"\nprivate_key = \"c.key\"\n"
                "[keys]\nsigning_key = \"" +
                party +
                ".key\"\nlinkage_secret = \"linkage.secret\"\nhub_signing_key = \"hub.pub\"\n"
                "box_key = \"" +
                party +
                "-box.key\"\n"
                "[input]\nfile = \"export.csv\"\ndelimiter = \";\"\nbatch_size = 5\n"
                "[columns]\n" +
                std::string(reg ? "bsn = \"bsn\"\nbuurt = \"buurt\"\n" : "") +
                "first_names = \"voornaam\"\nsurname = \"achternaam\"\n"
                "birth_date = \"geboren\"\npostcode = \"postcode\"\nhouse_number = \"huisnummer\"\n"
                "[attributes]\n" +
                (reg ? "youth_care = \"jeugdzorg\"\n" : "rent_arrears = \"achterstand\"\n"));
  p.config = *AgentConfig::Load(p.dir / "agent.toml");
  return p;
}

// The fake hub's release log, signed with the project's hub key (its receipts and replies).
inline std::unique_ptr<ReleaseLogWriter> OpenFakeHubLog(const TestProject& project) {
  return *ReleaseLogWriter::Open(project.dir / "hub-release.log",
                                 *Ed25519Signer::FromFile(project.dir / "hub.key"));
}

}  // namespace stapel::testing_util

#endif  // STAPEL_PARTY_AGENT_TEST_PROJECT_H_
