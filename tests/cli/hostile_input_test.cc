// Every `memdb` command against hostile inputs: empty, truncated, garbage, huge (a 1 GiB sparse
// file), a non-UTF-8 name, a directory, a FIFO, a nonexistent and an unreadable path. Each cell
// runs the built executable under a timeout (a hang is killed by SIGALRM and fails the cell) and
// asserts the status docs/cli.md documents and, for an error, one line on stderr that names
// the path -- never a crash, a hang or an unbounded read.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cli_test_support.h"
#include "memdb/db/db.h"
#include "memdb/snapshot/snapshot.h"
#include "memdb/util/random.h"

namespace memdb::cli::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

enum class Input {
  kEmpty,
  kTruncated,
  kGarbage,
  kHuge,
  kNonUtf8Name,
  kDirectory,
  kFifo,
  kMissing,
  kUnreadable,
};

const char* InputName(Input input) {
  switch (input) {
    case Input::kEmpty:
      return "empty";
    case Input::kTruncated:
      return "truncated";
    case Input::kGarbage:
      return "garbage";
    case Input::kHuge:
      return "huge";
    case Input::kNonUtf8Name:
      return "non-utf8-name";
    case Input::kDirectory:
      return "directory";
    case Input::kFifo:
      return "fifo";
    case Input::kMissing:
      return "missing";
    case Input::kUnreadable:
      return "unreadable";
  }
  return "?";
}

constexpr Input kAllInputs[] = {Input::kEmpty, Input::kTruncated,   Input::kGarbage,
                                Input::kHuge,  Input::kNonUtf8Name, Input::kDirectory,
                                Input::kFifo,  Input::kMissing,     Input::kUnreadable};

// The unprivileged user an unreadable file is tested as when the suite runs as root (to whom
// a chmod 000 file is readable).
constexpr int kNobody = 65534;
constexpr uint64_t kGarbageSeed = 14;

// What the hostile file should have been.
enum class Kind { kWal, kSnapshot, kGolden, kScenario, kReferences };

class HostileInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { std::cout << "garbage inputs use seed " << kGarbageSeed << "\n"; }

  void SetUp() override {
    // Valid contents of each kind, from the library itself.
    Options options;
    options.path = dir_.Join("db");
    options.sync_mode = SyncMode::kAlways;
    {
      Db db = Db::Open(options).value();
      for (int i = 0; i < 3; ++i) {
        Txn txn = db.Begin();
        ASSERT_TRUE(txn.Put("k" + std::to_string(i), std::string(40, 'v')).ok());
        ASSERT_TRUE(txn.Commit().ok());
      }
    }
    for (const auto& e : std::filesystem::directory_iterator(dir_.Join("db"))) {
      if (e.path().filename().string().starts_with("wal-")) valid_[Kind::kWal] = ReadAll(e.path());
    }
    ASSERT_GT(valid_[Kind::kWal].size(), 100u);
    Snapshot s;
    s.metadata.commit_timestamp = 3;
    s.entries = {{"a", "1"}, {"b", std::string(200, 'x')}};
    valid_[Kind::kSnapshot] = SaveSnapshot(s, SnapshotFormat::kBinary).value();
    valid_[Kind::kGolden] = SaveSnapshot(s, SnapshotFormat::kGolden).value();
    valid_[Kind::kScenario] = "option sync always\nput a 1\nput b 2\nexpect get a = 1\n";
    valid_[Kind::kReferences] = "/nonexistent/x.golden\n";
    reference_snapshot_ = dir_.Join("reference.bin");
    WriteAll(reference_snapshot_, valid_[Kind::kSnapshot]);
  }

  // Creates the hostile input `input` of `kind` named `name` in `dir` (which must exist);
  // returns its path. `*uid` is who must run the command (kNobody for an unreadable file when
  // this process is root).
  std::string Make(Input input, Kind kind, const std::string& dir, const std::string& name,
                   int* uid) {
    *uid = -1;
    std::string path = dir + "/" + name;
    const std::string& valid = valid_[kind];
    switch (input) {
      case Input::kEmpty:
        WriteAll(path, "");
        break;
      case Input::kTruncated:
        WriteAll(path, valid.substr(0, valid.size() / 2 + 3));
        break;
      case Input::kGarbage: {
        Random random(kGarbageSeed);
        std::string bytes(4096, '\0');
        for (char& c : bytes) c = static_cast<char>(random.Next());
        WriteAll(path, bytes);
        break;
      }
      case Input::kHuge: {
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        EXPECT_GE(fd, 0);
        EXPECT_EQ(::ftruncate(fd, off_t{1} << 30), 0);  // 1 GiB of holes: no disk used
        ::close(fd);
        break;
      }
      case Input::kNonUtf8Name:
        path = dir + "/\xff\xfe-" + name;
        WriteAll(path, valid);
        break;
      case Input::kDirectory:
        std::filesystem::create_directories(path);
        break;
      case Input::kFifo:
        EXPECT_EQ(::mkfifo(path.c_str(), 0644), 0);
        break;
      case Input::kMissing:
        break;
      case Input::kUnreadable:
        WriteAll(path, valid);
        EXPECT_EQ(::chmod(path.c_str(), 0), 0);
        if (::geteuid() == 0) *uid = kNobody;
        break;
    }
    return path;
  }

  ScratchDir dir_;
  std::map<Kind, std::string> valid_;
  std::string reference_snapshot_;
};

