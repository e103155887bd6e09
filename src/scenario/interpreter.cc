#include "scenario/interpreter.h"

#include <algorithm>
#include <charconv>
#include <type_traits>
#include <utility>
#include <variant>

#include "memdb/snapshot/golden.h"
#include "scenario/lexer.h"

namespace memdb::scenario {
namespace {

// The keys under `prefix` in `scan`'s order, or the scan's error.
template <typename ScanFn>
Result<std::vector<std::string>> KeysUnder(const std::string& prefix, ScanFn scan) {
  std::vector<std::string> keys;
  Status s = scan(ScanRange::Prefix(prefix), [&](std::string_view key, std::string_view) {
    keys.emplace_back(key);
    return true;
  });
  if (!s.ok()) return s;
  return keys;
}

std::string KeyList(const std::vector<std::string>& keys) {
  std::string out = "[";
  for (size_t i = 0; i < keys.size(); ++i) out += (i ? " " : "") + QuoteIfNeeded(keys[i]);
  return out + "]";
}

// "expected [a b], found [a c]: missing b; unexpected c".
std::string KeysDiff(const std::vector<std::string>& expected,
                     const std::vector<std::string>& found) {
  std::string missing;
  std::string unexpected;
  for (const std::string& k : expected) {
    if (std::find(found.begin(), found.end(), k) == found.end()) missing += " " + QuoteIfNeeded(k);
  }
  for (const std::string& k : found) {
    if (std::find(expected.begin(), expected.end(), k) == expected.end()) {
      unexpected += " " + QuoteIfNeeded(k);
    }
  }
  std::string out = "expected " + KeyList(expected) + ", found " + KeyList(found);
  if (!missing.empty()) out += "; missing" + missing;
  if (!unexpected.empty()) out += "; unexpected" + unexpected;
  return out;
}

}  // namespace

std::string Invariant::Check(Db& db) const {
  uint64_t total = 0;
  uint64_t count = 0;
  std::string bad;
  Status s = db.Scan(ScanRange::Prefix(prefix), [&](std::string_view key, std::string_view value) {
    ++count;
    uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (sum && (ec != std::errc() || ptr != value.data() + value.size())) {
      bad = "the value of " + QuoteIfNeeded(key) + " is not a number: " + Abbreviated(value);
      return false;
    }
    total += v;
    return true;
  });
  if (!s.ok()) return "scanning " + QuoteIfNeeded(prefix) + " failed: " + s.ToString();
  if (!bad.empty()) return bad;
  const uint64_t found = sum ? total : count;
  if (found == expected) return "";
  return std::string(sum ? "sum" : "count") + " of " + QuoteIfNeeded(prefix) + " is " +
         std::to_string(found) + ", expected " + std::to_string(expected) + " (invariant of " +
         location.ToString() + ")";
}

Interpreter::Interpreter(const Scenario& scenario, const ScenarioRunOptions& options,
                         bool recording)
    : scenario_(scenario),
      options_(options),
      recording_(recording),
      fs_(std::make_shared<FaultyFileSystem>()) {}

Interpreter::~Interpreter() { CloseDb(); }

ScenarioResult Interpreter::Run() {
  Status opened;
  if (Status s = OpenDb(scenario_.options.recovery_mode, &opened); !s.ok() || !opened.ok()) {
    result_.error = !s.ok() ? s : opened;
    return std::move(result_);
  }
  for (const ScenarioCommand& cmd : scenario_.commands) {
    if (options_.trace) options_.trace(cmd);
    ++result_.commands_run;
    if (Status s = Execute(cmd); !s.ok()) {
      result_.error = s.Annotate(cmd.location.ToString() + ": " + cmd.text);
      return std::move(result_);
    }
  }
  if (db_) {
    for (const Invariant& inv : invariants_) {
      if (std::string what = inv.Check(*db_); !what.empty()) {
        result_.failures.push_back({inv.location, "at the end of the script", what});
      }
    }
  }
  CloseDb();
  return std::move(result_);
}

Status Interpreter::OpenDb(RecoveryMode mode, Status* open_status) {
  Options options = scenario_.options;
  options.path = "db";
  options.file_system = fs_;
  options.recovery_mode = mode;
  Result<Db> db = Db::Open(options);
  *open_status = db.status();
  if (db.ok()) db_.emplace(std::move(*db));
  return Status::OK();
}

void Interpreter::CloseDb() {
  txns_.clear();
  db_.reset();
}

Status Interpreter::NeedDb(const ScenarioCommand& cmd) const {
  if (db_) return Status::OK();
  return Status::InvalidArgument("'" + cmd.verb +
                                 "' needs an open database: the machine crashed or recovery "
                                 "failed; add 'recover' before it");
}

void Interpreter::Failure(const ScenarioCommand& cmd, std::string message) {
  result_.failures.push_back({cmd.location, cmd.text, std::move(message)});
}

void Interpreter::CheckStatus(const ScenarioCommand& cmd, const Status& status,
                              Status::Code expected) {
  if (status.code() == expected) return;
  Failure(cmd, "expected " + StatusCodeName(expected) + ", got " + status.ToString());
}

void Interpreter::CheckInvariants(const ScenarioCommand& cmd) {
  for (const Invariant& inv : invariants_) {
    if (std::string what = inv.Check(*db_); !what.empty()) Failure(cmd, what);
  }
}

void Interpreter::Committed(std::map<std::string, std::optional<std::string>> writes) {
  WorkloadStep step;
  step.writes.assign(writes.begin(), writes.end());
  workload_.push_back(std::move(step));
}

namespace {

// The statements a transaction runs (ScenarioCommand::txn names it).
template <typename T>
constexpr bool kInTxn = std::is_same_v<T, TxnGetCommand> || std::is_same_v<T, TxnWriteCommand> ||
                        std::is_same_v<T, TxnScanCommand> || std::is_same_v<T, TxnCommitCommand> ||
                        std::is_same_v<T, TxnRollbackCommand>;
// The statements that act on the machine rather than the database: explore skips them.
template <typename T>
constexpr bool kMachineOp = std::is_same_v<T, CrashCommand> || std::is_same_v<T, RecoverCommand> ||
                            std::is_same_v<T, FailCommand> || std::is_same_v<T, FlipCommand>;

}  // namespace

Status Interpreter::Execute(const ScenarioCommand& cmd) {
  return std::visit(
      [&](const auto& c) -> Status {
        using T = std::decay_t<decltype(c)>;
        if constexpr (kInTxn<T>) {
          auto it = txns_.find(cmd.txn);
          if (it == txns_.end()) {
            return Status::InvalidArgument("transaction '" + cmd.txn +
                                           "' is not open (it committed, rolled back, or the "
                                           "machine restarted)");
          }
          return Do(cmd, it->second, c);
        } else if constexpr (kMachineOp<T>) {
          return recording_ ? Status::OK() : Do(cmd, c);
        } else {
          if (Status s = NeedDb(cmd); !s.ok()) return s;
          return Do(cmd, c);
        }
      },
      cmd.statement);
}

// Applied by the parser: they never reach a run.
Status Interpreter::Do(const ScenarioCommand&, const OptionCommand&) { return Status::OK(); }
Status Interpreter::Do(const ScenarioCommand&, const IncludeCommand&) { return Status::OK(); }

Status Interpreter::Do(const ScenarioCommand&, const BeginCommand& c) {
  TxnOptions txn_options;
  txn_options.isolation = c.isolation.value_or(scenario_.options.default_isolation);
  txns_.insert_or_assign(c.txn, OpenTxn{db_->Begin(txn_options), {}});
  return Status::OK();
}

Status Interpreter::Do(const ScenarioCommand& cmd, const WriteCommand& c) {
  const Status s = c.value ? db_->Put(c.key, *c.value) : db_->Delete(c.key);
  CheckStatus(cmd, s, c.expected);
  if (s.ok()) Committed({{c.key, c.value}});
  return Status::OK();
}

void Interpreter::CheckGet(const ScenarioCommand& cmd, const std::string& key, bool check,
                           const std::optional<std::string>& expected,
                           const Result<std::string>& found) {
  if (!found.ok() && !found.status().IsNotFound()) {
    Failure(cmd, "get failed: " + found.status().ToString());
  } else if (check && !expected && found.ok()) {
    Failure(cmd, "expected " + QuoteIfNeeded(key) + " absent, found " + Abbreviated(*found));
  } else if (check && expected && (!found.ok() || *found != *expected)) {
    Failure(cmd, "expected " + Abbreviated(*expected) + ", found " +
                     (found.ok() ? Abbreviated(*found) : std::string("no value")));
  }
}

Status Interpreter::Do(const ScenarioCommand& cmd, const ExpectGetCommand& c) {
  CheckGet(cmd, c.key, /*check=*/true, c.value, db_->Get(c.key));
  return Status::OK();
}

Status Interpreter::Do(const ScenarioCommand& cmd, const ExpectScanCommand& c) {
  Result<std::vector<std::string>> keys = KeysUnder(
      c.prefix, [&](const ScanRange& r, const ScanVisitor& f) { return db_->Scan(r, f); });
  if (!keys.ok()) {
    Failure(cmd, "scan failed: " + keys.status().ToString());
  } else if (*keys != c.keys) {
    Failure(cmd, KeysDiff(c.keys, *keys));
  }
  return Status::OK();
}

Status Interpreter::Do(const ScenarioCommand& cmd, const ExpectAggregateCommand& c) {
  const Invariant check{cmd.location, c.aggregate.sum, c.aggregate.prefix, c.aggregate.expected, 0};
  if (std::string what = check.Check(*db_); !what.empty()) {
    Failure(cmd, what.substr(0, what.find(" (invariant of")));
  }
  return Status::OK();
}

Status Interpreter::Do(const ScenarioCommand& cmd, const ExpectGoldenCommand& c) {
  Result<Snapshot> snapshot = db_->ExportSnapshot();
  if (!snapshot.ok()) return snapshot.status();
  std::string dir = options_.golden_dir;
  if (dir.empty()) {
    const size_t slash = cmd.location.file.rfind('/');
    const std::string script_dir =
        slash == std::string::npos ? "." : cmd.location.file.substr(0, slash);
    dir = script_dir + "/../golden";
  }
  Result<GoldenResult> r = CheckGolden(*snapshot, dir + "/" + c.name + ".golden", options_.golden);
  if (!r.ok()) return r.status();
  if (!r->passed) Failure(cmd, r->message);
  return Status::OK();
}

Status Interpreter::Do(const ScenarioCommand& cmd, const InvariantCommand& c) {
  const size_t commits = static_cast<size_t>(std::count_if(
      workload_.begin(), workload_.end(), [](const WorkloadStep& w) { return !w.checkpoint; }));
  invariants_.push_back(
      {cmd.location, c.aggregate.sum, c.aggregate.prefix, c.aggregate.expected, commits});
  if (std::string what = invariants_.back().Check(*db_); !what.empty()) Failure(cmd, what);
  return Status::OK();
}

Status Interpreter::Do(const ScenarioCommand& cmd, const CheckpointCommand& c) {
  const Status s = db_->Checkpoint();
  CheckStatus(cmd, s, c.expected);
  if (s.ok()) workload_.push_back({true, {}});
  return Status::OK();
}

Status Interpreter::Do(const ScenarioCommand&, const CrashCommand& c) {
  crash_model_ = c.model;
  switch (c.when) {
    case CrashCommand::When::kAtOperation:
      plan_.CrashAtOp(StorageOp::kAny, c.nth);
      fs_->SetPlan(plan_);
      return Status::OK();
    case CrashCommand::When::kAtPoint:
      plan_.CrashAtPoint(c.point, c.nth);
      fs_->SetPlan(plan_);
      return Status::OK();
    case CrashCommand::When::kNow:
      break;
  }
  // Cut the power now: nothing the database does while closing reaches the disk.
  fs_->SetPlan(FaultPlan().CrashAtOp(StorageOp::kAny, 1));
  CloseDb();
  fs_->Restart(crash_model_);
  plan_ = FaultPlan();
  restarted_ = true;
  return Status::OK();
}

Status Interpreter::Do(const ScenarioCommand& cmd, const RecoverCommand& c) {
  CloseDb();  // after a crash its closing I/O fails; else a clean shutdown
  if (!restarted_) fs_->Restart(fs_->crashed() ? crash_model_ : CrashModel{});
  restarted_ = false;
  plan_ = FaultPlan();
  Status opened;
  if (Status s = OpenDb(c.mode.value_or(scenario_.options.recovery_mode), &opened); !s.ok()) {
    return s;
  }
  CheckStatus(cmd, opened, c.expected);
  if (db_) CheckInvariants(cmd);
  return Status::OK();
}

Status Interpreter::Do(const ScenarioCommand&, const FailCommand& c) {
  plan_.FailOp(c.op, c.nth, c.action, c.file);
  fs_->SetPlan(plan_);
  return Status::OK();
}

Status Interpreter::Do(const ScenarioCommand&, const FlipCommand& c) {
  return fs_->disk().FlipBit("db/" + c.file, c.offset * 8 + c.bit);
}

Status Interpreter::Do(const ScenarioCommand& cmd, const RandomCommand& c) {
  for (const WorkloadStep& step : memdb::RandomWorkload(c.seed, static_cast<int>(c.transactions))) {
    if (step.checkpoint) {
      const Status s = db_->Checkpoint();
      CheckStatus(cmd, s, Status::Code::kOk);
      if (s.ok()) workload_.push_back(step);
      continue;
    }
    Txn txn = db_->Begin();
    for (const auto& [key, value] : step.writes) {
      (value ? txn.Put(key, *value) : txn.Delete(key)).IgnoreError();
    }
    const Status s = txn.Commit();
    CheckStatus(cmd, s, Status::Code::kOk);
    if (s.ok()) workload_.push_back(step);
  }
  return Status::OK();
}

Status Interpreter::Do(const ScenarioCommand& cmd, OpenTxn& t, const TxnGetCommand& c) {
  CheckGet(cmd, c.key, c.check, c.value, t.txn.Get(c.key));
  return Status::OK();
}

Status Interpreter::Do(const ScenarioCommand& cmd, OpenTxn& t, const TxnWriteCommand& c) {
  const Status s = c.value ? t.txn.Put(c.key, *c.value) : t.txn.Delete(c.key);
  CheckStatus(cmd, s, Status::Code::kOk);
  if (s.ok()) t.writes[c.key] = c.value;
  return Status::OK();
}

Status Interpreter::Do(const ScenarioCommand& cmd, OpenTxn& t, const TxnScanCommand& c) {
  Result<std::vector<std::string>> keys = KeysUnder(
      c.prefix, [&](const ScanRange& r, const ScanVisitor& f) { return t.txn.Scan(r, f); });
  if (!keys.ok()) {
    Failure(cmd, "scan failed: " + keys.status().ToString());
  } else if (c.keys && *keys != *c.keys) {
    Failure(cmd, KeysDiff(*c.keys, *keys));
  }
  return Status::OK();
}

Status Interpreter::Do(const ScenarioCommand& cmd, OpenTxn& t, const TxnCommitCommand& c) {
  const Status s = t.txn.Commit();
  CheckStatus(cmd, s, c.expected);
  if (s.ok() && !t.writes.empty()) Committed(std::move(t.writes));
  txns_.erase(cmd.txn);
  return Status::OK();
}

Status Interpreter::Do(const ScenarioCommand& cmd, OpenTxn& t, const TxnRollbackCommand&) {
  t.txn.Rollback().IgnoreError();
  txns_.erase(cmd.txn);
  return Status::OK();
}

}  // namespace memdb::scenario
