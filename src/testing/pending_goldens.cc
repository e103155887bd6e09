#include "testing/pending_goldens.h"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>

namespace memdb::testing::internal {
namespace {

struct PendingList {
  std::mutex mu;
  std::set<std::string> paths;
};

// Never destroyed: the summary runs from atexit, after or during static destruction.
PendingList& List() {
  static PendingList* list = new PendingList;
  return *list;
}

void PrintSummary() {
  PendingList& list = List();
  std::lock_guard<std::mutex> lock(list.mu);
  if (list.paths.empty()) return;
  std::fprintf(stderr,
               "[memdb golden] this run left %zu pending golden file(s), the new state of each "
               "golden that did not match or was missing:\n",
               list.paths.size());
  for (const std::string& path : list.paths) std::fprintf(stderr, "  %s\n", path.c_str());
  std::fprintf(stderr,
               "[memdb golden] review each against its golden (the same path without .new), "
               "then accept with `memdb golden accept ROOT` (or move it over the golden) or "
               "reject with `memdb golden reject ROOT`; or rerun with MEMDB_UPDATE_GOLDEN=1 to "
               "rewrite the goldens.\n");
}

}  // namespace

void NotePendingGolden(const std::string& pending_path) {
  static std::once_flag registered;
  std::call_once(registered, [] { std::atexit(PrintSummary); });
  PendingList& list = List();
  std::lock_guard<std::mutex> lock(list.mu);
  list.paths.insert(pending_path);
}

}  // namespace memdb::testing::internal
