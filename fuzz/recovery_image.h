// The input format of recovery_fuzzer: a whole database directory ("db") on a simulated disk,
// described by bytes. Shared by the fuzzer (DecodeImage) and the seed-corpus generator
// make_recovery_corpus (EncodeDirectory), so the committed seeds decode to the images they were
// made from.
//
// Byte 0 chooses the mode by its low bit:
//
//  - even: a directory image. Entries follow until the input ends, each
//        name     one byte n: kImageNames[n] when n < kImageNames.size(); otherwise a raw name:
//                 one length byte L (taken modulo kMaxRawName, 0 means "skip this entry") and L
//                 bytes, used as the file name as they are (a '/' makes a path that usually
//                 cannot be created; such entries are skipped)
//        length   two bytes, little-endian, clipped to the bytes that remain
//        bytes    the file's contents
//    A later entry with the same name replaces the earlier one.
//
//  - odd: a damaged valid image. Byte 1 seeds a workload (BuildWorkloadImage: a real database
//    with a few commits, several log segments and, for some seeds, a checkpoint); the rest is a
//    list of edits applied to it, each an op byte and a file byte (which of the directory's
//    files, sorted by name, modulo their number) followed by the op's operands:
//        op % 7  effect         operands
//        0       flip a bit     two bytes: the bit offset (modulo the file's bits)
//        1       truncate       two bytes: the new size (modulo size + 1)
//        2       append         a length byte L, then L bytes
//        3       overwrite      two bytes: offset (modulo size + 1); a length byte L; L bytes
//        4       remove it      none
//        5       rename it      one byte: an index into kImageNames (modulo its size)
//        6       add a file     one byte: an index into kImageNames; a length byte L; L bytes
//    On an empty directory only op 6 applies; the others are skipped. So the fuzzer mutates
//    states only a real workload reaches (checksummed records, a checkpoint whose replay
//    position matches the log).
//
// Missing bytes read as zero, so every input decodes to some image.
#ifndef MEMDB_FUZZ_RECOVERY_IMAGE_H_
#define MEMDB_FUZZ_RECOVERY_IMAGE_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/db/db.h"
#include "memdb/io/sim_file_system.h"
#include "memdb/util/random.h"

