#include "snapshot/archive_document.h"

#include <utility>

#include "snapshot/text_encoding.h"

#ifndef MEMDB_VERSION
#error "MEMDB_VERSION must be defined by the build (the CMake project version)"
#endif

namespace memdb::snapshot {

std::string_view MemdbVersion() { return MEMDB_VERSION; }

ArchiveDocument ToDocument(const Snapshot& snapshot, bool tagged) {
  auto encode = [tagged](std::string_view bytes) {
    return tagged ? TaggedEncode(bytes) : std::string(bytes);
  };
  ArchiveDocument doc;
  doc.format_version = kSnapshotFormatVersion;
  doc.memdb_version = encode(snapshot.metadata.memdb_version.empty()
                                 ? MemdbVersion()
                                 : std::string_view(snapshot.metadata.memdb_version));
  doc.commit_timestamp = snapshot.metadata.commit_timestamp;
  doc.key_count = snapshot.entries.size();
  doc.options.reserve(snapshot.metadata.options.size());
  for (const auto& [name, value] : snapshot.metadata.options) {
    doc.options.push_back({encode(name), encode(value)});
  }
  doc.entries.reserve(snapshot.entries.size());
  for (const auto& [key, value] : snapshot.entries) {
    doc.entries.push_back({encode(key), encode(value)});
  }
  return doc;
}

Result<Snapshot> FromDocument(ArchiveDocument document, bool tagged, std::string_view where) {
  auto corrupt = [&](const std::string& what) {
    return Status::Corruption(std::string(where) + ": " + what);
  };
  if (document.format_version > kSnapshotFormatVersion) {
    return Status::NotSupported(std::string(where) + ": snapshot format version " +
                                std::to_string(document.format_version) +
                                " was written by a newer memdb (this one reads versions up to " +
                                std::to_string(kSnapshotFormatVersion) + ")");
  }
  if (document.format_version == 0) return corrupt("format version 0 is not a valid version");
  if (document.key_count != document.entries.size()) {
    return corrupt("the metadata counts " + std::to_string(document.key_count) +
                   " keys, the archive holds " + std::to_string(document.entries.size()));
  }
  // Decodes a tagged string in place (text archives); binary archives hold the bytes.
  std::string decoded;
  auto decode = [&](std::string* s, const std::string& what) -> Status {
    if (!tagged) return Status::OK();
    if (!TaggedDecode(*s, &decoded)) {
      return corrupt(what + " " + DisplayBytes(*s) +
                     " is not a tagged string (\"t:\" + text or \"x:\" + lowercase hex)");
    }
    s->swap(decoded);
    return Status::OK();
  };
  Snapshot snapshot;
  if (Status s = decode(&document.memdb_version, "memdb_version"); !s.ok()) return s;
  snapshot.metadata.format_version = document.format_version;
  snapshot.metadata.memdb_version = std::move(document.memdb_version);
  snapshot.metadata.commit_timestamp = document.commit_timestamp;
  snapshot.metadata.key_count = document.key_count;
  for (size_t i = 0; i < document.options.size(); ++i) {
    ArchiveItem& item = document.options[i];
    const std::string at = "option " + std::to_string(i);
    if (Status s = decode(&item.key, at + " name"); !s.ok()) return s;
    if (Status s = decode(&item.value, at + " value"); !s.ok()) return s;
    if (!snapshot.metadata.options.emplace(std::move(item.key), std::move(item.value)).second) {
      return corrupt(at + " repeats an option name");
    }
  }
  auto hint = snapshot.entries.end();
  for (size_t i = 0; i < document.entries.size(); ++i) {
    ArchiveItem& item = document.entries[i];
    if (tagged) {
      const std::string at = "entry " + std::to_string(i);
      if (Status s = decode(&item.key, at + " key"); !s.ok()) return s;
      if (Status s = decode(&item.value, at + " value"); !s.ok()) return s;
    }
    if (!snapshot.entries.empty() && item.key <= snapshot.entries.rbegin()->first) {
      return corrupt("entry " + std::to_string(i) + ": key " + DisplayBytes(item.key) +
                     " is not greater than the previous key " +
                     DisplayBytes(snapshot.entries.rbegin()->first));
    }
    hint = snapshot.entries.emplace_hint(hint, std::move(item.key), std::move(item.value));
  }
  return snapshot;
}

}  // namespace memdb::snapshot
