// Behaviour every FileSystem must have, checked on both implementations: the POSIX one in a
// fresh temporary directory, and SimFileSystem.
#include "memdb/io/file_system.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "memdb/io/sim_file_system.h"
#include "memdb/testing/status_matchers.h"
#include "memdb/util/random.h"
#include "support/temp_dir.h"

namespace memdb {
namespace {

using ::memdb::testing::IsOk;
using ::memdb::testing::StatusIs;
using ::testing::HasSubstr;
using Code = Status::Code;

// The real file system, rooted in a directory of its own that is removed afterwards.
struct PosixEnv {
  PosixEnv() { EXPECT_THAT(fs->CreateDir(root), IsOk()); }
  test::TempDir dir;
  std::shared_ptr<FileSystem> fs = PosixFileSystem();
  std::string root = dir.Join("root");
};

struct SimEnv {
  SimEnv() { EXPECT_THAT(fs->CreateDir(root), IsOk()); }
  std::shared_ptr<FileSystem> fs = std::make_shared<SimFileSystem>();
  std::string root = "db";
};

template <typename Env>
class FileSystemTest : public ::testing::Test {
 protected:
  FileSystem& fs() { return *env_.fs; }
  std::string Path(std::string_view name) const { return JoinPath(env_.root, name); }

  void Write(const std::string& path, std::string_view data) {
    Result<std::unique_ptr<WritableFile>> f = fs().NewWritableFile(path);
    ASSERT_THAT(f.status(), IsOk());
    ASSERT_THAT((*f)->Append(data), IsOk());
    ASSERT_THAT((*f)->Close(), IsOk());
  }

  std::string Read(const std::string& path) {
    std::string contents;
    EXPECT_THAT(fs().ReadFile(path, &contents), IsOk());
    return contents;
  }

