// The scenario language's verb table (docs/scenario-language.md): every verb, where it may
// stand, its arguments with their types, defaults and help, and the function that turns a
// line's arguments into its typed command (memdb/scenario/commands.h). The parser looks verbs
// up here and nowhere else, so the shape checks, the error messages, the "did you mean"
// suggestions and the documented reference all come from one place; words of other enums
// (status codes, recovery modes, storage operations, fault actions, isolation levels) are read
// through those enums' own Parse functions.
#ifndef MEMDB_SRC_SCENARIO_VOCABULARY_H_
#define MEMDB_SRC_SCENARIO_VOCABULARY_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/db/options.h"
#include "memdb/scenario/commands.h"

namespace memdb::scenario {

// Where a verb may stand: first on a line, or after the name of an open transaction.
enum class Scope { kScript, kTxn };

// `repeat N` ... `end` delimit a block the parser unrolls before it reads any command.
enum class Block { kNone, kRepeat, kEnd };

// What an argument holds; a typed argument is read through its enum's Parse function and a
// wrong word gets the type's message ("expected a recovery mode: tolerate-torn-tail, ...").
enum class ArgType {
  kText,       // a key, value, prefix, name, file, point or pattern: any word or quoted string
  kNumber,     // a decimal number (uint64)
  kCode,       // a status code: StatusCodeName
  kModel,      // a crash model: CrashModel::Name
  kMode,       // a recovery mode: RecoveryModeName
  kOp,         // a storage operation: StorageOpName
  kAction,     // a fault action other than crash: FaultActionName
  kIsolation,  // an isolation level: IsolationLevelName
  kSync,       // a sync mode: SyncModeName (the `sync` option's value)
};

struct ArgSpec {
  std::string_view name;  // as in the grammar: "KEY", "N", "MODE"
  ArgType type = ArgType::kText;
  std::string_view help;           // what it is; a malformed number's message quotes it
  std::string_view default_value;  // what an omitted optional argument means ("" if required)
};

class ArgReader;

struct VerbSpec {
  std::string_view verb;
  Scope scope = Scope::kScript;
  Block block = Block::kNone;
  std::string_view syntax;  // the reference line: "put KEY VALUE [fails CODE]"
  std::string_view help;    // one sentence: what it does
  std::vector<ArgSpec> args;
  // Checks the arguments' shape and fills the typed command; false after reader.Fail(...).
  // Null for the block verbs, which the parser unrolls.
  bool (*parse)(ArgReader& reader, Statement* out) = nullptr;
};

// Every verb, script verbs first, each scope in the order suggestions prefer.
const std::vector<VerbSpec>& Verbs();
// The verb `word` in `scope`, or null.
const VerbSpec* FindVerb(std::string_view word, Scope scope);
// The verbs of `scope` in table order.
std::vector<std::string_view> VerbNames(Scope scope);

// A line's arguments being read by one verb's parse function. Every failing check records the
// message and the index of the offending argument (size() for "missing at the end").
class ArgReader {
 public:
  ArgReader(const VerbSpec& spec, const std::vector<std::string>& args)
      : spec_(spec), args_(args) {}

  size_t size() const { return args_.size(); }
  const std::string& operator[](size_t i) const { return args_[i]; }
  // Whether argument i exists and is the keyword `word`.
  bool Is(size_t i, std::string_view word) const { return i < size() && args_[i] == word; }

  const std::string& problem() const { return problem_; }
  size_t bad() const { return bad_; }

  bool Fail(size_t i, std::string message);
  // Between min and max arguments, else "expected USAGE" / "unexpected argument; ...".
  bool Count(size_t min, size_t max, std::string_view usage);
  // Argument i is one of `allowed`, else "expected USAGE".
  bool Word(size_t i, std::initializer_list<std::string_view> allowed, std::string_view usage);
  // Argument i read as the verb's argument `name` (its type and help come from the table).
  bool Number(size_t i, std::string_view name, uint64_t* out);
  bool Code(size_t i, Status::Code* out);
  bool Mode(size_t i, RecoveryMode* out);
  bool Op(size_t i, StorageOp* out);
  bool Action(size_t i, FaultAction* out);
  bool Isolation(size_t i, IsolationLevel* out);
  bool Model(size_t i, CrashModel* out);
  // `fails CODE` at i, or the end of the line (code unchanged).
  bool OptionalFails(size_t i, Status::Code* code);
  // `= N` at i and the end of the line; N is the verb's argument "N".
  bool EqualsNumber(size_t i, std::string_view usage, uint64_t* out);

 private:
  const VerbSpec& spec_;
  const std::vector<std::string>& args_;
  std::string problem_;
  size_t bad_ = 0;
};

// The verb's row of the reference table in docs/scenario-language.md (section "Verb
// reference"): "| `syntax` | arguments, their types and defaults | help |".
std::string ReferenceRow(const VerbSpec& spec);

// The words a typed argument accepts, in the order messages list them.
std::vector<std::string> WordsOf(ArgType type);

// Applies `option NAME VALUE`; returns the error ("unknown option ...") or "".
std::string ApplyOption(const std::string& name, const std::string& value, Options* options);

}  // namespace memdb::scenario

#endif  // MEMDB_SRC_SCENARIO_VOCABULARY_H_
