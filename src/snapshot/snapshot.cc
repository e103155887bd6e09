// The public snapshot entry points: format names, dispatch on format, detection, and files.
#include "memdb/snapshot/snapshot.h"

#include <exception>
#include <iterator>
#include <utility>

#include "memdb/io/replace_file.h"
#include "memdb/util/enum_name.h"
#include "snapshot/binary_archive.h"
#include "snapshot/golden_format.h"
#include "snapshot/text_archive.h"
#include "snapshot/text_encoding.h"

namespace memdb {

std::string_view SnapshotFormatName(SnapshotFormat format) {
  switch (format) {
    case SnapshotFormat::kBinary:
      return "binary";
    case SnapshotFormat::kPortableBinary:
      return "portable-binary";
    case SnapshotFormat::kJson:
      return "json";
    case SnapshotFormat::kXml:
      return "xml";
    case SnapshotFormat::kGolden:
      return "golden";
  }
  return "unknown";
}

std::optional<SnapshotFormat> ParseSnapshotFormat(std::string_view name) {
  return ParseEnumName(name,
                       {SnapshotFormat::kBinary, SnapshotFormat::kPortableBinary,
                        SnapshotFormat::kJson, SnapshotFormat::kXml, SnapshotFormat::kGolden},
                       SnapshotFormatName);
}

Result<std::string> SaveSnapshot(const Snapshot& snapshot, SnapshotFormat format) {
  switch (format) {
    case SnapshotFormat::kBinary:
    case SnapshotFormat::kPortableBinary:
      return snapshot::SaveBinaryArchive(snapshot, format);
    case SnapshotFormat::kJson:
    case SnapshotFormat::kXml:
      return snapshot::SaveTextArchive(snapshot, format);
    case SnapshotFormat::kGolden:
      try {
        return snapshot::GoldenText(snapshot);
      } catch (const std::exception& e) {
        return Status::IOError(std::string("writing golden text failed: ") + e.what());
      }
  }
  return Status::InvalidArgument("SaveSnapshot: unknown format " +
                                 std::to_string(static_cast<int>(format)));
}

Result<SnapshotFormat> DetectSnapshotFormat(std::string_view bytes, std::string_view name) {
  // A prefix of the magic is a binary file cut short: the loader reports it as truncated.
  if (!bytes.empty() && snapshot::kBinaryMagic.starts_with(bytes.substr(0, 8))) {
    // The kind byte is checked (with the header's CRC) by the loader; report the family here.
    return bytes.size() > 12 && bytes[12] == static_cast<char>(SnapshotFormat::kPortableBinary)
               ? SnapshotFormat::kPortableBinary
               : SnapshotFormat::kBinary;
  }
  if (bytes.starts_with(snapshot::kGoldenPrefix)) return SnapshotFormat::kGolden;
  const size_t first = bytes.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && bytes[first] == '{') return SnapshotFormat::kJson;
  if (first != std::string_view::npos && bytes[first] == '<') return SnapshotFormat::kXml;
  return Status::InvalidArgument(
      std::string(name) + ": not a memdb snapshot (it starts with " +
      snapshot::DisplayBytes(bytes.substr(0, 16), 32) +
      "; expected \"MEMDBSNP\", a golden header {\"memdb_golden\":..., JSON or XML)");
}

Result<Snapshot> ParseSnapshot(std::string_view bytes, std::string_view name,
                               const SnapshotLimits& limits) {
  if (bytes.size() > limits.max_bytes) {
    return Status::InvalidArgument(std::string(name) + ": " + std::to_string(bytes.size()) +
                                   " bytes exceed the snapshot limit of " +
                                   std::to_string(limits.max_bytes) + " (SnapshotLimits)");
  }
  Result<SnapshotFormat> format = DetectSnapshotFormat(bytes, name);
  if (!format.ok()) return format.status();
  // Nothing below should throw (allocation failure aside); nothing may escape either way.
  try {
    switch (*format) {
      case SnapshotFormat::kBinary:
      case SnapshotFormat::kPortableBinary:
        return snapshot::LoadBinaryArchive(bytes, name, limits);
      case SnapshotFormat::kJson:
      case SnapshotFormat::kXml:
        return snapshot::LoadTextArchive(bytes, name, *format, limits);
      case SnapshotFormat::kGolden:
        return snapshot::ParseGolden(bytes, name);
    }
  } catch (const std::exception& e) {
    return Status::Corruption(std::string(name) + ": loading the snapshot failed: " + e.what());
  }
  return Status::InvalidArgument(std::string(name) + ": unknown snapshot format");
}

Result<Snapshot> ReadSnapshot(std::istream& in, std::string_view name,
                              const SnapshotLimits& limits) {
  std::string bytes;
  try {
    char buffer[1 << 16];
    while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0) {
      bytes.append(buffer, static_cast<size_t>(in.gcount()));
      if (bytes.size() > limits.max_bytes) {
        return Status::InvalidArgument(std::string(name) + ": the stream holds more than " +
                                       std::to_string(limits.max_bytes) +
                                       " bytes, the snapshot limit (SnapshotLimits)");
      }
    }
  } catch (const std::exception& e) {
    return Status::IOError(std::string(name) + ": reading the stream failed: " + e.what());
  }
  if (in.bad()) return Status::IOError(std::string(name) + ": reading the stream failed");
  return ParseSnapshot(bytes, name, limits);
}

Result<Snapshot> ReadSnapshotFile(FileSystem& fs, const std::string& path,
                                  const SnapshotLimits& limits) {
  Result<uint64_t> size = fs.FileSize(path);
  if (!size.ok()) return size.status();
  if (*size > limits.max_bytes) {
    return Status::InvalidArgument(path + ": " + std::to_string(*size) +
                                   " bytes exceed the snapshot limit of " +
                                   std::to_string(limits.max_bytes) + " (SnapshotLimits)");
  }
  std::string bytes;
  if (Status s = fs.ReadFile(path, &bytes); !s.ok()) return s;
  return ParseSnapshot(bytes, path, limits);
}

Status WriteFileAtomically(FileSystem& fs, const std::string& path, std::string_view bytes,
                           bool sync) {
  ReplaceFileOptions options;
  options.sync_file = sync;
  options.sync_dir = sync;
  return ReplaceFileAtomically(fs, path, bytes, options).Annotate("writing " + path);
}

Status WriteSnapshotFile(FileSystem& fs, const std::string& path, const Snapshot& snapshot,
                         SnapshotFormat format) {
  Result<std::string> bytes = SaveSnapshot(snapshot, format);
  if (!bytes.ok()) return bytes.status().Annotate(path);
  return WriteFileAtomically(fs, path, *bytes);
}

}  // namespace memdb
