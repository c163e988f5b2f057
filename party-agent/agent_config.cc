#include "party-agent/agent_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "keys/identity.h"
#include "project/toml_file.h"

namespace stapel {
namespace {

// INVALID_ARGUMENT: `what` is wrong in the config file `path`.
absl::Status ConfigError(const std::filesystem::path& path, std::string_view what) {
  return absl::InvalidArgumentError(fmt::format("{}: {}", path.string(), what));
}

// A path in the config, relative to the config file's folder.
std::filesystem::path Relative(const std::filesystem::path& path, const std::string& p) {
  return (path.parent_path() / p).lexically_normal();
}

// The top level: party_id and manifest.
absl::Status ReadParty(const toml::table& root, const std::filesystem::path& path, AgentConfig* c) {
  auto party = root["party_id"].value<std::string>();
  if (!party)
    return ConfigError(path, "party_id is missing (this party's identity in the manifest)");
  if (auto s = ValidateIdentity(*party); !s.ok())
    return ConfigError(path, std::string(s.message()));
  c->party_id = *party;
  auto manifest = root["manifest"].value<std::string>();
  if (!manifest) return ConfigError(path, "manifest is missing (path of the project manifest)");
  c->manifest = Relative(path, *manifest);
  return absl::OkStatus();
}

// [keys]: the signing key, the linkage secret, the hub's public key; optionally the
// passphrase file and the box key.
absl::Status ReadKeys(const toml::table& root, const std::filesystem::path& path, AgentConfig* c) {
  auto signing = root["keys"]["signing_key"].value<std::string>();
  auto secret = root["keys"]["linkage_secret"].value<std::string>();
  auto hub_key = root["keys"]["hub_signing_key"].value<std::string>();
  if (!signing || !secret || !hub_key) {
    return ConfigError(
        path,
        "[keys] needs signing_key, linkage_secret and hub_signing_key (files written by "
        "stapel-keys; hub_signing_key is the hub's public key, hub-signing.pub)");
  }
  c->hub_signing_key = Relative(path, *hub_key);
  if (auto passphrase = root["keys"]["passphrase_file"].value<std::string>()) {
    c->passphrase_file = Relative(path, *passphrase);
  }
  if (auto box = root["keys"]["box_key"].value<std::string>()) c->box_key = Relative(path, *box);
  c->signing_key = Relative(path, *signing);
  c->linkage_secret = Relative(path, *secret);
  return absl::OkStatus();
}

// [input]: the export, its delimiter and encoding, the reject file, the batch size and the
// period.
absl::Status ReadInput(const toml::table& root, const std::filesystem::path& path, AgentConfig* c) {
  auto input = root["input"]["file"].value<std::string>();
  if (!input) return ConfigError(path, "[input] file is missing (the CSV export to send)");
  c->input = Relative(path, *input);
  const std::string delimiter = root["input"]["delimiter"].value_or(std::string(","));
  if (delimiter == "\\t" || delimiter == "tab") {
    c->delimiter = '\t';
  } else if (delimiter.size() == 1 && delimiter != "\"") {
    c->delimiter = delimiter[0];
  } else {
    return ConfigError(
        path, "[input] delimiter must be one character, such as \",\" or \";\", or \"tab\"");
  }
  const std::string encoding = root["input"]["encoding"].value_or(std::string("UTF-8"));
  if (encoding != "UTF-8" && encoding != "utf-8") {
    return ConfigError(path, fmt::format("[input] encoding '{}' is not supported: convert the "
                                         "export to UTF-8 first (iconv -f {} -t UTF-8)",
                                         encoding, encoding));
  }
  c->reject_file = root["input"]["reject_file"]
                       ? Relative(path, root["input"]["reject_file"].value_or(std::string()))
                       : std::filesystem::path(c->input.string() + ".rejects.csv");
  const int64_t batch = root["input"]["batch_size"].value_or(int64_t{5000});
  if (batch < 1 || batch > 50000) {
    return ConfigError(path, "[input] batch_size must be from 1 to 50000");
  }
  c->batch_size = static_cast<size_t>(batch);
  c->period = root["input"]["period"].value_or(std::string());
  return absl::OkStatus();
}

// [hub] retry_seconds and batches_in_flight (the rest of [hub] is ReadHubSection's).
absl::Status ReadRetrySeconds(const toml::table& root, const std::filesystem::path& path,
                              AgentConfig* c) {
  const int64_t retry = root["hub"]["retry_seconds"].value_or(int64_t{60});
  if (retry < 0 || retry > 86400) {
    return ConfigError(path, "[hub] retry_seconds must be from 0 to 86400");
  }
  c->retry_seconds = static_cast<int>(retry);
  const int64_t in_flight = root["hub"]["batches_in_flight"].value_or(int64_t{2});
  if (in_flight < 1 || in_flight > 3) {
    return ConfigError(path,
                       "[hub] batches_in_flight must be from 1 to 3 (the hub takes 4 calls of a "
                       "party at a time, and a retry needs one)");
  }
  c->batches_in_flight = static_cast<int>(in_flight);
  return absl::OkStatus();
}

// [columns] (Stapel field = header name) and [attributes] (manifest attribute = header name).
absl::Status ReadColumns(const toml::table& root, const std::filesystem::path& path,
                         AgentConfig* c) {
  static constexpr std::array<std::string_view, 12> kFields = {
      kFieldBsn,      kFieldFirstNames,  kFieldSurname,       kFieldBirthDate,
      kFieldPostcode, kFieldHouseNumber, kFieldSurnamePrefix, kFieldBuurt,
      kFieldStreet,   kFieldPlace,       kFieldSex,           kFieldInitials};
  if (const toml::table* columns = root["columns"].as_table()) {
    for (const auto& [key, value] : *columns) {
      if (std::find(kFields.begin(), kFields.end(), key.str()) == kFields.end()) {
        return ConfigError(path, fmt::format("[columns] {} is not a field (known: {})", key.str(),
                                             fmt::join(kFields, ", ")));
      }
      auto header = value.value<std::string>();
      if (!header) {
        return ConfigError(path, fmt::format("[columns] {} must be a header name", key.str()));
      }
      c->columns[std::string(key.str())] = *header;
    }
  }
  if (const toml::table* attributes = root["attributes"].as_table()) {
    for (const auto& [key, value] : *attributes) {
      auto header = value.value<std::string>();
      if (!header) {
        return ConfigError(path, fmt::format("[attributes] {} must be a header name", key.str()));
      }
      c->attributes[std::string(key.str())] = *header;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<AgentConfig> AgentConfig::Load(const std::filesystem::path& path) {
  auto parsed = ParseTomlFile(path);
  if (!parsed.ok()) return parsed.status();
  const toml::table& root = *parsed;

  AgentConfig c;
  c.config_file = path;
  if (auto s = ReadParty(root, path, &c); !s.ok()) return s;
  auto hub = ReadHubSection(root, path);
  if (!hub.ok()) return hub.status();
  c.hub = *hub;
  auto tls = ReadTlsSection(root, path);
  if (!tls.ok()) return tls.status();
  c.tls = *tls;
  // [hub] retry_seconds after [input]: a file with mistakes in both is told of [input]'s first.
  if (auto s = ReadKeys(root, path, &c); !s.ok()) return s;
  if (auto s = ReadInput(root, path, &c); !s.ok()) return s;
  if (auto s = ReadRetrySeconds(root, path, &c); !s.ok()) return s;
  if (auto s = ReadColumns(root, path, &c); !s.ok()) return s;
  return c;
}

absl::StatusOr<Manifest> AgentConfig::LoadManifest() const {
  auto loaded = Manifest::Load(manifest);
  if (!loaded.ok()) return loaded.status();
  if (loaded->FindParty(party_id) == nullptr) {
    return absl::InvalidArgumentError(fmt::format("{}: party_id '{}' is not a party in {}",
                                                  config_file.string(), party_id,
                                                  manifest.string()));
  }
  return loaded;
}

}  // namespace stapel
