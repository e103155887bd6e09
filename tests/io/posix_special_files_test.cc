// The POSIX file system opens only regular files, and never blocks finding out: a FIFO, a
// device or a directory named where a file is expected is IOError naming the path. Each open
// runs under a watchdog so that a regression fails (the watchdog releases a blocked FIFO open
// by opening the other end) instead of hanging the suite.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "db/checkpoint.h"
#include "memdb/db/db.h"
#include "memdb/io/file_system.h"
#include "memdb/io/sim_file_system.h"
#include "memdb/testing/status_matchers.h"
#include "support/temp_dir.h"
#include "wal/segment.h"

namespace memdb {
namespace {

using ::memdb::testing::IsOk;
using ::memdb::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using Code = Status::Code;

// Runs `open` (which opens `fifo` somehow and returns its status) on a thread. When it has not
// returned after a few seconds it is blocked in open(2) or read(2) on the FIFO: the watchdog
// opens the other end (O_RDWR never blocks on Linux), closes it again so a blocked read sees
// the end, and reports the hang as a test failure.
Status OpenUnderWatchdog(const std::string& fifo, const std::function<Status()>& open) {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  Status result;
  std::thread worker([&] {
    Status s = open();
    std::lock_guard<std::mutex> lock(mu);
    result = std::move(s);
    done = true;
    cv.notify_all();
  });
  bool hung = false;
  {
    std::unique_lock<std::mutex> lock(mu);
    hung = !cv.wait_for(lock, std::chrono::seconds(5), [&] { return done; });
  }
  if (hung) {
    const int fd = ::open(fifo.c_str(), O_RDWR | O_NONBLOCK);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (fd >= 0) ::close(fd);
  }
  worker.join();
  if (hung) ADD_FAILURE() << "opening " << fifo << " blocked (released by the watchdog)";
  return result;
}

class PosixSpecialFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::mkfifo(fifo_.c_str(), 0644), 0) << "mkfifo " << fifo_;
    ASSERT_THAT(fs_->CreateDir(subdir_), IsOk());
  }

  test::TempDir dir_;
  std::shared_ptr<FileSystem> fs_ = PosixFileSystem();
  const std::string fifo_ = dir_.Join("wal-000001.log");
  const std::string subdir_ = dir_.Join("000002.ckpt");
};

// The message names the path and says what it is instead of a regular file.
auto NotRegularError(const std::string& path, const std::string& what) {
  return StatusIs(Code::kIOError,
                  AllOf(HasSubstr(path), HasSubstr(what), HasSubstr("not a regular file")));
}

TEST_F(PosixSpecialFileTest, SequentialFileOnAFifoIsRefusedWithoutBlocking) {
  const Status s = OpenUnderWatchdog(fifo_, [&] { return fs_->NewSequentialFile(fifo_).status(); });
  EXPECT_THAT(s, NotRegularError(fifo_, "FIFO"));
}

TEST_F(PosixSpecialFileTest, ReadFileOnAFifoIsRefusedWithoutBlocking) {
  const Status s = OpenUnderWatchdog(fifo_, [&] {
    std::string contents;
    return fs_->ReadFile(fifo_, &contents);
  });
  EXPECT_THAT(s, NotRegularError(fifo_, "FIFO"));
}

TEST_F(PosixSpecialFileTest, AppendableFileOnAFifoWithoutReaderIsRefusedWithoutBlocking) {
  const Status s = OpenUnderWatchdog(fifo_, [&] { return fs_->NewAppendableFile(fifo_).status(); });
  EXPECT_THAT(s, NotRegularError(fifo_, "FIFO"));
}

