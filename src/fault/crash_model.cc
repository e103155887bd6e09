// Crash models (docs/fault-model.md). Every model is computed the same way: the kind decides,
// per unsynced write and per sector of it, which bytes survive, which are torn and which are
// lost (a list of pieces in write order); one routine then lays the pieces over the pre-crash
// base and fills the holes. Keeping the per-kind code down to "which pieces" keeps the kinds
// consistent with each other where the prose says they coincide (keep 0 is drop-unsynced, keep
// past the end is keep-unsynced, stale fill of a pure append is zeros).
#include "memdb/fault/crash_model.h"

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "memdb/util/random.h"

namespace memdb {
namespace {

using FileState = SimFileSystem::FileState;
using UnsyncedWrite = SimFileSystem::UnsyncedWrite;
using Kind = CrashModel::Kind;
using Fill = CrashModel::Fill;

// Garbage is drawn from its own stream so that the bytes a seed produces do not depend on how
// many survival choices the same seed made first.
constexpr uint64_t kGarbageSalt = 0x6761726261676521ULL;  // "garbage!"

uint64_t SectorSize(uint32_t sector_size) { return sector_size == 0 ? 1 : sector_size; }

// The unsynced writes clipped to `current` (a hand-built state may claim bytes it does not
// have; the simulator's never does). Zero-length writes are kept so write numbers stay stable.
std::vector<UnsyncedWrite> ClippedWrites(const FileState& f) {
  std::vector<UnsyncedWrite> out;
  out.reserve(f.unsynced.size());
  const uint64_t size = f.current.size();
  for (UnsyncedWrite w : f.unsynced) {
    if (w.offset >= size) {
      w.length = 0;
    } else {
      w.length = std::min(w.length, size - w.offset);
    }
    out.push_back(w);
  }
  return out;
}

// Calls fn(sector, offset, length) for each piece of `w` that lies in one sector, in offset order.
template <typename Fn>
void ForEachSectorChunk(const UnsyncedWrite& w, uint64_t sector_size, Fn&& fn) {
  const uint64_t end = w.offset + w.length;
  for (uint64_t at = w.offset; at < end;) {
    const uint64_t sector = at / sector_size;
    const uint64_t chunk_end = std::min(end, (sector + 1) * sector_size);
    fn(sector, at, chunk_end - at);
    at = chunk_end;
  }
}

enum class Fate : uint8_t { kUntouched, kSurvives, kTorn };

struct Piece {
  uint64_t offset;
  uint64_t length;
  Fate fate;  // kSurvives or kTorn; lost bytes have no piece
};

std::vector<Piece> BytePrefixPieces(const std::vector<UnsyncedWrite>& writes, uint64_t keep) {
  std::vector<Piece> pieces;
  for (const UnsyncedWrite& w : writes) {
    if (keep == 0) break;
    const uint64_t take = std::min(w.length, keep);
    if (take > 0) pieces.push_back({w.offset, take, Fate::kSurvives});
    keep -= take;
  }
  return pieces;
}

// Sectors are ranked by the first write that touches them, so for appends the first `keep`
// sectors are the lowest ones and a prefix never leaves a hole.
std::vector<Piece> SectorPrefixPieces(const std::vector<UnsyncedWrite>& writes, uint64_t ss,
                                      uint64_t keep) {
  std::vector<Piece> pieces;
  std::map<uint64_t, uint64_t> rank;
  for (const UnsyncedWrite& w : writes) {
    ForEachSectorChunk(w, ss, [&](uint64_t sector, uint64_t offset, uint64_t length) {
      const auto [it, inserted] = rank.try_emplace(sector, rank.size());
      if (it->second < keep) pieces.push_back({offset, length, Fate::kSurvives});
    });
  }
  return pieces;
}

std::vector<Piece> TornLastWritePieces(const std::vector<UnsyncedWrite>& writes, uint64_t ss,
                                       uint64_t keep) {
  std::vector<Piece> pieces;
  size_t last = writes.size();
  for (size_t i = writes.size(); i-- > 0;) {
    if (writes[i].length > 0) {
      last = i;
      break;
    }
  }
  for (size_t i = 0; i < last; ++i) {
    if (writes[i].length > 0)
      pieces.push_back({writes[i].offset, writes[i].length, Fate::kSurvives});
  }
  if (last == writes.size()) return pieces;
  uint64_t chunk = 0;
  ForEachSectorChunk(writes[last], ss, [&](uint64_t, uint64_t offset, uint64_t length) {
    if (chunk < keep) {
      pieces.push_back({offset, length, Fate::kSurvives});
    } else if (chunk == keep) {
      pieces.push_back({offset, length, Fate::kTorn});
    }
    ++chunk;
  });
  return pieces;
}

// One coin per distinct unsynced sector, flipped in ascending sector order, so the choice for a
// sector does not depend on the order of the writes that touched it.
std::vector<Piece> IndependentSectorPieces(const std::vector<UnsyncedWrite>& writes, uint64_t ss,
                                           uint64_t seed) {
  std::vector<uint64_t> sectors;
  for (const UnsyncedWrite& w : writes) {
    ForEachSectorChunk(w, ss,
                       [&](uint64_t sector, uint64_t, uint64_t) { sectors.push_back(sector); });
  }
  std::sort(sectors.begin(), sectors.end());
  sectors.erase(std::unique(sectors.begin(), sectors.end()), sectors.end());
  Random rng(seed);
  std::vector<bool> survives(sectors.size());
  for (size_t i = 0; i < sectors.size(); ++i) survives[i] = rng.Uniform(2) == 1;
  std::vector<Piece> pieces;
  for (const UnsyncedWrite& w : writes) {
    ForEachSectorChunk(w, ss, [&](uint64_t sector, uint64_t offset, uint64_t length) {
      const size_t i = std::lower_bound(sectors.begin(), sectors.end(), sector) - sectors.begin();
      if (survives[i]) pieces.push_back({offset, length, Fate::kSurvives});
    });
  }
  return pieces;
}

std::vector<Piece> ReorderedWritePieces(const std::vector<UnsyncedWrite>& writes,
                                        const CrashModel& model) {
  std::vector<Piece> pieces;
  Random rng(model.seed);
  for (size_t i = 0; i < writes.size(); ++i) {
    const bool survives = model.random_subset ? rng.Uniform(2) == 1 : i != model.keep;
    if (survives && writes[i].length > 0) {
      pieces.push_back({writes[i].offset, writes[i].length, Fate::kSurvives});
    }
  }
  return pieces;
}

// Lays `pieces` (in write order: a later piece wins where two overlap) over the base the crash
// starts from, and fills torn bytes and holes per the model's fill.
std::string Materialize(const FileState& f, const CrashModel& model,
                        const std::vector<Piece>& pieces) {
  uint64_t lo = UINT64_MAX;
  uint64_t end = 0;
  for (const Piece& p : pieces) {
    if (p.length == 0) continue;
    lo = std::min(lo, p.offset);
    end = std::max(end, p.offset + p.length);
  }
  // Nothing written since the last sync reached the disk: not even a truncation did.
  if (lo == UINT64_MAX) return f.durable;

  const std::string empty;
  const std::string& base = f.truncated ? empty : f.durable;
  end = std::max<uint64_t>(end, base.size());
  lo = std::min<uint64_t>(lo, base.size());
  std::string out = base;
  out.resize(end, '\0');

  std::vector<Fate> fate(end - lo, Fate::kUntouched);
  for (const Piece& p : pieces) {
    std::fill_n(fate.begin() + static_cast<std::ptrdiff_t>(p.offset - lo), p.length, p.fate);
  }
  Random garbage(model.seed ^ kGarbageSalt);
  uint64_t garbage_word = 0;
  int garbage_left = 0;
  for (uint64_t i = lo; i < end; ++i) {
    const Fate here = fate[i - lo];
    if (here == Fate::kSurvives) {
      out[i] = f.current[i];
      continue;
    }
    if (here == Fate::kUntouched && i < base.size()) continue;  // the base's own byte
    switch (model.fill) {
      case Fill::kZeros:
        out[i] = '\0';
        break;
      case Fill::kStale:
        out[i] = i < f.durable.size() ? f.durable[i] : '\0';
        break;
      case Fill::kGarbage:
        if (garbage_left == 0) {
          garbage_word = garbage.Next();
          garbage_left = 8;
        }
        out[i] = static_cast<char>(garbage_word & 0xFF);
        garbage_word >>= 8;
        --garbage_left;
        break;
    }
  }
  return out;
}

// ---- Names ----------------------------------------------------------------------------------

constexpr std::pair<Kind, std::string_view> kKindNames[] = {
    {Kind::kDropUnsynced, "drop-unsynced"},
    {Kind::kKeepUnsynced, "keep-unsynced"},
    {Kind::kBytePrefix, "byte-prefix"},
    {Kind::kSectorPrefix, "sector-prefix"},
    {Kind::kTornLastWrite, "torn-last-write"},
    {Kind::kIndependentSectors, "independent-sectors"},
    {Kind::kReorderedWrites, "reordered-writes"},
};

constexpr std::pair<Fill, std::string_view> kFillNames[] = {
    {Fill::kZeros, "zeros"},
    {Fill::kGarbage, "garbage"},
    {Fill::kStale, "stale"},
};

std::string_view FillName(Fill fill) {
  for (const auto& [f, name] : kFillNames) {
    if (f == fill) return name;
  }
  return "unknown";
}

bool UsesSectors(Kind kind) {
  return kind == Kind::kSectorPrefix || kind == Kind::kTornLastWrite ||
         kind == Kind::kIndependentSectors;
}
bool UsesKeep(Kind kind) {
  return kind == Kind::kBytePrefix || kind == Kind::kSectorPrefix || kind == Kind::kTornLastWrite;
}
// Every kind that can leave torn bytes or holes.
bool UsesFill(Kind kind) { return kind != Kind::kDropUnsynced && kind != Kind::kKeepUnsynced; }
// Whether the model's choices (not just its garbage) come from the seed.
bool ChoosesBySeed(const CrashModel& m) {
  return m.kind == Kind::kIndependentSectors ||
         (m.kind == Kind::kReorderedWrites && m.random_subset);
}

bool IsPowerOfTwo(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

// A cursor over a name being parsed, producing errors that name the position.
class NameParser {
 public:
  explicit NameParser(std::string_view text) : text_(text) {}

  Status Error(size_t at, std::string_view what) const {
    return Status::InvalidArgument("crash model \"" + std::string(text_) + "\", position " +
                                   std::to_string(at) + ": " + std::string(what));
  }
  size_t pos() const { return pos_; }
  bool AtEnd() const { return pos_ == text_.size(); }
  bool Consume(char c) {
    if (AtEnd() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  // The longest run of characters that may appear in a word ([a-z0-9-]).
  std::string_view Word() {
    const size_t start = pos_;
    while (!AtEnd()) {
      const char c = text_[pos_];
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) break;
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// A decimal number with no sign, no leading '+' and no overflow.
bool ParseNumber(std::string_view word, uint64_t* out) {
  if (word.empty() || word.size() > 20) return false;
  for (char c : word) {
    if (c < '0' || c > '9') return false;
  }
  const auto [ptr, ec] = std::from_chars(word.data(), word.data() + word.size(), *out);
  return ec == std::errc() && ptr == word.data() + word.size();
}

std::string KindList() {
  std::string out;
  for (size_t i = 0; i < std::size(kKindNames); ++i) {
    if (i > 0) out += i + 1 == std::size(kKindNames) ? " or " : ", ";
    out += kKindNames[i].second;
  }
  return out;
}

// The fields `kind` accepts, for "expected ..." messages.
std::string FieldList(Kind kind) {
  std::vector<std::string> fields;
  if (UsesKeep(kind)) fields.emplace_back("keep");
  if (kind == Kind::kReorderedWrites) {
    fields.emplace_back("omit");
    fields.emplace_back("random-subset");
  }
  if (UsesFill(kind)) {
    fields.emplace_back("fill");
    fields.emplace_back("seed");
  }
  fields.emplace_back("dirs");
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += i + 1 == fields.size() ? " or " : ", ";
    out += fields[i];
  }
  return out;
}

// ---- Enumeration helpers --------------------------------------------------------------------

// floor(total * i / parts), without overflow for any total.
uint64_t Share(uint64_t total, uint64_t i, uint64_t parts) {
  return (total / parts) * i + (total % parts) * i / parts;
}

// `count` values evenly spread over [0, n-1], both ends included (every value when n <= count).
std::vector<uint64_t> SpreadIndexes(uint64_t n, uint64_t count) {
  std::vector<uint64_t> out;
  if (n <= count) {
    for (uint64_t i = 0; i < n; ++i) out.push_back(i);
    return out;
  }
  for (uint64_t j = 0; j < count; ++j) out.push_back(Share(n - 1, j, count - 1));
  return out;
}

struct PendingFile {
  std::vector<UnsyncedWrite> writes;  // clipped
  uint64_t bytes = 0;
};

std::vector<PendingFile> PendingFiles(const SimFileSystem& disk) {
  std::vector<PendingFile> files;
  for (const std::string& path : disk.AllFiles()) {
    Result<FileState> state = disk.InspectFile(path);
    if (!state.ok()) continue;  // removed since AllFiles (another thread)
    PendingFile f;
    f.writes = ClippedWrites(*state);
    for (const UnsyncedWrite& w : f.writes) f.bytes += w.length;
    files.push_back(std::move(f));
  }
  return files;
}

uint64_t DistinctSectors(const std::vector<UnsyncedWrite>& writes, uint64_t ss) {
  std::set<uint64_t> sectors;
  for (const UnsyncedWrite& w : writes) {
    ForEachSectorChunk(w, ss, [&](uint64_t sector, uint64_t, uint64_t) { sectors.insert(sector); });
  }
  return sectors.size();
}

uint64_t LastWriteSectors(const std::vector<UnsyncedWrite>& writes, uint64_t ss) {
  for (size_t i = writes.size(); i-- > 0;) {
    if (writes[i].length == 0) continue;
    const uint64_t first = writes[i].offset / ss;
    const uint64_t last = (writes[i].offset + writes[i].length - 1) / ss;
    return last - first + 1;
  }
  return 0;
}

}  // namespace

std::string_view CrashModel::KindName(Kind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "unknown";
}

std::string CrashModel::Name() const {
  std::string name(KindName(kind));
  std::vector<std::string> args;
  if (UsesSectors(kind)) args.push_back(std::to_string(sector_size));
  if (UsesKeep(kind)) args.push_back("keep=" + std::to_string(keep));
  if (kind == Kind::kReorderedWrites) {
    args.push_back(random_subset ? std::string("random-subset") : "omit=" + std::to_string(keep));
  }
  if (UsesFill(kind) && fill != Fill::kZeros) args.push_back("fill=" + std::string(FillName(fill)));
  if (ChoosesBySeed(*this) || (UsesFill(kind) && fill == Fill::kGarbage && seed != 0)) {
    args.push_back("seed=" + std::to_string(seed));
  }
  if (keep_directory_ops) args.emplace_back("dirs=keep");
  if (args.empty()) return name;
  name += '(';
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) name += ',';
    name += args[i];
  }
  return name + ')';
}

Result<CrashModel> CrashModel::Parse(std::string_view name) {
  NameParser p(name);
  CrashModel model;
  const std::string_view kind_word = p.Word();
  bool known = false;
  for (const auto& [k, kname] : kKindNames) {
    if (kname == kind_word) {
      model.kind = k;
      known = true;
    }
  }
  if (!known) {
    return p.Error(0, kind_word.empty() ? "expected a crash model kind (" + KindList() + ")"
                                        : "unknown kind \"" + std::string(kind_word) +
                                              "\"; expected " + KindList());
  }
  if (p.AtEnd()) return model;
  if (!p.Consume('(')) {
    return p.Error(p.pos(), "expected '(' or the end after \"" + std::string(kind_word) + "\"");
  }
  std::set<std::string, std::less<>> seen;
  for (size_t index = 0;; ++index) {
    const size_t field_at = p.pos();
    const std::string_view word = p.Word();
    if (word.empty()) return p.Error(field_at, "expected a field (" + FieldList(model.kind) + ")");
    uint64_t number = 0;
    if (index == 0 && UsesSectors(model.kind) && ParseNumber(word, &number)) {
      if (!IsPowerOfTwo(number) || number > (uint64_t{1} << 31)) {
        return p.Error(field_at, "sector size " + std::string(word) +
                                     " is not a power of two between 1 and 2147483648");
      }
      model.sector_size = static_cast<uint32_t>(number);
      seen.emplace("sector size");
    } else if (word == "random-subset") {
      if (model.kind != Kind::kReorderedWrites) {
        return p.Error(field_at, "random-subset is only for reordered-writes; expected " +
                                     FieldList(model.kind));
      }
      if (seen.count("omit") != 0) {
        return p.Error(field_at, "omit and random-subset exclude each other");
      }
      if (!seen.emplace("random-subset").second) {
        return p.Error(field_at, "random-subset given twice");
      }
      model.random_subset = true;
    } else {
      std::string key(word);
      bool applies = key == "dirs" || (key == "keep" && UsesKeep(model.kind)) ||
                     (key == "omit" && model.kind == Kind::kReorderedWrites) ||
                     ((key == "fill" || key == "seed") && UsesFill(model.kind));
      if (!applies) {
        return p.Error(field_at, "unknown field \"" + key + "\" for " + std::string(kind_word) +
                                     "; expected " + FieldList(model.kind));
      }
      if (key == "omit" && seen.count("random-subset") != 0) {
        return p.Error(field_at, "omit and random-subset exclude each other");
      }
      if (!seen.emplace(key).second) return p.Error(field_at, "field \"" + key + "\" given twice");
      if (!p.Consume('=')) return p.Error(p.pos(), "expected '=' after \"" + key + "\"");
      const size_t value_at = p.pos();
      const std::string_view value = p.Word();
      if (key == "fill") {
        bool found = false;
        for (const auto& [f, fname] : kFillNames) {
          if (fname == value) {
            model.fill = f;
            found = true;
          }
        }
        if (!found) return p.Error(value_at, "expected zeros, garbage or stale");
      } else if (key == "dirs") {
        if (value == "keep") {
          model.keep_directory_ops = true;
        } else if (value != "drop") {
          return p.Error(value_at, "expected keep or drop");
        }
      } else {
        if (!ParseNumber(value, &number)) {
          return p.Error(value_at, "expected a decimal number from 0 to 18446744073709551615");
        }
        (key == "seed" ? model.seed : model.keep) = number;
      }
    }
    if (p.Consume(')')) break;
    if (!p.Consume(',')) return p.Error(p.pos(), "expected ',' or ')'");
  }
  if (!p.AtEnd()) return p.Error(p.pos(), "expected the end after ')'");
  return model;
}

std::string ApplyCrashModel(const SimFileSystem::FileState& file, const CrashModel& model) {
  const uint64_t ss = SectorSize(model.sector_size);
  const std::vector<UnsyncedWrite> writes = ClippedWrites(file);
  switch (model.kind) {
    case Kind::kDropUnsynced:
      return file.durable;
    case Kind::kKeepUnsynced:
      return file.current;
    case Kind::kBytePrefix:
      return Materialize(file, model, BytePrefixPieces(writes, model.keep));
    case Kind::kSectorPrefix:
      return Materialize(file, model, SectorPrefixPieces(writes, ss, model.keep));
    case Kind::kTornLastWrite:
      return Materialize(file, model, TornLastWritePieces(writes, ss, model.keep));
    case Kind::kIndependentSectors:
      return Materialize(file, model, IndependentSectorPieces(writes, ss, model.seed));
    case Kind::kReorderedWrites:
      return Materialize(file, model, ReorderedWritePieces(writes, model));
  }
  return file.durable;
}

void CrashWithModel(SimFileSystem& disk, const CrashModel& model) {
  CrashWithModels(disk, model, {});
}

void CrashWithModels(SimFileSystem& disk, const CrashModel& model,
                     const std::vector<FileCrashModel>& per_file) {
  auto model_of = [&](const std::string& path) -> const CrashModel& {
    for (const FileCrashModel& f : per_file) {
      if (path.find(f.file_contains) != std::string::npos) return f.model;
    }
    return model;
  };
  // Dropping everything unsynced is what Crash() does by itself; otherwise only files with
  // unsynced appends (or, for keep-unsynced, a bare truncation) need their bytes computed.
  const bool drop_all = model.kind == Kind::kDropUnsynced && per_file.empty();
  for (const std::string& path : drop_all ? std::vector<std::string>() : disk.AllFiles()) {
    const CrashModel& m = model_of(path);
    if (m.kind == Kind::kDropUnsynced) continue;
    if (disk.UnsyncedBytes(path) == 0 && m.kind != Kind::kKeepUnsynced) continue;
    Result<FileState> state = disk.InspectFile(path);
    if (!state.ok() || (state->unsynced.empty() && !state->truncated)) continue;
    // Only fails when the file vanished since AllFiles, which leaves nothing to set.
    disk.SetDurableContents(path, ApplyCrashModel(*state, m)).IgnoreError();
  }
  if (model.keep_directory_ops) {
    for (const SimFileSystem::PendingDirEntry& e : disk.PendingDirEntries()) {
      disk.MakeEntryDurable(e.dir, e.name).IgnoreError();  // the directory exists: never fails
    }
  }
  disk.Crash();
}

std::vector<CrashModel> EnumerateCrashVariants(const SimFileSystem& disk, CrashModel::Kind kind,
                                               uint32_t sector_size) {
  const uint64_t ss = SectorSize(sector_size);
  const std::vector<PendingFile> files = PendingFiles(disk);
  CrashModel proto;
  proto.kind = kind;
  if (UsesSectors(kind)) proto.sector_size = sector_size;
  std::vector<CrashModel> out;
  auto with_keep = [&](uint64_t keep) {
    CrashModel m = proto;
    m.keep = keep;
    out.push_back(m);
  };

  switch (kind) {
    case Kind::kDropUnsynced:
    case Kind::kKeepUnsynced:
      out.push_back(proto);
      break;
    case Kind::kBytePrefix: {
      uint64_t most = 0;
      for (const PendingFile& f : files) most = std::max(most, f.bytes);
      std::set<uint64_t> keeps;
      if (most <= 128) {
        for (uint64_t k = 0; k <= most; ++k) keeps.insert(k);
      } else {
        keeps.insert(0);
        keeps.insert(most);
        for (uint64_t i = 1; i < 64; ++i) keeps.insert(Share(most, i, 64));
        // Where a file's kept bytes end exactly on a sector or write boundary.
        std::set<uint64_t> boundaries;
        for (const PendingFile& f : files) {
          uint64_t kept = 0;
          for (const UnsyncedWrite& w : f.writes) {
            ForEachSectorChunk(w, ss, [&](uint64_t, uint64_t, uint64_t length) {
              kept += length;
              boundaries.insert(kept);
            });
          }
        }
        const std::vector<uint64_t> sorted(boundaries.begin(), boundaries.end());
        for (uint64_t i : SpreadIndexes(sorted.size(), 256)) keeps.insert(sorted[i]);
      }
      for (uint64_t k : keeps) with_keep(k);
      break;
    }
    case Kind::kSectorPrefix: {
      uint64_t most = 0;
      for (const PendingFile& f : files) most = std::max(most, DistinctSectors(f.writes, ss));
      for (uint64_t k : SpreadIndexes(most + 1, 257)) with_keep(k);
      break;
    }
    case Kind::kTornLastWrite: {
      uint64_t most = 0;
      for (const PendingFile& f : files) most = std::max(most, LastWriteSectors(f.writes, ss));
      if (most == 0) {
        out.push_back(proto);
        break;
      }
      for (uint64_t k : SpreadIndexes(most, 64)) {
        for (const auto& [fill, fname] : kFillNames) {
          CrashModel m = proto;
          m.keep = k;
          m.fill = fill;
          out.push_back(m);
        }
      }
      break;
    }
    case Kind::kIndependentSectors:
      for (uint64_t seed = 1; seed <= 8; ++seed) {
        CrashModel m = proto;
        m.seed = seed;
        m.fill = kFillNames[(seed - 1) % std::size(kFillNames)].first;
        out.push_back(m);
      }
      break;
    case Kind::kReorderedWrites: {
      uint64_t most = 0;
      for (const PendingFile& f : files) most = std::max<uint64_t>(most, f.writes.size());
      for (uint64_t k : SpreadIndexes(std::max<uint64_t>(most, 1), 64)) with_keep(k);
      break;
    }
  }
  if (out.empty()) out.push_back(proto);
  return out;
}

}  // namespace memdb
