// Writes recovery_fuzzer's seed corpus: database directories produced by the real engine on the
// simulated disk and damaged through the fault layer (crash models for torn tails, the disk's
// damage helpers for flipped bits, lost segments, a damaged checkpoint, odd names), each encoded
// in recovery_image.h's format. Deterministic: the same build writes the same bytes.
//
//   build-fuzz/make_recovery_corpus fixtures/corpus/recovery_fuzzer
//
// (fuzz/run.sh builds it; see fuzz/README.md). Exits non-zero when the engine cannot build an
// image, so a corpus is never silently incomplete.
#include <array>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "memdb/db/db.h"
#include "memdb/fault/crash_model.h"
#include "memdb/io/sim_file_system.h"
#include "recovery_image.h"

namespace {

using memdb::CrashModel;
using memdb::Db;
using memdb::Options;
using memdb::SimFileSystem;
using memdb::fuzz::ImagePath;

int failures = 0;

void Check(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "make_recovery_corpus: %s\n", what.c_str());
    ++failures;
  }
}

Options DbOptions(const std::shared_ptr<SimFileSystem>& disk, uint64_t segment_bytes,
                  memdb::SyncMode sync) {
  Options options;
  options.path = std::string(memdb::fuzz::kImageDir);
  options.file_system = disk;
  options.sync_mode = sync;
  options.checkpoint_log_bytes = 0;
  options.wal_segment_bytes = segment_bytes;
  return options;
}

// Commits `count` transactions numbered from `first`, each writing two keys.
void Commit(Db& db, int first, int count) {
  for (int i = first; i < first + count; ++i) {
    const memdb::Status s = db.Update([i](memdb::KvTransaction& txn) {
      memdb::Status put = txn.Put("key" + std::to_string(i % 7), "value-" + std::to_string(i));
      if (put.ok()) put = txn.Put("n" + std::to_string(i), std::string(i % 50, 'x'));
      return put;
    });
    Check(s.ok(), "commit " + std::to_string(i) + ": " + s.ToString());
  }
}

// A closed, intact database: `before` commits, a checkpoint when `checkpoint`, `after` commits.
std::shared_ptr<SimFileSystem> Database(int before, bool checkpoint, int after,
                                        uint64_t segment_bytes = 1 << 20) {
  auto disk = std::make_shared<SimFileSystem>();
  Check(disk->CreateDir(std::string(memdb::fuzz::kImageDir)).ok(), "create dir");
  auto db = Db::Open(DbOptions(disk, segment_bytes, memdb::SyncMode::kAlways));
  Check(db.ok(), "open: " + db.status().ToString());
  if (!db.ok()) return disk;
  Commit(*db, 0, before);
  if (checkpoint) Check(db->Checkpoint().ok(), "checkpoint");
  Commit(*db, before, after);
  return disk;
}

// An open database with `synced` synced commits then `unsynced` ones in the volatile cache,
// crashed under `model`.
std::shared_ptr<SimFileSystem> Crashed(int synced, int unsynced, const std::string& model) {
  auto disk = std::make_shared<SimFileSystem>();
  Check(disk->CreateDir(std::string(memdb::fuzz::kImageDir)).ok(), "create dir");
  auto db = Db::Open(DbOptions(disk, 1 << 20, memdb::SyncMode::kNone));
  Check(db.ok(), "open: " + db.status().ToString());
  if (!db.ok()) return disk;
  Commit(*db, 0, synced);
  Check(db->SyncLog().ok(), "sync");
  Commit(*db, synced, unsynced);
  auto crash = CrashModel::Parse(model);
  Check(crash.ok(), "crash model " + model);
  std::shared_ptr<SimFileSystem> image = disk->Clone();  // the open database's disk, mid-flight
  if (crash.ok()) memdb::CrashWithModel(*image, *crash);
  return image;
}

std::string FirstFile(SimFileSystem& disk, std::string_view prefix) {
  for (const std::string& name : memdb::fuzz::ImageFiles(disk)) {
    if (name.starts_with(prefix)) return name;
  }
  Check(false, "no file starting with " + std::string(prefix));
  return "missing";
}

std::string LastFile(SimFileSystem& disk, std::string_view prefix) {
  std::string last;
  for (const std::string& name : memdb::fuzz::ImageFiles(disk)) {
    if (name.starts_with(prefix)) last = name;
  }
  Check(!last.empty(), "no file starting with " + std::string(prefix));
  return last.empty() ? "missing" : last;
}

uint64_t Size(SimFileSystem& disk, const std::string& name) {
  return disk.FileSize(ImagePath(name)).value_or(0);
}

