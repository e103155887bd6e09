// Helpers for the memdb CLI's tests: run RunCli in-process with a fixed environment, and make
// scratch directories that are removed afterwards.
#ifndef MEMDB_TESTS_CLI_CLI_TEST_SUPPORT_H_
#define MEMDB_TESTS_CLI_CLI_TEST_SUPPORT_H_

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli.h"

namespace memdb::cli::test {

struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
};

// Runs `memdb ARGS...` in-process. `env` is the whole environment the command sees.
inline CliRun RunMemdb(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env = {}) {
  std::ostringstream out;
  std::ostringstream err;
  const CliIo io{out, err,
                 [env](const std::string& name) -> std::optional<std::string> {
                   auto it = env.find(name);
                   if (it == env.end()) return std::nullopt;
                   return it->second;
                 },
                 false};
  CliRun run;
  run.code = RunCli(args, io);
  run.out = out.str();
  run.err = err.str();
  return run;
}

// A fresh directory under the system's temporary directory, removed by the destructor.
class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("memdb_cli_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" +
             std::to_string(::getpid()) + "_" + std::to_string(next_id_++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::string path() const { return path_.string(); }
  std::string Join(const std::string& name) const { return (path_ / name).string(); }

 private:
  static inline int next_id_ = 0;  // several scratch directories in one test
  std::filesystem::path path_;
};

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void WriteAll(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

}  // namespace memdb::cli::test

#endif  // MEMDB_TESTS_CLI_CLI_TEST_SUPPORT_H_