// One command of the tool with the input it reads.
struct CommandCase {
  const char* name;
  Kind kind;
  // The command line for the hostile file at `path`; `scratch` is a directory of the cell's own.
  std::vector<std::string> (*args)(const std::string& path, const std::string& scratch,
                                   const std::string& reference);
  // Where the hostile file goes inside `scratch` ("" = a name of its own at the top).
  const char* file_name;
  // The documented exit status per input (docs/cli.md, "Exit status").
  std::map<Input, int> expected;
};

std::vector<std::string> Golden(const char* sub, const std::string& scratch) {
  return {"golden", sub, scratch + "/root", "--references-dir", scratch + "/refs"};
}

const std::vector<CommandCase>& Commands() {
  using I = Input;
  // The usual outcome: an input that is no file of the kind is an error (3).
  static const std::vector<CommandCase> cases = {
      {"wal dump",
       Kind::kWal,
       [](const std::string& p, const std::string&, const std::string&) {
         return std::vector<std::string>{"wal", "dump", p};
       },
       "wal-000001.log",
       {{I::kEmpty, 0},
        {I::kTruncated, 4},
        {I::kGarbage, 4},
        {I::kHuge, 4},
        {I::kNonUtf8Name, 0},
        {I::kDirectory, 3},
        {I::kFifo, 3},
        {I::kMissing, 3},
        {I::kUnreadable, 3}}},
      {"wal check",
       Kind::kWal,
       [](const std::string& p, const std::string&, const std::string&) {
         return std::vector<std::string>{"wal", "check", "--json", p};
       },
       "wal-000001.log",
       {{I::kEmpty, 0},
        {I::kTruncated, 4},
        {I::kGarbage, 4},
        {I::kHuge, 4},
        {I::kNonUtf8Name, 0},
        {I::kDirectory, 3},
        {I::kFifo, 3},
        {I::kMissing, 3},
        {I::kUnreadable, 3}}},
      {"snapshot show",
       Kind::kSnapshot,
       [](const std::string& p, const std::string&, const std::string&) {
         return std::vector<std::string>{"snapshot", "show", p};
       },
       "snap.bin",
       {{I::kEmpty, 3},
        {I::kTruncated, 3},
        {I::kGarbage, 3},
        {I::kHuge, 3},
        {I::kNonUtf8Name, 0},
        {I::kDirectory, 3},
        {I::kFifo, 3},
        {I::kMissing, 3},
        {I::kUnreadable, 3}}},
      {"snapshot convert",
       Kind::kSnapshot,
       [](const std::string& p, const std::string& scratch, const std::string&) {
         return std::vector<std::string>{"snapshot", "convert", p, scratch + "/out.json",
                                         "--to",     "json"};
       },
       "snap.bin",
       {{I::kEmpty, 3},
        {I::kTruncated, 3},
        {I::kGarbage, 3},
        {I::kHuge, 3},
        {I::kNonUtf8Name, 0},
        {I::kDirectory, 3},
        {I::kFifo, 3},
        {I::kMissing, 3},
        {I::kUnreadable, 3}}},
      {"snapshot diff",
       Kind::kSnapshot,
       [](const std::string& p, const std::string&, const std::string& reference) {
         return std::vector<std::string>{"snapshot", "diff", reference, p};
       },
       "snap.bin",
       {{I::kEmpty, 3},
        {I::kTruncated, 3},
        {I::kGarbage, 3},
        {I::kHuge, 3},
        {I::kNonUtf8Name, 0},
        {I::kDirectory, 3},
        {I::kFifo, 3},
        {I::kMissing, 3},
        {I::kUnreadable, 3}}},
      // The golden commands find the hostile file as a pending golden (root/g.golden.new).
      {"golden list",
       Kind::kGolden,
       [](const std::string&, const std::string& scratch, const std::string&) {
         return Golden("list", scratch);
       },
       "root/g.golden.new",
       {{I::kEmpty, 0},
        {I::kTruncated, 0},
        {I::kGarbage, 0},
        {I::kHuge, 0},
        {I::kNonUtf8Name, 0},
        {I::kDirectory, 0},
        {I::kFifo, 0},
        {I::kMissing, 0},
        {I::kUnreadable, 0}}},
      {"golden accept",
       Kind::kGolden,
       [](const std::string&, const std::string& scratch, const std::string&) {
         return Golden("accept", scratch);
       },
       "root/g.golden.new",
       {{I::kEmpty, 3},
        {I::kTruncated, 3},
        {I::kGarbage, 3},
        {I::kHuge, 3},
        {I::kNonUtf8Name, 0},
        {I::kDirectory, 0},
        {I::kFifo, 3},
        {I::kMissing, 0},
        {I::kUnreadable, 3}}},
      {"golden reject",
       Kind::kGolden,
       [](const std::string&, const std::string& scratch, const std::string&) {
         return Golden("reject", scratch);
       },
       "root/g.golden.new",
       {{I::kEmpty, 0},
        {I::kTruncated, 0},
        {I::kGarbage, 0},
        {I::kHuge, 0},
        {I::kNonUtf8Name, 0},
        {I::kDirectory, 0},
        {I::kFifo, 0},
        {I::kMissing, 0},
        {I::kUnreadable, 0}}},
      // obsolete reads the references a test run recorded: the hostile file is one of them.
      {"golden obsolete",
       Kind::kReferences,
       [](const std::string&, const std::string& scratch, const std::string&) {
         return Golden("obsolete", scratch);
       },
       "refs/refs-1.txt",
       {{I::kEmpty, 0},
        {I::kTruncated, 0},
        {I::kGarbage, 0},
        {I::kHuge, 3},
        {I::kNonUtf8Name, 0},
        {I::kDirectory, 3},
        {I::kFifo, 3},
        {I::kMissing, 0},
        {I::kUnreadable, 3}}},
      {"scenario run",
       Kind::kScenario,
       [](const std::string& p, const std::string&, const std::string&) {
         return std::vector<std::string>{"scenario", "run", p};
       },
       "s.scn",
       {{I::kEmpty, 0},
        {I::kTruncated, 3},
        {I::kGarbage, 3},
        {I::kHuge, 3},
        {I::kNonUtf8Name, 0},
        {I::kDirectory, 3},
        {I::kFifo, 3},
        {I::kMissing, 3},
        {I::kUnreadable, 3}}},
      {"scenario explore",
       Kind::kScenario,
       [](const std::string& p, const std::string&, const std::string&) {
         return std::vector<std::string>{"scenario", "explore", p};
       },
       "s.scn",
       {{I::kEmpty, 0},
        {I::kTruncated, 3},
        {I::kGarbage, 3},
        {I::kHuge, 3},
        {I::kNonUtf8Name, 0},
        {I::kDirectory, 3},
        {I::kFifo, 3},
        {I::kMissing, 3},
        {I::kUnreadable, 3}}},
      // The scenario `include` path reads files too: a script including the hostile one.
      {"scenario run (include)",
       Kind::kScenario,
       [](const std::string& p, const std::string& scratch, const std::string&) {
         WriteAll(scratch + "/includer.scn", "include " + p + "\nput z 1\n");
         return std::vector<std::string>{"scenario", "run", scratch + "/includer.scn"};
       },
       "s.scn",
       {{I::kEmpty, 0},
        {I::kTruncated, 3},
        {I::kGarbage, 3},
        {I::kHuge, 3},
        {I::kNonUtf8Name, 0},
        {I::kDirectory, 3},
        {I::kFifo, 3},
        {I::kMissing, 3},
        {I::kUnreadable, 3}}},
  };
  return cases;
}