std::string Contents(SimFileSystem& disk, const std::string& name) {
  std::string bytes;
  Check(disk.ReadFile(ImagePath(name), &bytes).ok(), "read " + name);
  return bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_recovery_corpus OUTPUT_DIR\n");
    return 2;
  }
  const std::string out_dir = argv[1];
  std::vector<std::pair<std::string, std::string>> seeds;  // file name, input bytes
  std::array<std::shared_ptr<SimFileSystem>, 256> workloads;
  // Each image is encoded, and decoding the seed must give back the same files and bytes, so
  // the corpus holds exactly the damage it claims to.
  auto add = [&seeds, &workloads](const std::string& name, SimFileSystem& disk) {
    std::string bytes = memdb::fuzz::EncodeDirectory(disk);
    const auto decoded = memdb::fuzz::DecodeImage(reinterpret_cast<const uint8_t*>(bytes.data()),
                                                  bytes.size(), workloads);
    bool same = memdb::fuzz::ImageFiles(*decoded) == memdb::fuzz::ImageFiles(disk);
    for (const std::string& file : memdb::fuzz::ImageFiles(disk)) {
      same = same && Contents(*decoded, file) == Contents(disk, file);
    }
    Check(same, name + ": the seed does not decode to the image it encodes");
    seeds.emplace_back(name, std::move(bytes));
  };

  // Intact databases.
  seeds.emplace_back("empty-directory", std::string(1, '\0'));
  add("valid-one-segment", *Database(5, false, 0));
  add("valid-many-segments", *Database(12, false, 0, 128));
  add("valid-checkpoint-and-log", *Database(4, true, 4));
  add("valid-checkpoint-only", *Database(6, true, 0));
  add("valid-checkpoint-many-segments", *Database(6, true, 8, 160));

  // Torn tails: unsynced commits cut by a crash (the fault layer's crash models).
  for (const char* model :
       {"torn-last-write(512,keep=0,fill=garbage)", "torn-last-write(512,keep=0,fill=zeros)",
        "byte-prefix(keep=9)", "byte-prefix(keep=100)", "sector-prefix(512,keep=1)",
        "independent-sectors(512,fill=garbage,seed=3)", "reordered-writes(omit=1)",
        "drop-unsynced"}) {
    std::string name = std::string("unsynced-") + model;
    for (char& c : name) {
      if (c == '(' || c == ')' || c == ',' || c == '=') c = '-';
    }
    while (name.ends_with("-")) name.pop_back();
    add(name, *Crashed(3, 4, model));
  }

  // Flipped bits in synced records: early, middle, last byte of the first segment.
  for (const double at : {0.1, 0.5, 0.99}) {
    auto disk = Database(12, false, 0, 128);
    const std::string segment = FirstFile(*disk, "wal-");
    const auto bit = static_cast<uint64_t>(static_cast<double>(Size(*disk, segment) * 8) * at);
    Check(disk->FlipBit(ImagePath(segment), bit).ok(), "flip " + segment);
    add("flipped-bit-first-segment-" + std::to_string(static_cast<int>(at * 100)), *disk);
  }
  {
    auto disk = Database(12, false, 0, 128);
    const std::string segment = LastFile(*disk, "wal-");
    Check(disk->FlipBit(ImagePath(segment), Size(*disk, segment) * 4).ok(), "flip last");
    add("flipped-bit-last-segment", *disk);
  }

  // Missing and shortened segments.
  {
    auto disk = Database(12, false, 0, 128);
    const std::vector<std::string> files = memdb::fuzz::ImageFiles(*disk);
    std::vector<std::string> segments;
    for (const std::string& f : files) {
      if (f.starts_with("wal-")) segments.push_back(f);
    }
    Check(segments.size() >= 3, "expected three segments or more");
    if (segments.size() >= 3) {
      auto middle = disk->Clone();
      Check(middle->RemoveFile(ImagePath(segments[1])).ok(), "remove middle");
      add("missing-middle-segment", *middle);
      auto first = disk->Clone();
      Check(first->RemoveFile(ImagePath(segments[0])).ok(), "remove first");
      add("missing-first-segment", *first);
      auto last = disk->Clone();
      Check(last->RemoveFile(ImagePath(segments.back())).ok(), "remove last");
      add("missing-last-segment", *last);
      auto shorter = disk->Clone();
      Check(
          shorter->TruncateFile(ImagePath(segments.back()), Size(*disk, segments.back()) / 2).ok(),
          "truncate last");
      add("truncated-last-segment", *shorter);
      auto empty = disk->Clone();
      Check(empty->TruncateFile(ImagePath(segments[1]), 0).ok(), "empty middle");
      add("emptied-middle-segment", *empty);
    }
  }

  // Damaged checkpoints: with the log still reaching back, and without.
  {
    auto disk = Database(4, true, 4);
    const std::string checkpoint = FirstFile(*disk, "checkpoint-");
    auto flipped = disk->Clone();
    Check(flipped->FlipBit(ImagePath(checkpoint), Size(*disk, checkpoint) * 4).ok(), "flip ckpt");
    add("damaged-checkpoint-log-after", *flipped);
    auto header = disk->Clone();
    Check(header->FlipBit(ImagePath(checkpoint), 3).ok(), "flip ckpt header");
    add("damaged-checkpoint-header", *header);
    auto cut = disk->Clone();
    Check(cut->TruncateFile(ImagePath(checkpoint), Size(*disk, checkpoint) - 1).ok(), "cut ckpt");
    add("truncated-checkpoint", *cut);
    // A leftover temporary of a later checkpoint, and a stale copy under a newer name.
    auto leftover = disk->Clone();
    Check(memdb::fuzz::WriteImageFile(*leftover, "checkpoint-00000000000000000013.ckpt.tmp",
                                      Contents(*disk, checkpoint)),
          "write tmp");
    add("checkpoint-tmp-leftover", *leftover);
    auto renamed = disk->Clone();
    Check(memdb::fuzz::WriteImageFile(*renamed, "checkpoint-18446744073709551615.ckpt",
                                      Contents(*disk, checkpoint)),
          "write max ckpt");
    add("checkpoint-copy-named-max", *renamed);
  }
  {
    auto disk = Database(6, true, 0);
    const std::string checkpoint = FirstFile(*disk, "checkpoint-");
    Check(disk->FlipBit(ImagePath(checkpoint), Size(*disk, checkpoint) * 4).ok(), "flip ckpt");
    add("damaged-only-checkpoint-no-log", *disk);
  }

  // Odd names next to an intact database.
  for (const std::string_view odd :
       {"wal-18446744073709551615.log", "wal-999999999999999999999999.log", "wal-0000001.log",
        "wal-000001.log.damaged", "LOCK", "wal-000009.log"}) {
    auto disk = Database(5, false, 0);
    Check(memdb::fuzz::WriteImageFile(*disk, odd, ""), "write " + std::string(odd));
    std::string name = "odd-empty-" + std::string(odd);
    add(name, *disk);
  }
  {
    auto disk = Database(5, false, 0);
    const std::string segment = FirstFile(*disk, "wal-");
    Check(disk->Rename(ImagePath(segment), ImagePath("wal-18446744073709551615.log")).ok(),
          "rename to max");
    add("odd-only-segment-named-max", *disk);
  }
  {
    auto disk = std::make_shared<SimFileSystem>();
    Check(disk->CreateDir(std::string(memdb::fuzz::kImageDir)).ok(), "create dir");
    memdb::Random random(14);
    std::string garbage;
    for (int i = 0; i < 300; ++i) garbage += static_cast<char>(random.Uniform(256));
    Check(memdb::fuzz::WriteImageFile(*disk, "wal-000001.log", garbage), "garbage segment");
    Check(memdb::fuzz::WriteImageFile(*disk, "checkpoint-00000000000000000002.ckpt", garbage),
          "garbage checkpoint");
    add("garbage-segment-and-checkpoint", *disk);
  }

  // Damaged-valid-image inputs (mode byte odd): workloads with no edit, and with a few.
  for (const int seed : {0, 1, 2, 8, 9, 10, 27, 200}) {
    seeds.emplace_back("workload-" + std::to_string(seed),
                       std::string{static_cast<char>(1), static_cast<char>(seed)});
  }
  // seed 9: flip bit 100 of file 0; truncate file 1 to 20 bytes; remove file 2.
  seeds.emplace_back("workload-9-edits", std::string("\x01\x09\x00\x00\x64\x00\x01\x01\x14\x00"
                                                     "\x04\x02",
                                                     12));

  for (const auto& [name, bytes] : seeds) {
    std::ofstream file(out_dir + "/" + name, std::ios::binary | std::ios::trunc);
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    Check(file.good(), "write " + out_dir + "/" + name);
  }
  std::printf("make_recovery_corpus: %zu seeds in %s\n", seeds.size(), out_dir.c_str());
  return failures == 0 ? 0 : 1;
}
