// In-memory files over a std::string for the WAL tests (independent of the io layer's
// SimFileSystem), a reader driver that collects every record and the final outcome, and an
// independent framer of single physical records for hand-built logs.
#ifndef MEMDB_TESTS_WAL_WAL_TEST_UTIL_H_
#define MEMDB_TESTS_WAL_WAL_TEST_UTIL_H_

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/io/file_system.h"
#include "memdb/util/random.h"
#include "memdb/util/status.h"
#include "util/coding.h"
#include "util/crc32c.h"
#include "wal/log_format.h"
#include "wal/log_reader.h"
#include "wal/log_writer.h"

namespace memdb::wal::test {

// A WritableFile appending to `contents`. Counts calls; fails Append or Sync on demand (a failed
// Append still writes the first half of its data, as a short write would).
class StringWritableFile final : public WritableFile {
 public:
  Status Append(std::string_view data) override {
    ++append_calls;
    if (!append_error.ok()) {
      contents.append(data.substr(0, data.size() / 2));
      return append_error;
    }
    contents.append(data);
    return Status::OK();
  }
  Status Sync() override {
    ++sync_calls;
    return sync_error;
  }
  Status Close() override { return Status::OK(); }
  uint64_t Size() const override { return contents.size(); }
  const std::string& path() const override { return path_; }

  std::string contents;
  int append_calls = 0;
  int sync_calls = 0;
  Status append_error;
  Status sync_error;

 private:
  std::string path_ = "mem/wal-000001.log";
};

// A SequentialFile over a copy of `contents`. Records the size of every Read; fails reads that
// start at or after `fail_reads_from` with `read_error`.
class StringSequentialFile final : public SequentialFile {
 public:
  explicit StringSequentialFile(std::string contents) : contents_(std::move(contents)) {}

  Status Read(size_t n, std::string* out) override {
    if (!read_error.ok() && pos_ >= fail_reads_from) return read_error;
    n = std::min(n, contents_.size() - pos_);
    out->assign(contents_, pos_, n);
    pos_ += n;
    read_sizes.push_back(n);
    return Status::OK();
  }
  Status Skip(uint64_t n) override {
    pos_ += static_cast<size_t>(std::min<uint64_t>(n, contents_.size() - pos_));
    return Status::OK();
  }
  const std::string& path() const override { return path_; }

  std::vector<size_t> read_sizes;
  Status read_error;
  size_t fail_reads_from = 0;

 private:
  std::string contents_;
  size_t pos_ = 0;
  std::string path_ = "mem/wal-000001.log";
};

// Everything a reader said about one log.
struct ReadLog {
  std::vector<std::string> records;
  std::vector<uint64_t> offsets;  // last_record_offset() after each record
  LogReader::Outcome outcome = LogReader::Outcome::kRecord;
  uint64_t valid_end = 0;
  uint64_t damage_offset = 0;
  std::string damage;
  uint64_t torn_bytes = 0;
  Status status;
};

// Reads records until the first outcome other than kRecord (or, with `resume`, until kEnd or
// kTornTail, collecting the records after each kCorruption too; `corruptions` counts them).
inline ReadLog ReadAll(const std::string& contents, bool resume = false, int* corruptions = nullptr,
                       uint64_t file_size = UINT64_MAX) {
  StringSequentialFile file(contents);
  LogReader reader(&file, file_size == UINT64_MAX ? contents.size() : file_size);
  ReadLog log;
  std::string record;
  for (;;) {
    log.outcome = reader.ReadRecord(&record);
    if (log.outcome == LogReader::Outcome::kRecord) {
      log.records.push_back(record);
      log.offsets.push_back(reader.last_record_offset());
      continue;
    }
    if (log.outcome == LogReader::Outcome::kCorruption && resume && reader.status().ok()) {
      if (corruptions != nullptr) ++*corruptions;
      continue;
    }
    break;
  }
  log.valid_end = reader.valid_end();
  log.damage_offset = reader.damage_offset();
  log.damage = reader.damage();
  log.torn_bytes = reader.torn_bytes();
  log.status = reader.status();
  return log;
}

// A log written by LogWriter, with the offset of each record's first fragment and its end.
struct WrittenLog {
  std::string contents;
  std::vector<uint64_t> starts;
  std::vector<uint64_t> ends;
};

// Where the next record's first header goes when the writer is at `size` (after a trailer).
inline uint64_t NextRecordStart(uint64_t size) {
  const uint64_t room = kBlockSize - size % kBlockSize;
  return room < kHeaderSize ? size + room : size;
}

inline WrittenLog WriteAll(const std::vector<std::string>& records) {
  StringWritableFile file;
  LogWriter writer(&file);
  WrittenLog log;
  for (const std::string& r : records) {
    log.starts.push_back(NextRecordStart(writer.size()));
    writer.AddRecord(r);
    log.ends.push_back(writer.size());
  }
  EXPECT_TRUE(writer.Flush().ok());
  log.contents = std::move(file.contents);
  return log;
}

// One physical record, framed by hand from the format description (not by LogWriter).
inline std::string PhysicalRecord(RecordType type, std::string_view payload) {
  std::string typed(1, static_cast<char>(type));
  typed += payload;
  std::string out;
  PutFixed32(&out, crc32c::Mask(crc32c::Value(typed.data(), typed.size())));
  out += static_cast<char>(payload.size() & 0xff);
  out += static_cast<char>(payload.size() >> 8);
  out += typed;
  return out;
}

inline const char* OutcomeName(LogReader::Outcome outcome) {
  switch (outcome) {
    case LogReader::Outcome::kRecord:
      return "kRecord";
    case LogReader::Outcome::kEnd:
      return "kEnd";
    case LogReader::Outcome::kTornTail:
      return "kTornTail";
    case LogReader::Outcome::kCorruption:
      return "kCorruption";
  }
  return "?";
}

// `n` bytes from `rng`.
inline std::string RandomBytes(Random& rng, size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng.Next());
  return s;
}

}  // namespace memdb::wal::test

namespace memdb::wal {
// So gtest prints outcomes by name.
inline void PrintTo(LogReader::Outcome outcome, std::ostream* os) {
  *os << test::OutcomeName(outcome);
}
}  // namespace memdb::wal

#endif  // MEMDB_TESTS_WAL_WAL_TEST_UTIL_H_