TEST_F(PosixSpecialFileTest, WritableFileOnAFifoWithAReaderIsRefused) {
  // With a reader present the non-blocking open succeeds: the fstat check must refuse it.
  const int reader = ::open(fifo_.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  const Status s = OpenUnderWatchdog(fifo_, [&] { return fs_->NewWritableFile(fifo_).status(); });
  ::close(reader);
  EXPECT_THAT(s, NotRegularError(fifo_, "FIFO"));
}

TEST_F(PosixSpecialFileTest, LockFileOnAFifoIsRefused) {
  const Status s = OpenUnderWatchdog(fifo_, [&] { return fs_->LockFile(fifo_).status(); });
  EXPECT_THAT(s, NotRegularError(fifo_, "FIFO"));
}

TEST_F(PosixSpecialFileTest, ReadingACharacterDeviceIsRefused) {
  // /dev/zero never ends: read whole, it would exhaust memory (so ReadFile is tried only once
  // the open has been refused).
  ASSERT_THAT(fs_->NewSequentialFile("/dev/zero").status(), NotRegularError("/dev/zero", "device"));
  std::string contents;
  EXPECT_THAT(fs_->ReadFile("/dev/zero", &contents), NotRegularError("/dev/zero", "device"));
}

TEST_F(PosixSpecialFileTest, ASymlinkToADeviceIsRefused) {
  const std::string link = dir_.Join("000003.ckpt");
  ASSERT_EQ(::symlink("/dev/zero", link.c_str()), 0);
  ASSERT_THAT(fs_->NewSequentialFile(link).status(), NotRegularError(link, "device"));
  std::string contents;
  EXPECT_THAT(fs_->ReadFile(link, &contents), NotRegularError(link, "device"));
}

TEST_F(PosixSpecialFileTest, WritingOverADeviceIsRefused) {
  EXPECT_THAT(fs_->NewWritableFile("/dev/null").status(), NotRegularError("/dev/null", "device"));
}

TEST_F(PosixSpecialFileTest, ReadingADirectoryIsRefused) {
  std::string contents;
  EXPECT_THAT(fs_->ReadFile(subdir_, &contents), NotRegularError(subdir_, "directory"));
  EXPECT_THAT(fs_->NewSequentialFile(subdir_).status(), NotRegularError(subdir_, "directory"));
}

TEST_F(PosixSpecialFileTest, ListingStillNamesSpecialEntries) {
  // Recovery sees the name and refuses the file when it opens it, rather than skipping a log
  // segment in silence.
  Result<std::vector<std::string>> names = fs_->ListDir(dir_.path().string());
  ASSERT_THAT(names.status(), IsOk());
  EXPECT_THAT(*names, ::testing::Contains("wal-000001.log"));
}

TEST_F(PosixSpecialFileTest, ARegularFileStillReadsAndAppends) {
  const std::string path = dir_.Join("regular");
  {
    Result<std::unique_ptr<WritableFile>> f = fs_->NewAppendableFile(path);
    ASSERT_THAT(f.status(), IsOk());
    ASSERT_THAT((*f)->Append("abc"), IsOk());
    ASSERT_THAT((*f)->Close(), IsOk());
  }
  Result<std::unique_ptr<SequentialFile>> f = fs_->NewSequentialFile(path);
  ASSERT_THAT(f.status(), IsOk());
  std::string got;
  ASSERT_THAT((*f)->Read(10, &got), IsOk());  // a blocking read again: the whole file at once
  EXPECT_EQ(got, "abc");
}

// ---- Db::Open on a directory holding special files ----

// Opening the database in `dir` with `fifo` in it, under the watchdog.
Status OpenDbUnderWatchdog(const std::string& dir, const std::string& fifo) {
  return OpenUnderWatchdog(fifo, [&] {
    Options options;
    options.path = dir;
    return Db::Open(options).status();
  });
}

TEST(DbOpenSpecialFileTest, AFifoNamedAsALogSegmentIsRefusedWithoutBlocking) {
  test::TempDir dir;
  const std::string fifo = dir.Join(wal::SegmentFileName(1));
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  EXPECT_THAT(OpenDbUnderWatchdog(dir.path().string(), fifo), NotRegularError(fifo, "FIFO"));
}

TEST(DbOpenSpecialFileTest, AFifoNamedAsACheckpointIsRefusedWithoutBlocking) {
  test::TempDir dir;
  const std::string fifo = dir.Join(db::CheckpointFileName(5));
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  EXPECT_THAT(OpenDbUnderWatchdog(dir.path().string(), fifo), NotRegularError(fifo, "FIFO"));
}

// ---- ReadFileWithLimit ----

TEST(ReadFileWithLimitTest, AFileAtTheLimitReadsWhole) {
  auto fs = std::make_shared<SimFileSystem>();
  ASSERT_THAT(fs->CreateDir("d"), IsOk());
  {
    auto f = fs->NewWritableFile("d/s");
    ASSERT_THAT(f.status(), IsOk());
    ASSERT_THAT((*f)->Append("0123456789"), IsOk());
  }
  std::string contents;
  EXPECT_THAT(ReadFileWithLimit(*fs, "d/s", 10, "a script", &contents), IsOk());
  EXPECT_EQ(contents, "0123456789");
  EXPECT_THAT(
      ReadFileWithLimit(*fs, "d/s", 9, "a script", &contents),
      StatusIs(Code::kInvalidArgument, AllOf(HasSubstr("d/s"), HasSubstr("10 bytes"),
                                             HasSubstr("a script"), HasSubstr("at most 9 bytes"))));
  EXPECT_TRUE(contents.empty());
}

TEST(ReadFileWithLimitTest, AHugeSparseFileIsRefusedBeforeItIsRead) {
  test::TempDir dir;
  const std::string path = dir.Join("huge");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, off_t{1} << 30), 0);  // 1 GiB, no disk blocks
  ::close(fd);
  std::string contents;
  EXPECT_THAT(ReadFileWithLimit(*PosixFileSystem(), path, 1 << 20, "a script", &contents),
              StatusIs(Code::kInvalidArgument, HasSubstr("1073741824 bytes")));
  EXPECT_LT(contents.capacity(), size_t{1} << 20) << "nothing was reserved or read";
}

TEST(ReadFileWithLimitTest, MissingFileIsNotFound) {
  test::TempDir dir;
  std::string contents;
  EXPECT_THAT(ReadFileWithLimit(*PosixFileSystem(), dir.Join("none"), 10, "a script", &contents),
              StatusIs(Code::kNotFound));
}

}  // namespace
}  // namespace memdb
