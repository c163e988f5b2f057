#ifndef STAPEL_TESTS_TEST_PROJECT_H_
#define STAPEL_TESTS_TEST_PROJECT_H_

// Test-only: the manifest of a small project and the parties' signing keys on disk.
//   municipality  register  every match key kind  youth_care, wmo
//   housing       source    the name-based kinds  rent_arrears
//   credit        source    bsn                   debts
//   requester: analyst; k = 15, minimum area population 10; municipality makes the linkage
//   secret

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "keys/sealed_secret.h"
#include "keys/signing.h"
#include "tests/temp_dir.h"

namespace stapel::testing_util {

inline constexpr std::string_view kTestManifest = R"(
project_id = "test"
title = "Test project"
linkage_secret_creator = "municipality"
match_keys = ["bsn", "surname_birth_postcode", "initial_surname_birth", "birth_postcode_house",
              "initial_surname_postcode_house"]

[disclosure]
k = 15
min_area_population = 10

[[party]]
id = "municipality"
role = "register"
signing_key = "municipality.pub"
box_key = "municipality-box.pub"
match_keys = ["initial_surname_postcode_house", "birth_postcode_house", "initial_surname_birth",
              "surname_birth_postcode", "bsn"]
attributes = ["youth_care", "wmo"]

[[party]]
id = "housing"
role = "source"
signing_key = "housing.pub"
box_key = "housing-box.pub"
match_keys = ["surname_birth_postcode", "initial_surname_birth", "birth_postcode_house",
              "initial_surname_postcode_house"]
attributes = ["rent_arrears"]

[[party]]
id = "credit"
role = "source"
signing_key = "credit.pub"
box_key = "credit-box.pub"
match_keys = ["bsn"]
attributes = ["debts"]

[[requester]]
id = "analyst"
)";

// Writes <party>.key (mode 0600) and <party>.pub for every party, their box keys
// <party>-box.key and <party>-box.pub, and `manifest` as manifest.toml into `dir`; returns the
// parties' signers.
inline std::map<std::string, std::unique_ptr<Ed25519Signer>> WriteTestProject(
    const std::filesystem::path& dir, std::string_view manifest = kTestManifest) {
  std::map<std::string, std::unique_ptr<Ed25519Signer>> signers;
  for (const char* party : {"municipality", "housing", "credit"}) {
    auto signer = Ed25519Signer::Generate();
    EXPECT_TRUE(signer
                    ->WriteKeyFiles(dir / (std::string(party) + ".key"),
                                    dir / (std::string(party) + ".pub"), true)
                    .ok());
    signers[party] = std::move(signer);
    EXPECT_TRUE(BoxKeyPair::Generate()
                    .WriteKeyFiles(dir / (std::string(party) + "-box.key"),
                                   dir / (std::string(party) + "-box.pub"), true)
                    .ok());
  }
  WriteFile(dir / "manifest.toml", manifest);
  return signers;
}

}  // namespace stapel::testing_util

#endif  // STAPEL_TESTS_TEST_PROJECT_H_
