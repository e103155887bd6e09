// The tool's outputs: a write that fails (stdout on a full device) is never exit status 0, and
// `snapshot convert` never replaces a device, FIFO or directory with its output; plus the one
// input check that is about memory rather than file type: a huge non-snapshot is rejected by its
// first bytes, not read whole.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <streambuf>
#include <string>
#include <vector>

#include "cli_test_support.h"
#include "memdb/db/db.h"
#include "memdb/snapshot/golden.h"
#include "memdb/snapshot/snapshot.h"

namespace memdb::cli::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A stream buffer that refuses every byte, as a full disk does.
class FullDeviceBuf : public std::streambuf {
 protected:
  int_type overflow(int_type) override { return traits_type::eof(); }
  std::streamsize xsputn(const char*, std::streamsize) override { return 0; }
};

class UnsafeOutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Snapshot s;
    s.metadata.commit_timestamp = 4;
    s.entries = {{"a", "1"}, {"b", "2"}};
    snapshot_ = dir_.Join("in.bin");
    ASSERT_TRUE(WriteSnapshotFile(*PosixFileSystem(), snapshot_, s, SnapshotFormat::kBinary).ok());
  }

  // `memdb ARGS` in-process with stdout on a device that takes nothing.
  CliRun RunWithFullStdout(const std::vector<std::string>& args) {
    FullDeviceBuf buf;
    std::ostream out(&buf);
    std::ostringstream err;
    const CliIo io{out, err, [](const std::string&) { return std::optional<std::string>(); },
                   false};
    CliRun run;
    run.code = RunCli(args, io);
    run.err = err.str();
    return run;
  }

  ScratchDir dir_;
  std::string snapshot_;
};

TEST_F(UnsafeOutputTest, ConvertToAFullStdoutFailsWithAMessage) {
  const CliRun run = RunMemdbExecutable({"snapshot", "convert", snapshot_, "-", "--to", "json"},
                                        {.stdout_path = "/dev/full"});
  EXPECT_EQ(run.code, kExitError) << run.err;
  EXPECT_THAT(run.err, HasSubstr("writing the output (standard output) failed"));
}

TEST_F(UnsafeOutputTest, ShowToAFullStdoutFailsWithAMessage) {
  const CliRun run =
      RunMemdbExecutable({"snapshot", "show", snapshot_}, {.stdout_path = "/dev/full"});
  EXPECT_EQ(run.code, kExitError) << run.err;
  EXPECT_THAT(run.err, HasSubstr("writing the output (standard output) failed"));
}

TEST_F(UnsafeOutputTest, EveryCommandThatPrintsFailsWhenItsOutputIsLost) {
  ScratchDir golden_root;
  WriteAll(golden_root.Join("g.golden.new"),
           SaveSnapshot(Snapshot{}, SnapshotFormat::kGolden).value());
  const std::string script = dir_.Join("s.scn");
  WriteAll(script, "put a 1\nexpect get a = 1\n");
  Options options;
  options.path = dir_.Join("db");
  {
    Db db = Db::Open(options).value();
    ASSERT_TRUE(db.Put("k", "v").ok());
  }
  const std::vector<std::vector<std::string>> commands = {
      {"wal", "dump", options.path},
      {"wal", "check", options.path},
      {"golden", "obsolete", golden_root.path(), "--references-dir", golden_root.path()},
      {"scenario", "explore", script},
      {"snapshot", "show", snapshot_},
      {"snapshot", "show", "--json", snapshot_},
      {"snapshot", "convert", snapshot_, "-", "--to", "golden"},
      {"snapshot", "convert", snapshot_, dir_.Join("out.json"), "--to", "json"},
      {"snapshot", "diff", snapshot_, snapshot_},
      {"golden", "list", golden_root.path()},
      {"scenario", "run", script},
      {"--help"},
      {"--version"},
  };
  for (const std::vector<std::string>& args : commands) {
    SCOPED_TRACE(::testing::PrintToString(args));
    const CliRun run = RunWithFullStdout(args);
    EXPECT_EQ(run.code, kExitError) << run.err;
    EXPECT_THAT(run.err, HasSubstr("writing the output (standard output) failed"));
  }
}

TEST_F(UnsafeOutputTest, ConvertNeverReplacesACharacterDevice) {
  // A device node of our own (the null device's numbers), so nothing shared is at risk.
  const std::string device = dir_.Join("device");
  if (::mknod(device.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {
    GTEST_SKIP() << "cannot create a device node here (needs CAP_MKNOD)";
  }
  const CliRun run = RunMemdb({"snapshot", "convert", snapshot_, device, "--to", "json"});
  EXPECT_EQ(run.code, kExitError);
  EXPECT_THAT(run.err, HasSubstr(device + " is a character device, not a regular file"));
  struct stat st;
  ASSERT_EQ(::stat(device.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "the device node was replaced";
}

TEST_F(UnsafeOutputTest, ConvertNeverReplacesAFifoOrADirectory) {
  const std::string fifo = dir_.Join("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  const std::string directory = dir_.Join("directory");
  std::filesystem::create_directories(directory);
  for (const std::string& out : {fifo, directory}) {
    const CliRun run = RunMemdb({"snapshot", "convert", snapshot_, out, "--to", "json"});
    EXPECT_EQ(run.code, kExitError) << out;
    EXPECT_THAT(run.err, HasSubstr(out + " is a")) << out;
  }
  struct stat st;
  ASSERT_EQ(::stat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode)) << "the FIFO was replaced";
  EXPECT_TRUE(std::filesystem::is_directory(directory));
}

TEST_F(UnsafeOutputTest, ConvertStillReplacesARegularFile) {
  const std::string out = dir_.Join("out.json");
  WriteAll(out, "old");
  const CliRun run = RunMemdb({"snapshot", "convert", snapshot_, out, "--to", "json"});
  EXPECT_EQ(run.code, kExitOk) << run.err;
  EXPECT_THAT(ReadAll(out), HasSubstr("\"commit_timestamp\""));
}

TEST_F(UnsafeOutputTest, GoldenAcceptNeverReplacesADirectoryGolden) {
  ScratchDir root;
  std::filesystem::create_directories(root.Join("g.golden"));
  WriteAll(root.Join("g.golden.new"), SaveSnapshot(Snapshot{}, SnapshotFormat::kGolden).value());
  const CliRun run = RunMemdb({"golden", "accept", root.path()});
  EXPECT_EQ(run.code, kExitError);
  EXPECT_THAT(run.err, HasSubstr(root.Join("g.golden") + " is a directory"));
  EXPECT_TRUE(std::filesystem::exists(root.Join("g.golden.new"))) << "the pending file is kept";
}

TEST_F(UnsafeOutputTest, ShowRejectsAHugeNonSnapshotByItsFirstBytes) {
  // 1 GiB of holes; under a 512 MiB address space, reading it whole fails with bad_alloc.
  const std::string huge = dir_.Join("huge.bin");
  const int fd = ::open(huge.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, off_t{1} << 30), 0);
  ::close(fd);
  const CliRun run =
      RunMemdbExecutable({"snapshot", "show", huge}, {.address_space_bytes = uint64_t{512} << 20});
  EXPECT_EQ(run.code, kExitError) << run.err;
  EXPECT_THAT(run.err, HasSubstr(huge + ": not a memdb snapshot"));
  EXPECT_THAT(run.err, Not(HasSubstr("internal error")));
}

}  // namespace
}  // namespace memdb::cli::test
