#include "memdb/fault/crash_explorer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <tuple>
#include <unordered_set>

#include "db/db_internal.h"
#include "fault/injected_bug.h"
#include "memdb/fault/faulty_file_system.h"
#include "memdb/util/random.h"
#include "util/crc32c.h"
#include "util/engine_hooks.h"

namespace memdb {
namespace {

using State = std::map<std::string, std::string>;

// A 64-bit digest of a database state: a CRC32C over every key and value with their lengths,
// with the entry count and total length in the high bits. Cheap enough for every recovered
// state; a collision would need equal counts, equal lengths and equal CRCs.
class StateDigest {
 public:
  void Add(std::string_view key, std::string_view value) {
    Mix(key);
    Mix(value);
    ++entries_;
  }
  uint64_t value() const { return (uint64_t{crc_} << 32) ^ (bytes_ << 12) ^ entries_; }

 private:
  void Mix(std::string_view bytes) {
    const uint64_t n = bytes.size();
    crc_ = crc32c::Extend(crc_, reinterpret_cast<const char*>(&n), sizeof(n));
    crc_ = crc32c::Extend(crc_, bytes.data(), bytes.size());
    bytes_ += n;
  }
  uint32_t crc_ = 0;
  uint64_t bytes_ = 0;
  uint64_t entries_ = 0;
};

uint64_t Digest(const State& state) {
  StateDigest d;
  for (const auto& [k, v] : state) d.Add(k, v);
  return d.value();
}

Result<uint64_t> Digest(Db& db) {
  StateDigest d;
  Iterator it = db.NewIterator();
  for (; it.Valid(); it.Next()) d.Add(it.key(), it.value());
  if (!it.status().ok()) return it.status();
  return d.value();
}

// The disk before one storage operation of the recorded run, and what had been committed.
struct CrashPoint {
  uint64_t operation;
  std::string name;
  std::shared_ptr<SimFileSystem> disk;
  size_t acknowledged;  // commits acknowledged as durable before it
  size_t attempted;     // commits begun before it (the last may be in flight)
};

struct Recording {
  std::vector<uint64_t> prefix_digests;  // [k]: the state after the first k commits
  std::vector<size_t> prefix_keys;
  std::vector<CrashPoint> points;
  uint64_t operations = 0;
};

Options DbOptions(const ExplorerOptions& options, std::shared_ptr<FileSystem> fs,
                  RecoveryMode mode) {
  Options db = options.db;
  if (db.path.empty()) db.path = "db";
  db.file_system = std::move(fs);
  db.recovery_mode = mode;
  return db;
}

// Db::Open with the explorer's deliberate bugs installed; its points go to the storage's
// observer (the FaultyFileSystem while recording).
Result<Db> OpenDb(const ExplorerOptions& options, const Options& db_options) {
  EngineHooks hooks;
  hooks.bugs = DeliberateBugsOf(options.injected_bugs);
  return db::DbInternal::Open(db_options, hooks);
}

Recording Record(const Workload& workload, const ExplorerOptions& options) {
  Recording rec;
  State state;
  rec.prefix_digests.push_back(Digest(state));
  rec.prefix_keys.push_back(0);
  auto fs = std::make_shared<FaultyFileSystem>();
  FaultyFileSystem* raw = fs.get();
  fs->SetPlan(options.plan);
  size_t acknowledged = 0;
  size_t attempted = 0;
  fs->SetOperationObserver([&](uint64_t index, StorageOp op, std::string_view path) {
    rec.points.push_back({index, std::string(StorageOpName(op)) + " " + std::string(path),
                          raw->disk().Clone(), acknowledged, attempted});
  });
  const Options db_options = DbOptions(options, fs, RecoveryMode::kTolerateTornTail);
  {
    Result<Db> db = OpenDb(options, db_options);
    for (size_t i = 0; db.ok() && i < workload.size(); ++i) {
      const WorkloadStep& step = workload[i];
      if (step.checkpoint) {
        db->Checkpoint().IgnoreError();  // a failure changes nothing durable
        continue;
      }
      for (const auto& [key, value] : step.writes) {
        if (value.has_value()) {
          state[key] = *value;
        } else {
          state.erase(key);
        }
      }
      rec.prefix_digests.push_back(Digest(state));
      rec.prefix_keys.push_back(state.size());
      attempted = rec.prefix_digests.size() - 1;
      Txn txn = db->Begin();
      Status s;
      for (const auto& [key, value] : step.writes) {
        s = value.has_value() ? txn.Put(key, *value) : txn.Delete(key);
        if (!s.ok()) break;
      }
      if (s.ok()) s = txn.Commit();
      if (s.ok() && db_options.sync_mode == SyncMode::kAlways) acknowledged = attempted;
    }
  }  // closing may sync: those operations are crash points too
  fs->SetOperationObserver(nullptr);
  rec.operations = fs->operations();
  rec.points.push_back(
      {rec.operations + 1, "end of workload", fs->disk().Clone(), acknowledged, attempted});
  return rec;
}

// Recovers `disk` (already crashed) under `mode` and checks it; empty when all is well.
std::string CheckRecovered(const Recording& rec, const CrashPoint& point,
                           const ExplorerOptions& options, std::shared_ptr<SimFileSystem> disk,
                           RecoveryMode mode, std::unordered_set<uint64_t>* distinct,
                           bool* refused) {
  Result<Db> db = OpenDb(options, DbOptions(options, disk, mode));
  if (!db.ok()) {
    if (mode == RecoveryMode::kAbsoluteConsistency && db.status().IsCorruption()) {
      if (refused != nullptr) *refused = true;
      return "";
    }
    return "recovery failed: " + db.status().ToString();
  }
  Result<uint64_t> digest = Digest(*db);
  if (!digest.ok()) return "reading the recovered database failed: " + digest.status().ToString();
  if (distinct != nullptr) distinct->insert(*digest);
  bool in_range = false;
  size_t commits = 0;
  for (size_t k = point.acknowledged; k <= point.attempted && !in_range; ++k) {
    in_range = rec.prefix_digests[k] == *digest;
    commits = k;
  }
  if (!in_range) {
    const DbStats stats = db->GetStats();
    for (size_t k = 0; k < rec.prefix_digests.size(); ++k) {
      if (rec.prefix_digests[k] != *digest) continue;
      return "recovered the state after " + std::to_string(k) + " commits, but " +
             (k < point.acknowledged
                  ? std::to_string(point.acknowledged) + " were acknowledged as durable"
                  : "only " + std::to_string(point.attempted) + " had begun");
    }
    return "recovered a state (" + std::to_string(stats.live_keys) +
           " keys) that no prefix of the commits produces: a transaction was partly applied "
           "or corrupted (between " +
           std::to_string(point.acknowledged) + " and " + std::to_string(point.attempted) +
           " commits expected)";
  }
  if (options.invariant) {
    if (Status s = options.invariant(*db); !s.ok()) return "invariant failed: " + s.ToString();
  }
  if (options.invariant_after) {
    if (Status s = options.invariant_after(*db, commits); !s.ok()) {
      return "invariant failed: " + s.ToString();
    }
  }
  return "";
}

std::vector<CrashModel> Variants(const CrashPoint& point, const ExplorerOptions& options) {
  std::vector<CrashModel> all;
  for (CrashModel::Kind kind : options.models) {
    for (CrashModel& v : EnumerateCrashVariants(*point.disk, kind, options.sector_size)) {
      all.push_back(v);
      if (options.vary_directory_ops && !point.disk->PendingDirEntries().empty()) {
        v.keep_directory_ops = !v.keep_directory_ops;
        all.push_back(v);
      }
    }
  }
  return all;
}

ExplorerReport Explore(const Workload& workload, const ExplorerOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  ExplorerReport report;
  const Recording rec = Record(workload, options);
  report.operations = rec.operations;
  std::unordered_set<uint64_t> distinct;
  // Recovery is a function of the disk image and the options, and the checks' verdict one of the
  // recovered state and the point's range of commits; so a crash state whose image, mode and
  // range were judged before gets that verdict without recovering again. Crash models often
  // leave the same image (every model, when nothing is pending), and so do neighbouring points.
  struct Verdict {
    std::string what;
    bool refused = false;
  };
  std::map<std::tuple<uint64_t, size_t, size_t, size_t>, Verdict> verdicts;
  for (CrashModel::Kind kind : options.models) {
    for (RecoveryMode mode : options.recovery_modes) report.matrix.push_back({kind, mode});
  }
  auto cell = [&](CrashModel::Kind kind, size_t mode_index) -> ConformanceCell& {
    size_t k = 0;
    while (k + 1 < options.models.size() && options.models[k] != kind) ++k;
    return report.matrix[k * options.recovery_modes.size() + mode_index];
  };
  const uint32_t shards = std::max<uint32_t>(options.shards, 1);
  for (size_t p = 0; p < rec.points.size(); ++p) {
    if (p % shards != options.shard % shards) continue;
    const CrashPoint& point = rec.points[p];
    ++report.crash_points;
    for (const CrashModel& model : Variants(point, options)) {
      std::shared_ptr<SimFileSystem> crashed = point.disk->Clone();
      CrashWithModel(*crashed, model);
      const uint64_t image = crashed->ContentDigest();
      for (size_t m = 0; m < options.recovery_modes.size(); ++m) {
        const RecoveryMode mode = options.recovery_modes[m];
        auto [verdict, fresh] =
            verdicts.try_emplace({image, m, point.acknowledged, point.attempted});
        if (fresh) {
          // Recovery writes to the disk: each mode gets its own copy (the last the original).
          auto disk = m + 1 == options.recovery_modes.size() ? crashed : crashed->Clone();
          verdict->second.what =
              CheckRecovered(rec, point, options, disk, mode, &distinct, &verdict->second.refused);
          ++report.recoveries;
        }
        const std::string& what = verdict->second.what;
        const bool refused = verdict->second.refused;
        ++report.states;
        ConformanceCell& c = cell(model.kind, m);
        ++c.states;
        c.refused += refused ? 1 : 0;
        c.recovered += what.empty() && !refused ? 1 : 0;
        c.failures += what.empty() ? 0 : 1;
        if (!what.empty()) {
          report.failures.push_back(
              {point.operation, point.name, model.Name(), mode, workload.size(), what});
          if (report.failures.size() >= options.max_failures) {
            report.distinct_states = distinct.size();
            report.seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            return report;
          }
        }
      }
    }
    if (options.progress) {
      std::fprintf(stderr, "\rmemdb explore: crash point %zu/%zu, %llu states checked", p + 1,
                   rec.points.size(), static_cast<unsigned long long>(report.states));
    }
  }
  if (options.progress) std::fprintf(stderr, "\n");
  report.distinct_states = distinct.size();
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace

Workload RandomWorkload(uint64_t seed, int transactions) {
  Random rng(seed);
  Workload workload;
  for (int t = 0; t < transactions; ++t) {
    if (t == transactions / 2) workload.push_back({true, {}});
    WorkloadStep step;
    const uint64_t writes = rng.Bernoulli(0.2) ? 1 + rng.Uniform(30) : 1 + rng.Uniform(4);
    std::map<std::string, std::optional<std::string>> chosen;
    for (uint64_t w = 0; w < writes; ++w) {
      char key[16];
      std::snprintf(key, sizeof(key), "key%02llu",
                    static_cast<unsigned long long>(rng.Uniform(64)));
      if (rng.Bernoulli(0.15)) {
        chosen[key] = std::nullopt;
        continue;
      }
      const uint64_t roll = rng.Uniform(100);
      const uint64_t size = roll < 85   ? rng.Uniform(200)
                            : roll < 97 ? rng.Uniform(4096)
                                        : 8192 + rng.Uniform(32768);
      std::string value(size, '\0');
      for (char& c : value) c = static_cast<char>('a' + rng.Uniform(26));
      chosen[key] = std::move(value);
    }
    step.writes.assign(chosen.begin(), chosen.end());
    workload.push_back(std::move(step));
  }
  return workload;
}

std::string CrashFailure::ToString() const {
  return "crash before storage operation " + std::to_string(operation) + " (" + operation_name +
         "), crash model " + model + ", recovery mode " + std::string(RecoveryModeName(mode)) +
         ", workload of " + std::to_string(workload_steps) + " steps: " + what +
         "\n  replay: CheckCrashState(workload, options, " + std::to_string(operation) +
         ", CrashModel::Parse(\"" + model + "\").value(), *ParseRecoveryMode(\"" +
         std::string(RecoveryModeName(mode)) + "\")) with the workload cut to its first " +
         std::to_string(workload_steps) + " steps";
}

std::string ExplorerReport::ToString() const {
  std::string out = std::to_string(states) + " crash states checked (" +
                    std::to_string(crash_points) + " crash points of " +
                    std::to_string(operations) + " storage operations; " +
                    std::to_string(recoveries) + " distinct disk images recovered), " +
                    std::to_string(distinct_states) + " distinct recovered states, in " +
                    std::to_string(seconds) + " s";
  if (seconds > 0) out += " (" + std::to_string(static_cast<uint64_t>(states / seconds)) + "/s)";
  out += failures.empty() ? ": no failure" : ": " + std::to_string(failures.size()) + " failure(s)";
  if (!matrix.empty()) {
    out += "\n  model x recovery mode: states (recovered / refused as Corruption / failed)";
    for (const ConformanceCell& c : matrix) {
      out += "\n  " + std::string(CrashModel::KindName(c.kind)) + " x " +
             std::string(RecoveryModeName(c.mode)) + ": " + std::to_string(c.states) + " (" +
             std::to_string(c.recovered) + " / " + std::to_string(c.refused) + " / " +
             std::to_string(c.failures) + ")";
    }
  }
  for (const CrashFailure& f : failures) out += "\n- " + f.ToString();
  return out;
}

ExplorerReport ExploreCrashes(const Workload& workload, const ExplorerOptions& options) {
  ExplorerReport report = Explore(workload, options);
  if (report.ok() || !options.shrink || workload.size() <= 1) return report;
  // Shrink: the shortest workload prefix that still fails under the failing model kind and
  // recovery mode (binary search; a failure with n steps usually persists with more).
  const CrashFailure first = report.failures.front();
  ExplorerOptions narrow = options;
  narrow.shrink = false;
  narrow.max_failures = 1;
  narrow.progress = false;
  narrow.recovery_modes = {first.mode};
  if (Result<CrashModel> model = CrashModel::Parse(first.model); model.ok()) {
    narrow.models = {model->kind};
  }
  size_t lo = 1;
  size_t hi = workload.size();
  std::optional<CrashFailure> best;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    const Workload prefix(workload.begin(), workload.begin() + static_cast<std::ptrdiff_t>(mid));
    ExplorerReport r = Explore(prefix, narrow);
    if (!r.ok()) {
      best = r.failures.front();
      best->workload_steps = mid;
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  if (best.has_value()) report.failures.front() = *best;
  return report;
}

Status CheckCrashState(const Workload& workload, const ExplorerOptions& options, uint64_t operation,
                       const CrashModel& model, RecoveryMode mode) {
  const Recording rec = Record(workload, options);
  for (const CrashPoint& point : rec.points) {
    if (point.operation != operation) continue;
    CrashModel crash = model;
    auto disk = point.disk->Clone();
    CrashWithModel(*disk, crash);
    const std::string what = CheckRecovered(rec, point, options, disk, mode, nullptr, nullptr);
    if (what.empty()) return Status::OK();
    return Status::Corruption(what);
  }
  return Status::InvalidArgument("the recorded run has no storage operation " +
                                 std::to_string(operation) + " (it has " +
                                 std::to_string(rec.operations) + ")");
}

}  // namespace memdb
