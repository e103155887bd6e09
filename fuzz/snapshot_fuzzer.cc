// libFuzzer target for the snapshot and golden loaders (fuzz/run.sh runs it).
//
// Properties checked beyond "no crash, no sanitizer report": whatever loads is a valid
// snapshot -- it saves in every format, and each saved form loads back with the same entries
// (the golden form byte-identical when saved again).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "memdb/snapshot/snapshot.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "snapshot_fuzzer: property violated: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using memdb::SnapshotFormat;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  memdb::SnapshotLimits limits;
  limits.max_bytes = 1 << 20;
  memdb::Result<memdb::Snapshot> snap = memdb::ParseSnapshot(bytes, "fuzz-input", limits);
  if (!snap.ok()) {
    Check(snap.status().message().starts_with("fuzz-input"), "an error names its input");
    return 0;
  }
  for (const SnapshotFormat format :
       {SnapshotFormat::kBinary, SnapshotFormat::kPortableBinary, SnapshotFormat::kJson,
        SnapshotFormat::kXml, SnapshotFormat::kGolden}) {
    memdb::Result<std::string> saved = memdb::SaveSnapshot(*snap, format);
    Check(saved.ok(), "a loaded snapshot saves");
    memdb::Result<memdb::Snapshot> back = memdb::ParseSnapshot(*saved, "saved");
    Check(back.ok(), "a saved snapshot loads");
    Check(back->SameEntries(*snap), "entries survive a round trip");
    if (format == SnapshotFormat::kGolden) {
      Check(memdb::SaveSnapshot(*back, format).value() == *saved, "golden text is canonical");
    }
  }
  return 0;
}
