#include "scenario/interpreter.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "memdb/snapshot/golden.h"
#include "scenario/lexer.h"
#include "scenario/vocabulary.h"

namespace memdb::scenario {
namespace {

uint64_t Number(const std::string& text) {
  uint64_t n = 0;
  std::from_chars(text.data(), text.data() + text.size(), n);  // the parser checked it
  return n;
}

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

Status Interpreter::Execute(const ScenarioCommand& cmd) {
  const std::vector<std::string>& a = cmd.args;
  if (!cmd.txn.empty()) {
    auto it = txns_.find(cmd.txn);
    if (it == txns_.end()) {
      return Status::InvalidArgument("transaction '" + cmd.txn +
                                     "' is not open (it committed, rolled back, or the machine "
                                     "restarted)");
    }
    return ExecuteTxn(cmd, it->second);
  }
  const std::string& v = cmd.verb;
  const bool machine_op = v == "crash" || v == "recover" || v == "fail" || v == "flip";
  if (recording_ && machine_op) return Status::OK();
  if (v == "crash") return Crash(cmd);
  if (v == "recover") return Recover(cmd);
  if (v == "fail") return Fail(cmd);
  if (v == "flip") {
    const uint64_t bit = Number(a[1]) * 8 + (a.size() > 2 ? Number(a[2]) : 0);
    return fs_->disk().FlipBit("db/" + a[0], bit);
  }
  if (Status s = NeedDb(cmd); !s.ok()) return s;
  if (v == "begin") {
    TxnOptions txn_options;
    txn_options.isolation = scenario_.options.default_isolation;
    if (a.size() > 1) {
      txn_options.isolation =
          a[1] == "serializable" ? IsolationLevel::kSerializable : IsolationLevel::kSnapshot;
    }
    txns_.insert_or_assign(a[0], OpenTxn{db_->Begin(txn_options), {}});
  } else if (v == "put" || v == "delete") {
    Status s = v == "put" ? db_->Put(a[0], a[1]) : db_->Delete(a[0]);
    const size_t fails_at = v == "put" ? 2 : 1;
    CheckStatus(cmd, s,
                a.size() > fails_at ? *ParseStatusCode(a[fails_at + 1]) : Status::Code::kOk);
    if (s.ok()) Committed({{a[0], v == "put" ? std::optional<std::string>(a[1]) : std::nullopt}});
  } else if (v == "expect") {
    return Expect(cmd);
  } else if (v == "invariant") {
    const size_t commits = static_cast<size_t>(std::count_if(
        workload_.begin(), workload_.end(), [](const WorkloadStep& w) { return !w.checkpoint; }));
    invariants_.push_back({cmd.location, a[0] == "sum", a[1], Number(a[3]), commits});
    if (std::string what = invariants_.back().Check(*db_); !what.empty()) Failure(cmd, what);
  } else if (v == "checkpoint") {
    const Status s = db_->Checkpoint();
    CheckStatus(cmd, s, a.empty() ? Status::Code::kOk : *ParseStatusCode(a[1]));
    if (s.ok()) workload_.push_back({true, {}});
  } else if (v == "random") {
    return RandomWorkload(cmd);
  }
  return Status::OK();
}

Status Interpreter::ExecuteTxn(const ScenarioCommand& cmd, OpenTxn& t) {
  const std::vector<std::string>& a = cmd.args;
  const std::string& v = cmd.verb;
  if (v == "get") {
    Result<std::string> r = t.txn.Get(a[0]);
    if (!r.ok() && !r.status().IsNotFound()) {
      Failure(cmd, "get failed: " + r.status().ToString());
    } else if (a.size() == 2 && r.ok()) {
      Failure(cmd, "expected " + QuoteIfNeeded(a[0]) + " absent, found " + Abbreviated(*r));
    } else if (a.size() == 3 && (!r.ok() || *r != a[2])) {
      Failure(cmd, "expected " + Abbreviated(a[2]) + ", found " +
                       (r.ok() ? Abbreviated(*r) : std::string("no value")));
    }
  } else if (v == "put" || v == "delete") {
    Status s = v == "put" ? t.txn.Put(a[0], a[1]) : t.txn.Delete(a[0]);
    CheckStatus(cmd, s, Status::Code::kOk);
    if (s.ok()) t.writes[a[0]] = v == "put" ? std::optional<std::string>(a[1]) : std::nullopt;
  } else if (v == "scan") {
    Result<std::vector<std::string>> keys =
        KeysUnder(a[0], [&](const ScanRange& r, const ScanVisitor& f) { return t.txn.Scan(r, f); });
    if (!keys.ok()) {
      Failure(cmd, "scan failed: " + keys.status().ToString());
    } else if (a.size() > 1) {
      const std::vector<std::string> expected(a.begin() + 2, a.end());
      if (*keys != expected) Failure(cmd, KeysDiff(expected, *keys));
    }
  } else if (v == "commit") {
    Status::Code expected = Status::Code::kOk;
    if (a.size() == 1) expected = Status::Code::kConflict;
    if (a.size() == 2) expected = *ParseStatusCode(a[1]);
    const Status s = t.txn.Commit();
    CheckStatus(cmd, s, expected);
    if (s.ok() && !t.writes.empty()) Committed(std::move(t.writes));
    txns_.erase(cmd.txn);
  } else if (v == "rollback") {
    t.txn.Rollback().IgnoreError();
    txns_.erase(cmd.txn);
  }
  return Status::OK();
}

Status Interpreter::Expect(const ScenarioCommand& cmd) {
  const std::vector<std::string>& a = cmd.args;
  if (a[0] == "get") {
    Result<std::string> r = db_->Get(a[1]);
    if (!r.ok() && !r.status().IsNotFound()) {
      Failure(cmd, "get failed: " + r.status().ToString());
    } else if (a.size() == 3 && r.ok()) {
      Failure(cmd, "expected " + QuoteIfNeeded(a[1]) + " absent, found " + Abbreviated(*r));
    } else if (a.size() == 4 && (!r.ok() || *r != a[3])) {
      Failure(cmd, "expected " + Abbreviated(a[3]) + ", found " +
                       (r.ok() ? Abbreviated(*r) : std::string("no value")));
    }
  } else if (a[0] == "scan") {
    Result<std::vector<std::string>> keys =
        KeysUnder(a[1], [&](const ScanRange& r, const ScanVisitor& f) { return db_->Scan(r, f); });
    const std::vector<std::string> expected(a.begin() + 3, a.end());
    if (!keys.ok()) {
      Failure(cmd, "scan failed: " + keys.status().ToString());
    } else if (*keys != expected) {
      Failure(cmd, KeysDiff(expected, *keys));
    }
  } else if (a[0] == "count" || a[0] == "sum") {
    const Invariant check{cmd.location, a[0] == "sum", a[1], Number(a[3]), 0};
    if (std::string what = check.Check(*db_); !what.empty()) {
      Failure(cmd, what.substr(0, what.find(" (invariant of")));
    }
  } else if (a[0] == "golden") {
    Result<Snapshot> snapshot = db_->ExportSnapshot();
    if (!snapshot.ok()) return snapshot.status();
    std::string dir = options_.golden_dir;
    if (dir.empty()) {
      const size_t slash = cmd.location.file.rfind('/');
      const std::string script_dir =
          slash == std::string::npos ? "." : cmd.location.file.substr(0, slash);
      dir = script_dir + "/../golden";
    }
    Result<GoldenResult> r = CheckGolden(*snapshot, dir + "/" + a[1] + ".golden", options_.golden);
    if (!r.ok()) return r.status();
    if (!r->passed) Failure(cmd, r->message);
  }
  return Status::OK();
}

Status Interpreter::Crash(const ScenarioCommand& cmd) {
  const std::vector<std::string>& a = cmd.args;
  size_t i = 0;
  bool armed = false;
  if (i < a.size() && a[i] == "at") {
    armed = true;
    if (a[i + 1] == "op") {
      plan_.CrashAtOp(StorageOp::kAny, Number(a[i + 2]));
      i += 3;
    } else {
      const std::string& point = a[i + 1];
      i += 2;
      uint64_t nth = 1;
      if (i < a.size() && a[i] != "model") nth = Number(a[i++]);
      plan_.CrashAtPoint(point, nth);
    }
  }
  crash_model_ = i < a.size() ? CrashModel::Parse(a[i + 1]).value() : CrashModel{};
  if (armed) {
    fs_->SetPlan(plan_);
    return Status::OK();
  }
  // Cut the power now: nothing the database does while closing reaches the disk.
  fs_->SetPlan(FaultPlan().CrashAtOp(StorageOp::kAny, 1));
  CloseDb();
  fs_->Restart(crash_model_);
  plan_ = FaultPlan();
  restarted_ = true;
  return Status::OK();
}

Status Interpreter::Recover(const ScenarioCommand& cmd) {
  const std::vector<std::string>& a = cmd.args;
  RecoveryMode mode = scenario_.options.recovery_mode;
  size_t i = 0;
  if (i < a.size() && a[i] != "fails") mode = *ParseRecoveryMode(a[i++]);
  const Status::Code expected = i < a.size() ? *ParseStatusCode(a[i + 1]) : Status::Code::kOk;
  CloseDb();  // after a crash its closing I/O fails; else a clean shutdown
  if (!restarted_) fs_->Restart(fs_->crashed() ? crash_model_ : CrashModel{});
  restarted_ = false;
  plan_ = FaultPlan();
  Status opened;
  if (Status s = OpenDb(mode, &opened); !s.ok()) return s;
  CheckStatus(cmd, opened, expected);
  if (db_) CheckInvariants(cmd);
  return Status::OK();
}

Status Interpreter::Fail(const ScenarioCommand& cmd) {
  const std::vector<std::string>& a = cmd.args;
  std::string file;
  size_t i = 2;
  if (i < a.size() && a[i] == "file") {
    file = a[i + 1];
    i += 2;
  }
  const FaultAction action = i < a.size() ? *ParseFaultAction(a[i]) : FaultAction::kIoError;
  plan_.FailOp(*ParseStorageOp(a[0]), Number(a[1]), action, file);
  fs_->SetPlan(plan_);
  return Status::OK();
}

Status Interpreter::RandomWorkload(const ScenarioCommand& cmd) {
  for (const WorkloadStep& step :
       memdb::RandomWorkload(Number(cmd.args[0]), static_cast<int>(Number(cmd.args[1])))) {
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

}  // namespace memdb::scenario