TEST_F(HostileInputTest, EveryCommandEndsWithItsDocumentedStatusAndNamesThePath) {
  int cell = 0;
  for (const CommandCase& command : Commands()) {
    for (const Input input : kAllInputs) {
      const std::string scratch = dir_.Join("cell" + std::to_string(cell++));
      for (const char* sub : {"", "/root", "/refs"}) {
        std::filesystem::create_directories(scratch + sub);
      }
      const std::string file_name = command.file_name;
      const size_t slash = file_name.rfind('/');
      const std::string dir =
          slash == std::string::npos ? scratch : scratch + "/" + file_name.substr(0, slash);
      const std::string base = slash == std::string::npos ? file_name : file_name.substr(slash + 1);
      int uid = -1;
      const std::string path = Make(input, command.kind, dir, base, &uid);
      if (command.kind == Kind::kGolden) {
        // The golden a pending file would replace: a valid one, so only the pending file is
        // hostile.
        WriteAll(scratch + "/root/g.golden", valid_[Kind::kGolden]);
      }
      if (uid >= 0) {
        // The unprivileged user must reach the scratch directories.
        for (const char* sub : {"", "/root", "/refs"}) ::chmod((scratch + sub).c_str(), 0777);
        ::chmod(dir_.path().c_str(), 0755);
      }
      const std::vector<std::string> args = command.args(path, scratch, reference_snapshot_);
      SCOPED_TRACE(std::string(command.name) + " on " + InputName(input) + " input " + path);
      ExecOptions exec;
      exec.uid = uid;
      exec.timeout_seconds = 20;  // a 1 GiB log scans in about 3 s here
      // Holding a 1 GiB input (let alone two copies) fails under this limit.
      exec.address_space_bytes = uint64_t{768} << 20;
      const CliRun run = RunMemdbExecutable(args, exec);
      EXPECT_EQ(run.code, command.expected.at(input)) << "stdout:\n"
                                                      << run.out.substr(0, 2000) << "stderr:\n"
                                                      << run.err;
      EXPECT_THAT(run.err, Not(HasSubstr("internal error")));
      if (run.code == kExitError) {
        // One line on stderr that names the file it is about.
        const std::string first = run.err.substr(0, run.err.find('\n'));
        EXPECT_THAT(first, HasSubstr(path)) << run.err;
      }
    }
  }
}

