// LogWriter: frames logical records into a WAL segment (format: log_format.h,
// docs/wal-format.md).
//
// AddRecord only frames, into a buffer in memory; Flush hands everything framed since the last
// Flush to the file in one WritableFile::Append, so a group commit of many records costs one
// write; Sync makes the flushed bytes durable. A record is durable once a Flush and then a Sync
// that follow its AddRecord have both returned OK.
//
// Errors are sticky. After a failed Flush the file's tail is unknown (some prefix of the append
// may have reached it), so the writer is poisoned: AddRecord frames nothing more, and every later
// Flush and Sync returns that same error without touching the file. A failed Sync poisons the
// writer the same way, since a later Sync returning OK would claim durability for data the
// failed one may have lost. The way forward is a new segment (after recovery decides what the
// old one holds).
//
// Thread safety: none; the owner serialises calls (the db layer's commit path does).
#ifndef MEMDB_SRC_WAL_LOG_WRITER_H_
#define MEMDB_SRC_WAL_LOG_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "memdb/io/file_system.h"
#include "memdb/util/status.h"

namespace memdb::wal {

struct LogWriterOptions {
  // The deliberate bug "retry a failed sync" (util/engine_hooks.h), which the crash explorer
  // must catch: a failed Sync is retried once and, if the retry returns OK, reported as OK and
  // the writer not poisoned -- after fsyncgate the data the failed sync covered may be gone.
  // False in production: a failed Sync always poisons the writer.
  bool retry_failed_sync = false;
};

class LogWriter {
 public:
  // Appends to `file`, which must outlive the writer and already holds `file_size` bytes of
  // log (0 for a new segment; the intact length of an existing one, never a torn tail: cut the
  // file at LogReader::valid_end() or start a new segment instead).
  explicit LogWriter(WritableFile* file, uint64_t file_size = 0,
                     const LogWriterOptions& options = {});

  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // Frames one logical record of any length (including 0 bytes and many MiB) into the pending
  // buffer, fragmenting it across blocks as needed. Does nothing on a poisoned writer.
  void AddRecord(std::string_view payload);

  // Appends everything pending with one WritableFile::Append (none when nothing is pending).
  // On failure returns the file's error and poisons the writer.
  [[nodiscard]] Status Flush();

  // WritableFile::Sync. Does not flush: call Flush first. On failure poisons the writer.
  [[nodiscard]] Status Sync();

  // Bytes of log framed so far, including the initial `file_size` and the pending bytes: the
  // file's size once everything pending is flushed.
  uint64_t size() const { return flushed_ + pending_.size(); }
  // Bytes framed but not yet handed to the file.
  uint64_t pending_bytes() const { return pending_.size(); }
  // OK, or the error that poisoned the writer.
  const Status& status() const { return status_; }

 private:
  void EmitPhysicalRecord(uint8_t type, const char* data, size_t length);

  WritableFile* const file_;
  const LogWriterOptions options_;
  uint64_t flushed_;     // bytes in the file: the initial size plus successful Flushes
  size_t block_offset_;  // where the next byte framed falls inside its block
  std::string pending_;
  Status status_;
  uint32_t type_crc_[5];  // CRC32C of each type byte, the start of every record's crc
};

}  // namespace memdb::wal

#endif  // MEMDB_SRC_WAL_LOG_WRITER_H_
