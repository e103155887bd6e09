// Helpers shared by the SimFileSystem suites: writing a file in one call, and a description of
// everything a test can observe of a disk (to compare a clone with its original).
#ifndef MEMDB_TESTS_IO_SIM_TEST_UTIL_H_
#define MEMDB_TESTS_IO_SIM_TEST_UTIL_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include "memdb/io/sim_file_system.h"
#include "memdb/testing/status_matchers.h"
#include "support/test_support.h"

namespace memdb::test {

// Appends `data` to `path` (truncating it first when `truncate`), optionally syncing the data.
inline void Write(SimFileSystem& fs, const std::string& path, std::string_view data, bool sync,
                  bool truncate = true) {
  Result<std::unique_ptr<WritableFile>> f =
      truncate ? fs.NewWritableFile(path) : fs.NewAppendableFile(path);
  ASSERT_THAT(f.status(), ::memdb::testing::IsOk());
  ASSERT_THAT((*f)->Append(data), ::memdb::testing::IsOk());
  if (sync) {
    ASSERT_THAT((*f)->Sync(), ::memdb::testing::IsOk());
  }
  ASSERT_THAT((*f)->Close(), ::memdb::testing::IsOk());
}

// Appends `data` to `path` (created when missing), optionally syncing it.
inline void Append(SimFileSystem& fs, const std::string& path, std::string_view data, bool sync) {
  Write(fs, path, data, sync, /*truncate=*/false);
}

// Everything a test can observe of one disk: each visible file's full state, what a crash would
// keep under its name and what a read returns, then the pending directory entries.
inline std::string Describe(SimFileSystem& fs) {
  std::string out;
  for (const std::string& path : fs.AllFiles()) {
    Result<SimFileSystem::FileState> st = fs.InspectFile(path);
    EXPECT_THAT(st.status(), ::memdb::testing::IsOk());
    if (!st.ok()) continue;
    out += path + ": current=" + st->current + " durable=" + st->durable +
           " truncated=" + std::to_string(st->truncated) + " unsynced=";
    for (const SimFileSystem::UnsyncedWrite& w : st->unsynced) {
      out += std::to_string(w.offset) + "+" + std::to_string(w.length) + ",";
    }
    Result<std::string> durable = fs.DurableContents(path);
    out += " durable_name=" + (durable.ok() ? *durable : std::string("<none>"));
    std::string read;
    EXPECT_THAT(fs.ReadFile(path, &read), ::memdb::testing::IsOk());
    out += " read=" + read + "\n";
  }
  for (const SimFileSystem::PendingDirEntry& p : fs.PendingDirEntries()) {
    out += "pending " + p.dir + "/" + p.name + " v=" + std::to_string(p.visible) +
           " d=" + std::to_string(p.durable) + "\n";
  }
  return out;
}

}  // namespace memdb::test

#endif  // MEMDB_TESTS_IO_SIM_TEST_UTIL_H_
