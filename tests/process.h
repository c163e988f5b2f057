#ifndef STAPEL_TESTS_PROCESS_H_
#define STAPEL_TESTS_PROCESS_H_

// Runs Stapel's binaries as real processes for integration tests. Output goes to a log file.
// A Process still running when destroyed is killed, so a failing test leaves nothing behind.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace stapel::testing_util {

class Process {
 public:
  // Starts `argv` (argv[0] a path) with stdout and stderr appended to `log`.
  Process(const std::vector<std::string>& argv, const std::filesystem::path& log);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  bool Running();
  // Waits for exit; returns the exit code, or 128 + signal.
  int Wait();
  // SIGTERM, then wait.
  int Stop();
  // SIGKILL (a crash, a power cut), then wait.
  int Kill();

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

// Runs to completion; returns the exit code.
int RunProcess(const std::vector<std::string>& argv, const std::filesystem::path& log);

}  // namespace stapel::testing_util

#endif  // STAPEL_TESTS_PROCESS_H_
