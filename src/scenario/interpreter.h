// Runs a parsed scenario against a database on a simulated disk (docs/scenario-language.md,
// "Semantics"). In recording mode (explore) it skips crash, recover, fail and flip lines and
// collects the transactions that committed, in commit order, as a crash-explorer workload.
#ifndef MEMDB_SRC_SCENARIO_INTERPRETER_H_
#define MEMDB_SRC_SCENARIO_INTERPRETER_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "memdb/db/db.h"
#include "memdb/fault/crash_explorer.h"
#include "memdb/fault/faulty_file_system.h"
#include "memdb/scenario/commands.h"
#include "memdb/scenario/scenario.h"

namespace memdb::scenario {

// `invariant sum|count PREFIX = N`.
struct Invariant {
  ScriptLocation location;
  bool sum = false;
  std::string prefix;
  uint64_t expected = 0;
  size_t from_commit = 0;  // the script's commits before it was declared
  // "" when it holds on `db`, else what was found.
  std::string Check(Db& db) const;
};

class Interpreter {
 public:
  Interpreter(const Scenario& scenario, const ScenarioRunOptions& options, bool recording);
  ~Interpreter();

  ScenarioResult Run();

  const Workload& workload() const { return workload_; }
  const std::vector<Invariant>& invariants() const { return invariants_; }

 private:
  struct OpenTxn {
    Txn txn;
    std::map<std::string, std::optional<std::string>> writes;  // the last write of each key
  };

  // An error status stops the run; expectation failures go to result_.failures. One overload
  // per typed command (memdb/scenario/commands.h); a transaction's commands get its OpenTxn.
  Status Execute(const ScenarioCommand& cmd);
  Status Do(const ScenarioCommand& cmd, const OptionCommand& c);
  Status Do(const ScenarioCommand& cmd, const IncludeCommand& c);
  Status Do(const ScenarioCommand& cmd, const BeginCommand& c);
  Status Do(const ScenarioCommand& cmd, const WriteCommand& c);
  Status Do(const ScenarioCommand& cmd, const ExpectGetCommand& c);
  Status Do(const ScenarioCommand& cmd, const ExpectScanCommand& c);
  Status Do(const ScenarioCommand& cmd, const ExpectAggregateCommand& c);
  Status Do(const ScenarioCommand& cmd, const ExpectGoldenCommand& c);
  Status Do(const ScenarioCommand& cmd, const InvariantCommand& c);
  Status Do(const ScenarioCommand& cmd, const CheckpointCommand& c);
  Status Do(const ScenarioCommand& cmd, const CrashCommand& c);
  Status Do(const ScenarioCommand& cmd, const RecoverCommand& c);
  Status Do(const ScenarioCommand& cmd, const FailCommand& c);
  Status Do(const ScenarioCommand& cmd, const FlipCommand& c);
  Status Do(const ScenarioCommand& cmd, const RandomCommand& c);
  Status Do(const ScenarioCommand& cmd, OpenTxn& t, const TxnGetCommand& c);
  Status Do(const ScenarioCommand& cmd, OpenTxn& t, const TxnWriteCommand& c);
  Status Do(const ScenarioCommand& cmd, OpenTxn& t, const TxnScanCommand& c);
  Status Do(const ScenarioCommand& cmd, OpenTxn& t, const TxnCommitCommand& c);
  Status Do(const ScenarioCommand& cmd, OpenTxn& t, const TxnRollbackCommand& c);
  // A get's result: a failure other than NotFound is reported; with `check`, so is a value
  // other than `expected` (nullopt: absent).
  void CheckGet(const ScenarioCommand& cmd, const std::string& key, bool check,
                const std::optional<std::string>& expected, const Result<std::string>& found);
  Status OpenDb(RecoveryMode mode, Status* open_status);
  // Ends every open transaction and closes the database (its closing I/O may fail after a
  // crash: that is the point).
  void CloseDb();
  Status NeedDb(const ScenarioCommand& cmd) const;
  void Failure(const ScenarioCommand& cmd, std::string message);
  // Checks `status` against `expected` ("" = ok); records a failure when they differ.
  void CheckStatus(const ScenarioCommand& cmd, const Status& status, Status::Code expected);
  void CheckInvariants(const ScenarioCommand& cmd);
  void Committed(std::map<std::string, std::optional<std::string>> writes);

  const Scenario& scenario_;
  const ScenarioRunOptions& options_;
  const bool recording_;
  std::shared_ptr<FaultyFileSystem> fs_;
  std::optional<Db> db_;
  std::map<std::string, OpenTxn> txns_;
  FaultPlan plan_;
  CrashModel crash_model_;  // applied when the machine restarts after an armed crash
  bool restarted_ = false;  // an immediate `crash` already restarted the machine
  Workload workload_;
  std::vector<Invariant> invariants_;
  ScenarioResult result_;
};

}  // namespace memdb::scenario

#endif  // MEMDB_SRC_SCENARIO_INTERPRETER_H_