  Env env_;
};

struct EnvNames {
  template <typename Env>
  static std::string GetName(int) {
    return std::is_same_v<Env, PosixEnv> ? "Posix" : "Sim";
  }
};

using Envs = ::testing::Types<PosixEnv, SimEnv>;
TYPED_TEST_SUITE(FileSystemTest, Envs, EnvNames);

TYPED_TEST(FileSystemTest, AppendedBytesReadBack) {
  const std::string path = this->Path("f");
  Result<std::unique_ptr<WritableFile>> f = this->fs().NewWritableFile(path);
  ASSERT_THAT(f.status(), IsOk());
  EXPECT_EQ((*f)->path(), path);
  ASSERT_THAT((*f)->Append("hello, "), IsOk());
  ASSERT_THAT((*f)->Append(""), IsOk());
  ASSERT_THAT((*f)->Append(std::string_view("wor\0ld", 6)), IsOk());
  EXPECT_EQ((*f)->Size(), 13u);
  // Readable before Sync and before Close.
  EXPECT_EQ(this->Read(path), std::string("hello, wor\0ld", 13));
  ASSERT_THAT((*f)->Sync(), IsOk());
  ASSERT_THAT((*f)->Close(), IsOk());
  EXPECT_EQ(this->Read(path), std::string("hello, wor\0ld", 13));
}

TYPED_TEST(FileSystemTest, EmptyFileReadsEmpty) {
  const std::string path = this->Path("empty");
  this->Write(path, "");
  EXPECT_TRUE(this->fs().FileExists(path));
  EXPECT_EQ(this->Read(path), "");
  EXPECT_EQ(this->fs().FileSize(path).value_or(99), 0u);
  Result<std::unique_ptr<SequentialFile>> r = this->fs().NewSequentialFile(path);
  ASSERT_THAT(r.status(), IsOk());
  std::string out = "junk";
  ASSERT_THAT((*r)->Read(10, &out), IsOk());
  EXPECT_EQ(out, "");
}

TYPED_TEST(FileSystemTest, MultiMebibyteDataRoundTrips) {
  Random rnd(42);
  std::string data(5 * 1024 * 1024 + 17, '\0');
  for (char& c : data) c = static_cast<char>(rnd.Next());
  const std::string path = this->Path("big");
  {
    Result<std::unique_ptr<WritableFile>> f = this->fs().NewWritableFile(path);
    ASSERT_THAT(f.status(), IsOk());
    for (size_t pos = 0; pos < data.size(); pos += 300000) {
      ASSERT_THAT((*f)->Append(std::string_view(data).substr(pos, 300000)), IsOk());
    }
    ASSERT_THAT((*f)->Sync(), IsOk());
    EXPECT_EQ((*f)->Size(), data.size());
  }
  EXPECT_EQ(this->fs().FileSize(path).value_or(0), data.size());
  EXPECT_TRUE(this->Read(path) == data);

  Result<std::unique_ptr<SequentialFile>> r = this->fs().NewSequentialFile(path);
  ASSERT_THAT(r.status(), IsOk());
  std::string all, chunk;
  do {
    ASSERT_THAT((*r)->Read(65536, &chunk), IsOk());
    all += chunk;
  } while (!chunk.empty());
  EXPECT_TRUE(all == data);
}

TYPED_TEST(FileSystemTest, NewWritableFileTruncatesAnExistingFile) {
  const std::string path = this->Path("f");
  this->Write(path, "old contents");
  Result<std::unique_ptr<WritableFile>> f = this->fs().NewWritableFile(path);
  ASSERT_THAT(f.status(), IsOk());
  EXPECT_EQ((*f)->Size(), 0u);
  EXPECT_EQ(this->Read(path), "");
  ASSERT_THAT((*f)->Append("new"), IsOk());
  EXPECT_EQ(this->Read(path), "new");
}

TYPED_TEST(FileSystemTest, NewAppendableFileAppendsAtTheEnd) {
  const std::string path = this->Path("f");
  this->Write(path, "abc");
  Result<std::unique_ptr<WritableFile>> f = this->fs().NewAppendableFile(path);
  ASSERT_THAT(f.status(), IsOk());
  EXPECT_EQ((*f)->Size(), 3u);
  ASSERT_THAT((*f)->Append("def"), IsOk());
  EXPECT_EQ((*f)->Size(), 6u);
  EXPECT_EQ(this->Read(path), "abcdef");
}

TYPED_TEST(FileSystemTest, NewAppendableFileCreatesAMissingFile) {
  const std::string path = this->Path("f");
  Result<std::unique_ptr<WritableFile>> f = this->fs().NewAppendableFile(path);
  ASSERT_THAT(f.status(), IsOk());
  EXPECT_EQ((*f)->Size(), 0u);
  EXPECT_TRUE(this->fs().FileExists(path));
}

TYPED_TEST(FileSystemTest, RenameReplacesTheTarget) {
  this->Write(this->Path("a"), "new");
  this->Write(this->Path("b"), "old");
  ASSERT_THAT(this->fs().Rename(this->Path("a"), this->Path("b")), IsOk());
  EXPECT_FALSE(this->fs().FileExists(this->Path("a")));
  EXPECT_EQ(this->Read(this->Path("b")), "new");
}

TYPED_TEST(FileSystemTest, OpenWriterFollowsItsRenamedFile) {
  Result<std::unique_ptr<WritableFile>> f = this->fs().NewWritableFile(this->Path("a"));
  ASSERT_THAT(f.status(), IsOk());
  ASSERT_THAT((*f)->Append("1"), IsOk());
  ASSERT_THAT(this->fs().Rename(this->Path("a"), this->Path("b")), IsOk());
  ASSERT_THAT((*f)->Append("2"), IsOk());
  EXPECT_EQ(this->Read(this->Path("b")), "12");
}

TYPED_TEST(FileSystemTest, RenameOfAMissingFileIsNotFound) {
  EXPECT_THAT(this->fs().Rename(this->Path("nope"), this->Path("b")), StatusIs(Code::kNotFound));
}

TYPED_TEST(FileSystemTest, RemoveFileDeletesIt) {
  this->Write(this->Path("f"), "x");
  ASSERT_THAT(this->fs().RemoveFile(this->Path("f")), IsOk());
  EXPECT_FALSE(this->fs().FileExists(this->Path("f")));
  EXPECT_THAT(this->fs().RemoveFile(this->Path("f")), StatusIs(Code::kNotFound));
}

TYPED_TEST(FileSystemTest, ListDirIsSortedWithoutDotEntries) {
  for (const char* name : {"c", "a", "b.log"}) this->Write(this->Path(name), "x");
  ASSERT_THAT(this->fs().CreateDir(this->Path("sub")), IsOk());
  this->Write(this->Path("sub/inner"), "x");
  Result<std::vector<std::string>> names = this->fs().ListDir(this->env_.root);
  ASSERT_THAT(names.status(), IsOk());
  EXPECT_EQ(*names, (std::vector<std::string>{"a", "b.log", "c", "sub"}));
  Result<std::vector<std::string>> inner = this->fs().ListDir(this->Path("sub"));
  ASSERT_THAT(inner.status(), IsOk());
  EXPECT_EQ(*inner, std::vector<std::string>{"inner"});
}

TYPED_TEST(FileSystemTest, CreateDirMakesParentsAndAcceptsAnExistingDir) {
  const std::string deep = this->Path("x/y/z");
  ASSERT_THAT(this->fs().CreateDir(deep), IsOk());
  ASSERT_THAT(this->fs().CreateDir(deep), IsOk());
  ASSERT_THAT(this->fs().CreateDir(deep + "/"), IsOk());
  EXPECT_TRUE(this->fs().FileExists(this->Path("x/y")));
  this->Write(JoinPath(deep, "f"), "x");
  EXPECT_EQ(this->Read(JoinPath(deep, "f")), "x");
  ASSERT_THAT(this->fs().SyncDir(deep), IsOk());
}

TYPED_TEST(FileSystemTest, CreateDirOverAFileFails) {
  this->Write(this->Path("f"), "x");
  EXPECT_THAT(this->fs().CreateDir(this->Path("f/sub")), StatusIs(Code::kIOError));
}

TYPED_TEST(FileSystemTest, FileSizeCountsUnsyncedBytes) {
  Result<std::unique_ptr<WritableFile>> f = this->fs().NewWritableFile(this->Path("f"));
  ASSERT_THAT(f.status(), IsOk());
  ASSERT_THAT((*f)->Append("12345"), IsOk());
  EXPECT_EQ(this->fs().FileSize(this->Path("f")).value_or(0), 5u);
}

TYPED_TEST(FileSystemTest, MissingFileIsNotFound) {
  const std::string path = this->Path("missing");
  EXPECT_FALSE(this->fs().FileExists(path));
  EXPECT_THAT(this->fs().NewSequentialFile(path).status(),
              StatusIs(Code::kNotFound, HasSubstr(path)));
  std::string contents;
  EXPECT_THAT(this->fs().ReadFile(path, &contents), StatusIs(Code::kNotFound, HasSubstr(path)));
  EXPECT_THAT(this->fs().FileSize(path).status(), StatusIs(Code::kNotFound, HasSubstr(path)));
  EXPECT_THAT(this->fs().ListDir(path).status(), StatusIs(Code::kNotFound, HasSubstr(path)));
  EXPECT_THAT(this->fs().SyncDir(path), StatusIs(Code::kNotFound, HasSubstr(path)));
}

TYPED_TEST(FileSystemTest, NewFileInAMissingDirectoryIsNotFound) {
  const std::string path = this->Path("no/such/dir/f");
  EXPECT_THAT(this->fs().NewWritableFile(path).status(),
              StatusIs(Code::kNotFound, HasSubstr(path)));
  EXPECT_THAT(this->fs().NewAppendableFile(path).status(),
              StatusIs(Code::kNotFound, HasSubstr(path)));
  EXPECT_THAT(this->fs().LockFile(path).status(), StatusIs(Code::kNotFound, HasSubstr(path)));
}

TYPED_TEST(FileSystemTest, SecondLockOfTheSamePathIsBusy) {
  const std::string path = this->Path("LOCK");
  Result<std::unique_ptr<FileLock>> first = this->fs().LockFile(path);
  ASSERT_THAT(first.status(), IsOk());
  EXPECT_TRUE(this->fs().FileExists(path));
  EXPECT_THAT(
      this->fs().LockFile(path).status(),
      StatusIs(Code::kBusy,
               HasSubstr("database directory is locked by another Db or process: " + path)));
}

TYPED_TEST(FileSystemTest, DestroyingALockReleasesIt) {
  const std::string path = this->Path("LOCK");
  {
    Result<std::unique_ptr<FileLock>> first = this->fs().LockFile(path);
    ASSERT_THAT(first.status(), IsOk());
  }
  Result<std::unique_ptr<FileLock>> second = this->fs().LockFile(path);
  EXPECT_THAT(second.status(), IsOk());
}

TYPED_TEST(FileSystemTest, SequentialReadAndSkipStopAtTheEnd) {
  const std::string path = this->Path("f");
  this->Write(path, "0123456789");
  Result<std::unique_ptr<SequentialFile>> r = this->fs().NewSequentialFile(path);
  ASSERT_THAT(r.status(), IsOk());
  EXPECT_EQ((*r)->path(), path);
  std::string out;
  ASSERT_THAT((*r)->Read(3, &out), IsOk());
  EXPECT_EQ(out, "012");
  ASSERT_THAT((*r)->Skip(4), IsOk());
  ASSERT_THAT((*r)->Read(100, &out), IsOk());
  EXPECT_EQ(out, "789");
  ASSERT_THAT((*r)->Read(100, &out), IsOk());
  EXPECT_EQ(out, "");
  ASSERT_THAT((*r)->Skip(UINT64_MAX), IsOk());
  ASSERT_THAT((*r)->Read(1, &out), IsOk());
  EXPECT_EQ(out, "");
}

TYPED_TEST(FileSystemTest, SkipPastTheEndReadsNothing) {
  const std::string path = this->Path("f");
  this->Write(path, "0123");
  Result<std::unique_ptr<SequentialFile>> r = this->fs().NewSequentialFile(path);
  ASSERT_THAT(r.status(), IsOk());
  ASSERT_THAT((*r)->Skip(UINT64_MAX), IsOk());
  std::string out = "junk";
  ASSERT_THAT((*r)->Read(4, &out), IsOk());
  EXPECT_EQ(out, "");
}

TYPED_TEST(FileSystemTest, CallsAfterCloseAreInvalidArgument) {
  Result<std::unique_ptr<WritableFile>> f = this->fs().NewWritableFile(this->Path("f"));
  ASSERT_THAT(f.status(), IsOk());
  ASSERT_THAT((*f)->Close(), IsOk());
  EXPECT_THAT((*f)->Append("x"), StatusIs(Code::kInvalidArgument, HasSubstr("closed")));
  EXPECT_THAT((*f)->Sync(), StatusIs(Code::kInvalidArgument, HasSubstr("closed")));
  EXPECT_THAT((*f)->Close(), StatusIs(Code::kInvalidArgument, HasSubstr("closed")));
}

// ---- POSIX only ----

TEST(PosixFileSystemTest, IsOneSharedInstance) {
  EXPECT_NE(PosixFileSystem(), nullptr);
  EXPECT_EQ(PosixFileSystem().get(), PosixFileSystem().get());
}

TEST(PosixFileSystemTest, ErrorsNameTheOperationPathAndErrno) {
  PosixEnv env;
  const std::string path = JoinPath(env.root, "missing");
  std::string contents;
  EXPECT_THAT(env.fs->ReadFile(path, &contents),
              StatusIs(Code::kNotFound, HasSubstr("open " + path + ": No such file or directory")));
  EXPECT_THAT(env.fs->ReadFile(env.root, &contents),
              StatusIs(Code::kIOError,
                       HasSubstr("open " + env.root + ": a directory, not a regular file")));
}

// ---- Paths ----

TEST(PathTest, JoinPathNeverDoublesTheSeparator) {
  EXPECT_EQ(JoinPath("a", "b"), "a/b");
  EXPECT_EQ(JoinPath("a/", "b"), "a/b");
  EXPECT_EQ(JoinPath("a//", "/b"), "a/b");
  EXPECT_EQ(JoinPath("/", "b"), "/b");
  EXPECT_EQ(JoinPath("", "b"), "b");
  EXPECT_EQ(JoinPath("a", ""), "a");
}

TEST(PathTest, DirNameIsThePartBeforeTheLastSeparator) {
  EXPECT_EQ(DirName("a/b/c"), "a/b");
  EXPECT_EQ(DirName("a/b/"), "a");
  EXPECT_EQ(DirName("a//b"), "a");
  EXPECT_EQ(DirName("f"), ".");
  EXPECT_EQ(DirName("/f"), "/");
  EXPECT_EQ(DirName("/"), "/");
  EXPECT_EQ(DirName(""), ".");
}

}  // namespace
}  // namespace memdb
