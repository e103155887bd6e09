// Behaviour every FileSystem must have, checked on both implementations: the POSIX one in a
// fresh temporary directory, and SimFileSystem.
#include "memdb/io/file_system.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "memdb/io/sim_file_system.h"
#include "memdb/util/random.h"
#include "test_support.h"

namespace memdb {
namespace {

using ::memdb::test::HasCode;
using ::memdb::test::IsOk;
using Code = Status::Code;

// The real file system, rooted in a directory of its own that is removed afterwards.
struct PosixEnv {
  PosixEnv() {
    static std::atomic<int> counter{0};
    root = JoinPath(::testing::TempDir(), "memdb_io_test." + std::to_string(::getpid()) + "." +
                                              std::to_string(counter++));
    std::filesystem::remove_all(root);
    EXPECT_TRUE(IsOk(fs->CreateDir(root)));
  }
  ~PosixEnv() {
    std::error_code ignored;
    std::filesystem::remove_all(root, ignored);
  }
  std::shared_ptr<FileSystem> fs = PosixFileSystem();
  std::string root;
};

struct SimEnv {
  SimEnv() { EXPECT_TRUE(IsOk(fs->CreateDir(root))); }
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
    ASSERT_TRUE(IsOk(f.status()));
    ASSERT_TRUE(IsOk((*f)->Append(data)));
    ASSERT_TRUE(IsOk((*f)->Close()));
  }