// Inputs that never end: each is refused by its type before a byte is read.
TEST_F(HostileInputTest, EndlessDevicesAreRefusedNotRead) {
  const std::string zero_link = dir_.Join("snapshot.bin");
  ASSERT_EQ(::symlink("/dev/zero", zero_link.c_str()), 0);
  const std::string includer = dir_.Join("includer.scn");
  WriteAll(includer, "put a 1\ninclude /dev/zero\n");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"snapshot", "show", zero_link}, zero_link},
      {{"snapshot", "convert", zero_link, "-", "--to", "json"}, zero_link},
      {{"wal", "dump", "/dev/zero"}, "/dev/zero"},
      {{"scenario", "run", includer}, "/dev/zero"},
      {{"scenario", "run", "/dev/zero"}, "/dev/zero"},
  };
  for (const auto& [args, path] : cases) {
    SCOPED_TRACE(::testing::PrintToString(args));
    const CliRun run = RunMemdbExecutable(
        args, {.timeout_seconds = 20, .address_space_bytes = uint64_t{768} << 20});
    EXPECT_EQ(run.code, kExitError) << run.out << run.err;
    EXPECT_THAT(run.err, HasSubstr(path));
    EXPECT_THAT(run.err + run.out, HasSubstr("device, not a regular file"));
  }
}

}  // namespace
}  // namespace memdb::cli::test