namespace memdb::fuzz {

// The directory every image lives in.
inline constexpr std::string_view kImageDir = "db";
// Raw names are at most this long (a little more than the longest realistic name).
inline constexpr size_t kMaxRawName = 64;

// Realistic names (segment and checkpoint naming: src/wal/segment.cc, src/db/checkpoint.cc)
// and the odd ones recovery must refuse or ignore. Appending keeps old seeds meaningful.
inline constexpr std::array<std::string_view, 32> kImageNames = {
    "wal-000001.log",
    "wal-000002.log",
    "wal-000003.log",
    "wal-000004.log",
    "wal-000005.log",
    "wal-000006.log",
    "wal-000007.log",
    "wal-000008.log",
    "wal-000009.log",
    "wal-000000.log",
    "wal-18446744073709551615.log",  // the largest segment number: nothing can follow it
    "wal-18446744073709551614.log",
    "wal-18446744073709551616.log",      // one past 2^64-1: not a segment name
    "wal-999999999999999999999999.log",  // far too long a number
    "wal-0000001.log",                   // not canonical (leading zero past six digits)
    "wal-00001.log",                     // too few digits
    "wal-000001.log.damaged",            // set aside by an earlier recovery
    "wal-000002.log.damaged",
    "checkpoint-00000000000000000001.ckpt",
    "checkpoint-00000000000000000002.ckpt",
    "checkpoint-00000000000000000003.ckpt",
    "checkpoint-00000000000000000005.ckpt",
    "checkpoint-00000000000000000008.ckpt",
    "checkpoint-00000000000000000013.ckpt",
    "checkpoint-00000000000000000000.ckpt",
    "checkpoint-18446744073709551615.ckpt",
    "checkpoint-00000000000000000003.ckpt.tmp",  // a checkpoint a crash left unrenamed
    "checkpoint-1.ckpt",                         // too few digits
    "LOCK",
    "wal-.log",
    "checkpoint-00000000000000000003.ckpt.damaged",
    "CURRENT",
};

// Reads bytes from the input; past its end every read is zero (or empty).
class ImageReader {
 public:
  ImageReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool done() const { return pos_ >= size_; }
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint16_t U16() {
    const uint16_t lo = Byte();
    return static_cast<uint16_t>(lo | (Byte() << 8));
  }
  std::string Bytes(size_t n) {
    n = std::min(n, size_ - std::min(pos_, size_));
    std::string out(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

inline std::string ImagePath(std::string_view name) {
  return std::string(kImageDir) + "/" + std::string(name);
}

// Creates (or replaces) the synced file `name` in the image directory; false when the name
// cannot be created (a missing subdirectory, a name that is a directory).
inline bool WriteImageFile(SimFileSystem& disk, std::string_view name, std::string_view bytes) {
  auto file = disk.NewWritableFile(ImagePath(name));
  if (!file.ok()) return false;
  const bool ok = (*file)->Append(bytes).ok() && (*file)->Sync().ok();
  (*file)->Close().IgnoreError();
  return ok;
}

// The names of the files in the image directory, sorted (no subdirectories' files).
inline std::vector<std::string> ImageFiles(SimFileSystem& disk) {
  std::vector<std::string> names;
  const std::string prefix = std::string(kImageDir) + "/";
  for (const std::string& path : disk.AllFiles()) {
    if (path.starts_with(prefix) && path.find('/', prefix.size()) == std::string::npos) {
      names.push_back(path.substr(prefix.size()));
    }
  }
  return names;
}

// A small real database in the image directory, the same for the same seed: 1..12 commits of
// 1..3 puts or deletes over 8 keys, segments of 128..512 bytes (so most seeds have several),
// and for half the seeds a checkpoint part way through. Every commit is synced (kAlways) and the
// database is closed cleanly, so the image is intact.
inline std::shared_ptr<SimFileSystem> BuildWorkloadImage(uint8_t seed) {
  auto disk = std::make_shared<SimFileSystem>();
  disk->CreateDir(std::string(kImageDir)).IgnoreError();
  Random random(0x5eed0000u + seed);
  Options options;
  options.path = std::string(kImageDir);
  options.file_system = disk;
  options.sync_mode = SyncMode::kAlways;
  options.checkpoint_log_bytes = 0;
  options.wal_segment_bytes = uint64_t{128} << (seed % 3);
  Result<Db> db = Db::Open(options);
  if (!db.ok()) return disk;  // cannot happen on an empty simulated disk; an empty image then
  const uint64_t commits = 1 + random.Uniform(12);
  const uint64_t checkpoint_after = (seed & 8) != 0 ? random.Uniform(commits) : commits;
  for (uint64_t c = 0; c < commits; ++c) {
    const uint64_t writes = 1 + random.Uniform(3);
    db->Update([&](KvTransaction& txn) {
        for (uint64_t w = 0; w < writes; ++w) {
          const std::string key = "k" + std::to_string(random.Uniform(8));
          Status s = random.Bernoulli(0.2) ? txn.Delete(key)
                                           : txn.Put(key, random.AlphaNumeric(random.Uniform(40)));
          if (!s.ok()) return s;
        }
        return Status::OK();
      }).IgnoreError();
    if (c == checkpoint_after) db->Checkpoint().IgnoreError();
  }
  return disk;
}

// Applies the edits of a damaged-valid-image input (see the format above) to `disk`.
inline void ApplyImageEdits(SimFileSystem& disk, ImageReader& in) {
  while (!in.done()) {
    const uint8_t op = in.Byte() % 7;
    const uint8_t which = in.Byte();
    const std::vector<std::string> files = ImageFiles(disk);
    if (files.empty() && op != 6) continue;
    const std::string name = files.empty() ? std::string() : files[which % files.size()];
    const std::string path = ImagePath(name);
    const uint64_t size = files.empty() ? 0 : disk.FileSize(path).value_or(0);
    switch (op) {
      case 0: {
        const uint16_t bit = in.U16();
        if (size > 0) disk.FlipBit(path, bit % (size * 8)).IgnoreError();
        break;
      }
      case 1:
        disk.TruncateFile(path, in.U16() % (size + 1)).IgnoreError();
        break;
      case 2:
        disk.WriteAt(path, size, in.Bytes(in.Byte())).IgnoreError();
        break;
      case 3: {
        const uint64_t offset = in.U16() % (size + 1);
        disk.WriteAt(path, offset, in.Bytes(in.Byte())).IgnoreError();
        break;
      }
      case 4:
        disk.RemoveFile(path).IgnoreError();
        break;
      case 5:
        disk.Rename(path, ImagePath(kImageNames[in.Byte() % kImageNames.size()])).IgnoreError();
        break;
      case 6: {
        const std::string_view new_name = kImageNames[in.Byte() % kImageNames.size()];
        WriteImageFile(disk, new_name, in.Bytes(in.Byte()));
        break;
      }
    }
  }
  disk.SyncDir(std::string(kImageDir)).IgnoreError();
}

// The disk an input describes (see the format above). `workloads` caches BuildWorkloadImage per
// seed (it costs a real Open and commits); the returned disk is a clone, free to change.
inline std::shared_ptr<SimFileSystem> DecodeImage(
    const uint8_t* data, size_t size, std::array<std::shared_ptr<SimFileSystem>, 256>& workloads) {
  ImageReader in(data, size);
  const uint8_t mode = in.Byte();
  if ((mode & 1) != 0) {
    const uint8_t seed = in.Byte();
    if (workloads[seed] == nullptr) workloads[seed] = BuildWorkloadImage(seed);
    std::shared_ptr<SimFileSystem> disk = workloads[seed]->Clone();
    ApplyImageEdits(*disk, in);
    return disk;
  }
  auto disk = std::make_shared<SimFileSystem>();
  disk->CreateDir(std::string(kImageDir)).IgnoreError();
  while (!in.done()) {
    const uint8_t selector = in.Byte();
    std::string name;
    if (selector < kImageNames.size()) {
      name = kImageNames[selector];
    } else {
      name = in.Bytes(in.Byte() % kMaxRawName);
    }
    const std::string bytes = in.Bytes(in.U16());
    if (!name.empty()) WriteImageFile(*disk, name, bytes);
  }
  disk->SyncDir(std::string(kImageDir)).IgnoreError();
  return disk;
}

// The directory-image input (mode byte 0) that decodes to the files of `disk`'s image
// directory as reads see them now (crash the disk first for a crash state); files longer than
// 65,535 bytes are cut to that length. The inverse of DecodeImage, for seed corpora.
inline std::string EncodeDirectory(const SimFileSystem& disk) {
  std::string out(1, '\0');
  const std::string prefix = std::string(kImageDir) + "/";
  for (const std::string& path : disk.AllFiles()) {
    if (!path.starts_with(prefix) || path.find('/', prefix.size()) != std::string::npos) continue;
    const std::string name = path.substr(prefix.size());
    auto state = disk.InspectFile(path);
    std::string bytes = state.ok() ? state->current : std::string();
    if (bytes.size() > 0xffff) bytes.resize(0xffff);
    const auto known = std::find(kImageNames.begin(), kImageNames.end(), name);
    if (known != kImageNames.end()) {
      out += static_cast<char>(known - kImageNames.begin());
    } else {
      out += static_cast<char>(0xff);
      out += static_cast<char>(std::min(name.size(), kMaxRawName - 1));
      out += name.substr(0, kMaxRawName - 1);
    }
    out += static_cast<char>(bytes.size() & 0xff);
    out += static_cast<char>(bytes.size() >> 8);
    out += bytes;
  }
  return out;
}

}  // namespace memdb::fuzz

#endif  // MEMDB_FUZZ_RECOVERY_IMAGE_H_
