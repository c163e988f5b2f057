#ifndef STAPEL_AUDIT_COMMANDS_H_
#define STAPEL_AUDIT_COMMANDS_H_

// The subcommands of stapel-audit; each prints its result and returns the exit code (0 valid,
// 1 naming what failed). main.cc wires them to the command line.

#include <cstdint>
#include <string>

namespace stapel::audit_cli {

struct Options {
  std::string log, hub_key, head_file, save_head;
  uint64_t seq = 0;
};

int Verify(const Options& o);
int ProveInclusion(const Options& o);
int ProveConsistency(const Options& o);
int Show(const Options& o);
int SignManifestCommand(const std::string& manifest_path, const std::string& key_path);

}  // namespace stapel::audit_cli

#endif  // STAPEL_AUDIT_COMMANDS_H_
