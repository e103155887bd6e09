// The typed commands of the scenario language (docs/scenario-language.md): what the parser
// produces from a line once the verb table (src/scenario/vocabulary.cc) has checked its shape,
// and all the interpreter reads. One struct per verb; a field that the line may leave out holds
// its documented default.
//
// Thread safety: plain values.
#ifndef MEMDB_SCENARIO_COMMANDS_H_
#define MEMDB_SCENARIO_COMMANDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "memdb/db/options.h"
#include "memdb/fault/crash_model.h"
#include "memdb/fault/fault_plan.h"
#include "memdb/mvcc/txn.h"
#include "memdb/util/status.h"

namespace memdb::scenario {

// `option NAME VALUE` and `include FILE` are applied by the parser and never reach a run.
struct OptionCommand {
  std::string name;
  std::string value;
};
struct IncludeCommand {
  std::string file;
};

// `begin TXN [snapshot|serializable]`; no isolation: the script's `isolation` option.
struct BeginCommand {
  std::string txn;
  std::optional<IsolationLevel> isolation;
};

// Autocommit `put KEY VALUE [fails CODE]` and `delete KEY [fails CODE]`: value nullopt deletes.
struct WriteCommand {
  std::string key;
  std::optional<std::string> value;
  Status::Code expected = Status::Code::kOk;
};

// `expect get KEY = VALUE` or `expect get KEY absent` (value nullopt).
struct ExpectGetCommand {
  std::string key;
  std::optional<std::string> value;
};

// `expect scan PREFIX = KEY...`.
struct ExpectScanCommand {
  std::string prefix;
  std::vector<std::string> keys;
};

// `expect sum|count PREFIX = N` and `invariant sum|count PREFIX = N`.
struct Aggregate {
  bool sum = false;  // else count
  std::string prefix;
  uint64_t expected = 0;
};
struct ExpectAggregateCommand {
  Aggregate aggregate;
};
struct InvariantCommand {
  Aggregate aggregate;
};

// `expect golden NAME`.
struct ExpectGoldenCommand {
  std::string name;
};

// `checkpoint [fails CODE]`.
struct CheckpointCommand {
  Status::Code expected = Status::Code::kOk;
};

// `crash [at POINT [N] | at op N] [model MODEL]`.
struct CrashCommand {
  enum class When { kNow, kAtPoint, kAtOperation };
  When when = When::kNow;
  std::string point;  // kAtPoint
  uint64_t nth = 1;   // the occurrence of the point, or the storage operation's number
  CrashModel model;   // default: drop-unsynced
};

// `recover [MODE] [fails CODE]`; no mode: the script's `recovery` option.
struct RecoverCommand {
  std::optional<RecoveryMode> mode;
  Status::Code expected = Status::Code::kOk;
};

// `fail OP N [file PATTERN] [ACTION]`.
struct FailCommand {
  StorageOp op = StorageOp::kAny;
  uint64_t nth = 1;
  std::string file;  // empty: any file
  FaultAction action = FaultAction::kIoError;
};

// `flip FILE OFFSET [BIT]`.
struct FlipCommand {
  std::string file;
  uint64_t offset = 0;
  uint64_t bit = 0;
};

// `random SEED N`.
struct RandomCommand {
  uint64_t seed = 0;
  uint64_t transactions = 0;
};

// A transaction's commands (`TXN get|put|delete|scan|commit|rollback ...`); the transaction is
// ScenarioCommand::txn.
struct TxnGetCommand {
  std::string key;
  bool check = false;                // `= VALUE` or `absent` was given
  std::optional<std::string> value;  // with check: nullopt means absent
};
struct TxnWriteCommand {
  std::string key;
  std::optional<std::string> value;  // nullopt deletes
};
struct TxnScanCommand {
  std::string prefix;
  std::optional<std::vector<std::string>> keys;  // `= KEY...`: the expected keys
};
struct TxnCommitCommand {
  Status::Code expected = Status::Code::kOk;  // `conflict` is kConflict
};
struct TxnRollbackCommand {};

using Statement =
    std::variant<OptionCommand, IncludeCommand, BeginCommand, WriteCommand, ExpectGetCommand,
                 ExpectScanCommand, ExpectAggregateCommand, InvariantCommand, ExpectGoldenCommand,
                 CheckpointCommand, CrashCommand, RecoverCommand, FailCommand, FlipCommand,
                 RandomCommand, TxnGetCommand, TxnWriteCommand, TxnScanCommand, TxnCommitCommand,
                 TxnRollbackCommand>;

}  // namespace memdb::scenario

#endif  // MEMDB_SCENARIO_COMMANDS_H_
