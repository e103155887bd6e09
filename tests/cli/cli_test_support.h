// Helpers for the memdb CLI's tests: run RunCli in-process with a fixed environment, and make
// scratch directories that are removed afterwards.
#ifndef MEMDB_TESTS_CLI_CLI_TEST_SUPPORT_H_
#define MEMDB_TESTS_CLI_CLI_TEST_SUPPORT_H_

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
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

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void WriteAll(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

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

#ifdef MEMDB_CLI_PATH
#ifdef MEMDB_SANITIZED
inline constexpr bool kSanitizedBuild = true;
#else
inline constexpr bool kSanitizedBuild = false;
#endif

// How RunMemdbExecutable runs the built `memdb`.
struct ExecOptions {
  // Where stdout goes ("/dev/full" to test write failures); empty: captured in CliRun::out.
  std::string stdout_path;
  // The child is killed by SIGALRM after this long: a hang is a failure, not a stuck suite.
  unsigned timeout_seconds = 30;
  // RLIMIT_AS of the child in bytes (0: unlimited): a command that would hold a large file in
  // memory fails with bad_alloc instead. Not applied in sanitizer builds: ASan reserves terabytes
  // of shadow address space at start-up and cannot run under such a limit (the plain build
  // checks the memory bound; the sanitizer builds still check status, message and time).
  uint64_t address_space_bytes = 0;
  // Run as this user (root only; -1: unchanged), so a chmod 000 file is unreadable to it.
  int uid = -1;
};

// Runs the built `memdb ARGS...` (MEMDB_CLI_PATH) as a child process with stdin /dev/null.
// CliRun::code is the exit status, or 128 + the signal that ended it (SIGALRM: timed out).
inline CliRun RunMemdbExecutable(const std::vector<std::string>& args,
                                 const ExecOptions& options = {}) {
  char out_template[] = "/tmp/memdb_cli_out_XXXXXX";
  char err_template[] = "/tmp/memdb_cli_err_XXXXXX";
  const int out_fd = options.stdout_path.empty() ? ::mkstemp(out_template)
                                                 : ::open(options.stdout_path.c_str(), O_WRONLY);
  const int err_fd = ::mkstemp(err_template);
  const int in_fd = ::open("/dev/null", O_RDONLY);
  CliRun run;
  if (out_fd < 0 || err_fd < 0 || in_fd < 0) {
    ADD_FAILURE() << "cannot set up the child's standard streams";
    return run;
  }
  std::vector<std::string> argv_strings = {MEMDB_CLI_PATH};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {  // only async-signal-safe calls from here to exec
    ::dup2(in_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    if (options.address_space_bytes != 0 && !kSanitizedBuild) {
      const struct rlimit limit = {options.address_space_bytes, options.address_space_bytes};
      ::setrlimit(RLIMIT_AS, &limit);
    }
    if (options.uid >= 0 && (::setgid(options.uid) != 0 || ::setuid(options.uid) != 0)) {
      ::_exit(126);
    }
    ::alarm(options.timeout_seconds);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  if (pid > 0) ::waitpid(pid, &status, 0);
  ::close(in_fd);
  ::close(out_fd);
  ::close(err_fd);
  if (pid < 0) {
    ADD_FAILURE() << "fork failed";
  } else if (WIFEXITED(status)) {
    run.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    run.code = 128 + WTERMSIG(status);
  }
  if (options.stdout_path.empty()) {
    run.out = ReadAll(out_template);
    ::unlink(out_template);
  }
  run.err = ReadAll(err_template);
  ::unlink(err_template);
  return run;
}
#endif  // MEMDB_CLI_PATH

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

}  // namespace memdb::cli::test

#endif  // MEMDB_TESTS_CLI_CLI_TEST_SUPPORT_H_