  std::string Read(const std::string& path) {
    std::string contents;
    EXPECT_TRUE(IsOk(fs().ReadFile(path, &contents)));
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
  ASSERT_TRUE(IsOk(f.status()));
  EXPECT_EQ((*f)->path(), path);
  ASSERT_TRUE(IsOk((*f)->Append("hello, ")));
  ASSERT_TRUE(IsOk((*f)->Append("")));
  ASSERT_TRUE(IsOk((*f)->Append(std::string_view("wor\0ld", 6))));
  EXPECT_EQ((*f)->Size(), 13u);
  // Readable before Sync and before Close.
  EXPECT_EQ(this->Read(path), std::string("hello, wor\0ld", 13));
  ASSERT_TRUE(IsOk((*f)->Sync()));
  ASSERT_TRUE(IsOk((*f)->Close()));
  EXPECT_EQ(this->Read(path), std::string("hello, wor\0ld", 13));
}

TYPED_TEST(FileSystemTest, EmptyFileReadsEmpty) {
  const std::string path = this->Path("empty");
  this->Write(path, "");
  EXPECT_TRUE(this->fs().FileExists(path));
  EXPECT_EQ(this->Read(path), "");
  EXPECT_EQ(this->fs().FileSize(path).value_or(99), 0u);
  Result<std::unique_ptr<SequentialFile>> r = this->fs().NewSequentialFile(path);
  ASSERT_TRUE(IsOk(r.status()));
  std::string out = "junk";
  ASSERT_TRUE(IsOk((*r)->Read(10, &out)));
  EXPECT_EQ(out, "");
}

TYPED_TEST(FileSystemTest, MultiMebibyteDataRoundTrips) {
  Random rnd(42);
  std::string data(5 * 1024 * 1024 + 17, '\0');
  for (char& c : data) c = static_cast<char>(rnd.Next());
  const std::string path = this->Path("big");
  {
    Result<std::unique_ptr<WritableFile>> f = this->fs().NewWritableFile(path);
    ASSERT_TRUE(IsOk(f.status()));
    for (size_t pos = 0; pos < data.size(); pos += 300000) {
      ASSERT_TRUE(IsOk((*f)->Append(std::string_view(data).substr(pos, 300000))));
    }
    ASSERT_TRUE(IsOk((*f)->Sync()));
    EXPECT_EQ((*f)->Size(), data.size());
  }
  EXPECT_EQ(this->fs().FileSize(path).value_or(0), data.size());
  EXPECT_TRUE(this->Read(path) == data);

  Result<std::unique_ptr<SequentialFile>> r = this->fs().NewSequentialFile(path);
  ASSERT_TRUE(IsOk(r.status()));
  std::string all, chunk;
  do {
    ASSERT_TRUE(IsOk((*r)->Read(65536, &chunk)));
    all += chunk;
  } while (!chunk.empty());
  EXPECT_TRUE(all == data);
}

TYPED_TEST(FileSystemTest, NewWritableFileTruncatesAnExistingFile) {
  const std::string path = this->Path("f");
  this->Write(path, "old contents");
  Result<std::unique_ptr<WritableFile>> f = this->fs().NewWritableFile(path);
  ASSERT_TRUE(IsOk(f.status()));
  EXPECT_EQ((*f)->Size(), 0u);
  EXPECT_EQ(this->Read(path), "");
  ASSERT_TRUE(IsOk((*f)->Append("new")));
  EXPECT_EQ(this->Read(path), "new");
}

TYPED_TEST(FileSystemTest, NewAppendableFileAppendsAtTheEnd) {
  const std::string path = this->Path("f");
  this->Write(path, "abc");
  Result<std::unique_ptr<WritableFile>> f = this->fs().NewAppendableFile(path);
  ASSERT_TRUE(IsOk(f.status()));
  EXPECT_EQ((*f)->Size(), 3u);
  ASSERT_TRUE(IsOk((*f)->Append("def")));
  EXPECT_EQ((*f)->Size(), 6u);
  EXPECT_EQ(this->Read(path), "abcdef");
}

TYPED_TEST(FileSystemTest, NewAppendableFileCreatesAMissingFile) {
  const std::string path = this->Path("f");
  Result<std::unique_ptr<WritableFile>> f = this->fs().NewAppendableFile(path);
  ASSERT_TRUE(IsOk(f.status()));
  EXPECT_EQ((*f)->Size(), 0u);
  EXPECT_TRUE(this->fs().FileExists(path));
}

TYPED_TEST(FileSystemTest, RenameReplacesTheTarget) {
  this->Write(this->Path("a"), "new");
  this->Write(this->Path("b"), "old");
  ASSERT_TRUE(IsOk(this->fs().Rename(this->Path("a"), this->Path("b"))));
  EXPECT_FALSE(this->fs().FileExists(this->Path("a")));
  EXPECT_EQ(this->Read(this->Path("b")), "new");
}

TYPED_TEST(FileSystemTest, OpenWriterFollowsItsRenamedFile) {
  Result<std::unique_ptr<WritableFile>> f = this->fs().NewWritableFile(this->Path("a"));
  ASSERT_TRUE(IsOk(f.status()));
  ASSERT_TRUE(IsOk((*f)->Append("1")));
  ASSERT_TRUE(IsOk(this->fs().Rename(this->Path("a"), this->Path("b"))));
  ASSERT_TRUE(IsOk((*f)->Append("2")));
  EXPECT_EQ(this->Read(this->Path("b")), "12");
}

TYPED_TEST(FileSystemTest, RenameOfAMissingFileIsNotFound) {
  EXPECT_TRUE(HasCode(this->fs().Rename(this->Path("nope"), this->Path("b")), Code::kNotFound));
}

TYPED_TEST(FileSystemTest, RemoveFileDeletesIt) {
  this->Write(this->Path("f"), "x");
  ASSERT_TRUE(IsOk(this->fs().RemoveFile(this->Path("f"))));
  EXPECT_FALSE(this->fs().FileExists(this->Path("f")));
  EXPECT_TRUE(HasCode(this->fs().RemoveFile(this->Path("f")), Code::kNotFound));
}

TYPED_TEST(FileSystemTest, ListDirIsSortedWithoutDotEntries) {
  for (const char* name : {"c", "a", "b.log"}) this->Write(this->Path(name), "x");
  ASSERT_TRUE(IsOk(this->fs().CreateDir(this->Path("sub"))));
  this->Write(this->Path("sub/inner"), "x");
  Result<std::vector<std::string>> names = this->fs().ListDir(this->env_.root);
  ASSERT_TRUE(IsOk(names.status()));
  EXPECT_EQ(*names, (std::vector<std::string>{"a", "b.log", "c", "sub"}));
  Result<std::vector<std::string>> inner = this->fs().ListDir(this->Path("sub"));
  ASSERT_TRUE(IsOk(inner.status()));
  EXPECT_EQ(*inner, std::vector<std::string>{"inner"});
}

TYPED_TEST(FileSystemTest, CreateDirMakesParentsAndAcceptsAnExistingDir) {
  const std::string deep = this->Path("x/y/z");
  ASSERT_TRUE(IsOk(this->fs().CreateDir(deep)));
  ASSERT_TRUE(IsOk(this->fs().CreateDir(deep)));
  ASSERT_TRUE(IsOk(this->fs().CreateDir(deep + "/")));
  EXPECT_TRUE(this->fs().FileExists(this->Path("x/y")));
  this->Write(JoinPath(deep, "f"), "x");
  EXPECT_EQ(this->Read(JoinPath(deep, "f")), "x");
  ASSERT_TRUE(IsOk(this->fs().SyncDir(deep)));
}

TYPED_TEST(FileSystemTest, CreateDirOverAFileFails) {
  this->Write(this->Path("f"), "x");
  EXPECT_TRUE(HasCode(this->fs().CreateDir(this->Path("f/sub")), Code::kIOError));
}

TYPED_TEST(FileSystemTest, FileSizeCountsUnsyncedBytes) {
  Result<std::unique_ptr<WritableFile>> f = this->fs().NewWritableFile(this->Path("f"));
  ASSERT_TRUE(IsOk(f.status()));
  ASSERT_TRUE(IsOk((*f)->Append("12345")));
  EXPECT_EQ(this->fs().FileSize(this->Path("f")).value_or(0), 5u);
}

TYPED_TEST(FileSystemTest, MissingFileIsNotFound) {
  const std::string path = this->Path("missing");
  EXPECT_FALSE(this->fs().FileExists(path));
  EXPECT_TRUE(HasCode(this->fs().NewSequentialFile(path).status(), Code::kNotFound, path));
  std::string contents;
  EXPECT_TRUE(HasCode(this->fs().ReadFile(path, &contents), Code::kNotFound, path));
  EXPECT_TRUE(HasCode(this->fs().FileSize(path).status(), Code::kNotFound, path));
  EXPECT_TRUE(HasCode(this->fs().ListDir(path).status(), Code::kNotFound, path));
  EXPECT_TRUE(HasCode(this->fs().SyncDir(path), Code::kNotFound, path));
}

TYPED_TEST(FileSystemTest, NewFileInAMissingDirectoryIsNotFound) {
  const std::string path = this->Path("no/such/dir/f");
  EXPECT_TRUE(HasCode(this->fs().NewWritableFile(path).status(), Code::kNotFound, path));
  EXPECT_TRUE(HasCode(this->fs().NewAppendableFile(path).status(), Code::kNotFound, path));
  EXPECT_TRUE(HasCode(this->fs().LockFile(path).status(), Code::kNotFound, path));
}

TYPED_TEST(FileSystemTest, SecondLockOfTheSamePathIsBusy) {
  const std::string path = this->Path("LOCK");
  Result<std::unique_ptr<FileLock>> first = this->fs().LockFile(path);
  ASSERT_TRUE(IsOk(first.status()));
  EXPECT_TRUE(this->fs().FileExists(path));
  EXPECT_TRUE(HasCode(this->fs().LockFile(path).status(), Code::kBusy,
                      "database directory is locked by another Db or process: " + path));
}

TYPED_TEST(FileSystemTest, DestroyingALockReleasesIt) {
  const std::string path = this->Path("LOCK");
  {
    Result<std::unique_ptr<FileLock>> first = this->fs().LockFile(path);
    ASSERT_TRUE(IsOk(first.status()));
  }
  Result<std::unique_ptr<FileLock>> second = this->fs().LockFile(path);
  EXPECT_TRUE(IsOk(second.status()));
}

TYPED_TEST(FileSystemTest, SequentialReadAndSkipStopAtTheEnd) {
  const std::string path = this->Path("f");
  this->Write(path, "0123456789");
  Result<std::unique_ptr<SequentialFile>> r = this->fs().NewSequentialFile(path);
  ASSERT_TRUE(IsOk(r.status()));
  EXPECT_EQ((*r)->path(), path);
  std::string out;
  ASSERT_TRUE(IsOk((*r)->Read(3, &out)));
  EXPECT_EQ(out, "012");
  ASSERT_TRUE(IsOk((*r)->Skip(4)));
  ASSERT_TRUE(IsOk((*r)->Read(100, &out)));
  EXPECT_EQ(out, "789");
  ASSERT_TRUE(IsOk((*r)->Read(100, &out)));
  EXPECT_EQ(out, "");
  ASSERT_TRUE(IsOk((*r)->Skip(UINT64_MAX)));
  ASSERT_TRUE(IsOk((*r)->Read(1, &out)));
  EXPECT_EQ(out, "");
}

TYPED_TEST(FileSystemTest, SkipPastTheEndReadsNothing) {
  const std::string path = this->Path("f");
  this->Write(path, "0123");
  Result<std::unique_ptr<SequentialFile>> r = this->fs().NewSequentialFile(path);
  ASSERT_TRUE(IsOk(r.status()));
  ASSERT_TRUE(IsOk((*r)->Skip(UINT64_MAX)));
  std::string out = "junk";
  ASSERT_TRUE(IsOk((*r)->Read(4, &out)));
  EXPECT_EQ(out, "");
}

TYPED_TEST(FileSystemTest, CallsAfterCloseAreInvalidArgument) {
  Result<std::unique_ptr<WritableFile>> f = this->fs().NewWritableFile(this->Path("f"));
  ASSERT_TRUE(IsOk(f.status()));
  ASSERT_TRUE(IsOk((*f)->Close()));
  EXPECT_TRUE(HasCode((*f)->Append("x"), Code::kInvalidArgument, "closed"));
  EXPECT_TRUE(HasCode((*f)->Sync(), Code::kInvalidArgument, "closed"));
  EXPECT_TRUE(HasCode((*f)->Close(), Code::kInvalidArgument, "closed"));
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
  EXPECT_TRUE(HasCode(env.fs->ReadFile(path, &contents), Code::kNotFound,
                      "open " + path + ": No such file or directory"));
  EXPECT_TRUE(HasCode(env.fs->ReadFile(env.root, &contents), Code::kIOError,
                      "read " + env.root + ": Is a directory"));
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
