// The scenario language's words, shared by the parser (which checks every line's shape) and
// the interpreter (which trusts it): commands, their argument shapes, option names, status
// codes, storage operations and fault actions (docs/scenario-language.md).
#ifndef MEMDB_SRC_SCENARIO_VOCABULARY_H_
#define MEMDB_SRC_SCENARIO_VOCABULARY_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/db/options.h"
#include "memdb/fault/fault_plan.h"
#include "memdb/scenario/scenario.h"
#include "memdb/util/status.h"

namespace memdb::scenario {

inline const std::vector<std::string_view> kCommands = {
    "option", "include", "begin", "put",  "delete", "expect", "invariant", "checkpoint",
    "crash",  "recover", "fail",  "flip", "random", "repeat", "end"};
inline const std::vector<std::string_view> kTxnCommands = {"get",  "put",    "delete",
                                                           "scan", "commit", "rollback"};

// Fills `problem` (empty when the shape is right) and `bad`, the index into cmd.args of the
// offending argument (args.size() for "missing at the end").
void CheckShape(const ScenarioCommand& cmd, std::string* problem, size_t* bad);

// Applies `option NAME VALUE`; returns the error ("unknown option ...") or "".
std::string ApplyOption(const std::string& name, const std::string& value, Options* options);

std::optional<Status::Code> ParseStatusCode(std::string_view name);  // "conflict", "io-error"
std::string StatusCodeName(Status::Code code);
std::optional<StorageOp> ParseStorageOp(std::string_view name);      // "sync", "append", ...
std::optional<FaultAction> ParseFaultAction(std::string_view name);  // "eio", "fsyncgate", ...
std::optional<RecoveryMode> ParseRecoveryMode(std::string_view name);
std::string RecoveryModeName(RecoveryMode mode);  // "tolerate-torn-tail", ...

}  // namespace memdb::scenario

#endif  // MEMDB_SRC_SCENARIO_VOCABULARY_H_
