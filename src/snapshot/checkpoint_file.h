// Checkpoint files: the committed state of a database at one commit timestamp, as one file.
//
// A checkpoint holds every live key/value pair (arbitrary bytes, sorted by key) plus the
// metadata recovery needs: the commit timestamp it reflects and the first WAL segment to replay
// after loading it. The byte format -- our own framing (magic, version, CRC32C-checked chunks,
// a trailer chaining them) around cereal binary archives of entry batches -- is specified in
// docs/checkpoint-format.md.
//
// Both directions stream: the writer holds one batch (about 1 MiB) at a time, the reader one
// chunk. The reader trusts no length it has not checked: every chunk is checked against the
// bytes left in the file before anything is allocated, and against its CRC and a walk of its
// layout before cereal reads it. Damage of any kind is reported as Corruption naming the file,
// the byte offset and what was wrong; no exception escapes.
//
// Thread safety: a CheckpointWriter has one user at a time; the read functions keep no state.
#ifndef MEMDB_SRC_SNAPSHOT_CHECKPOINT_FILE_H_
#define MEMDB_SRC_SNAPSHOT_CHECKPOINT_FILE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "memdb/io/file_system.h"
#include "memdb/util/status.h"

namespace memdb::snapshot {

// The format version this build writes, and the newest it reads.
inline constexpr uint32_t kCheckpointFormatVersion = 1;

struct CheckpointInfo {
  uint32_t format_version = 0;
  uint64_t commit_timestamp = 0;
  // The first WAL segment a recovery must replay after loading this checkpoint.
  uint64_t replay_from_segment = 0;
  uint64_t key_count = 0;
  // The sum of the sizes of every key and value.
  uint64_t data_bytes = 0;
};

// Writes one checkpoint to `file`, which should be empty (the writer does not own it).
//
//   CheckpointWriter writer(file.get(), ts, segment);
//   for (each live pair, in key order) { Status s = writer.Add(key, value); if (!s.ok()) ... }
//   Status s = writer.Finish();
//   then the caller: file->Sync(), file->Close(), Rename(tmp, final), SyncDir(dir).
//
// Errors: Add returns InvalidArgument for a key not strictly greater than the previous one, for
// an entry too large for one chunk (key + value beyond about 4 GiB), and after Finish; the
// entry is then not added and the writer stays usable. An error from `file` (IOError) is
// sticky: every later call returns it, and the file must be discarded.
class CheckpointWriter {
 public:
  CheckpointWriter(WritableFile* file, uint64_t commit_timestamp, uint64_t replay_from_segment);
  CheckpointWriter(const CheckpointWriter&) = delete;
  CheckpointWriter& operator=(const CheckpointWriter&) = delete;

  // Adds one pair. Keys must be strictly increasing (bytewise). The bytes are copied.
  Status Add(std::string_view key, std::string_view value);
  // Writes the last batch and the trailer. Does NOT sync: durability (Sync, rename, SyncDir)
  // is the caller's. A second call returns InvalidArgument.
  Status Finish();
  // Bytes appended to the file so far; after a successful Finish, the file's size.
  uint64_t bytes_written() const { return bytes_written_; }

 private:
  Status WriteHeaderOnce();
  Status FlushBatch();
  Status AppendChunk(uint8_t type, std::string_view payload);

  WritableFile* const file_;
  const uint64_t commit_timestamp_;
  const uint64_t replay_from_segment_;
  Status error_;  // sticky: the first failure of `file_` (or of serialization)
  bool header_written_ = false;
  bool finished_ = false;

  // The batch being filled; `batch_bytes_` is its serialized size.
  std::vector<std::pair<std::string, std::string>> batch_;
  uint64_t batch_bytes_ = 0;
  std::string last_key_;  // the last key of the batches already written
  bool has_last_key_ = false;

  std::string chunk_;  // reused serialization buffer
  uint64_t key_count_ = 0;
  uint64_t data_bytes_ = 0;
  uint64_t chunk_count_ = 0;
  uint32_t chain_crc_ = 0;
  uint64_t bytes_written_ = 0;
};

// Called once per entry, in key order. The views are valid only during the call. Return a
// non-OK status to stop reading; ReadCheckpoint then returns that status unchanged. An
// exception thrown by the visitor is caught and returned as IOError (not Corruption: the file
// is not at fault).
using CheckpointVisitor = std::function<Status(std::string_view key, std::string_view value)>;

// Reads and verifies the whole checkpoint in `file` (positioned at its start), calling `visit`
// for each entry in key order. `file_size` is the file's size (FileSystem::FileSize).
//
// The reader streams: entries of a chunk are visited once that chunk is verified, before the
// rest of the file is read. A caller that loads entries must therefore discard them unless
// the result is OK -- a file cut short fails only at its end. *info is complete only on OK.
//
// Returns OK; the visitor's first non-OK status; NotSupported ("written by a newer memdb") for
// a newer format version; Corruption naming the path, the byte offset and the damage for
// anything else (bad magic, checksum mismatch, truncation, a length beyond the bytes left,
// trailing junk, counts that disagree with the trailer, keys not strictly increasing); or the
// file's own IOError.
Status ReadCheckpoint(SequentialFile* file, uint64_t file_size, CheckpointInfo* info,
                      const CheckpointVisitor& visit);

// Reads the header and the fixed-size trailer (reached with SequentialFile::Skip), not the
// chunks between them: two small reads, for picking the newest checkpoint cheaply. Fills all of
// *info. A file that passes may still fail ReadCheckpoint (damage between header and trailer);
// one that fails here fails there too. Same error codes as ReadCheckpoint.
Status ReadCheckpointHeader(SequentialFile* file, uint64_t file_size, CheckpointInfo* info);

}  // namespace memdb::snapshot

#endif  // MEMDB_SRC_SNAPSHOT_CHECKPOINT_FILE_H_
