#include "scenario/vocabulary.h"

#include <charconv>
#include <utility>

#include "memdb/fault/crash_model.h"

namespace memdb::scenario {
namespace {

bool ParseNumber(std::string_view text, uint64_t* value) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return ec == std::errc() && ptr == text.data() + text.size();
}

// "a, b or c", each word quoted as 'a' when `quoted`.
std::string List(const std::vector<std::string>& words, bool quoted) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += quoted ? "'" + words[i] + "'" : words[i];
  }
  return out;
}

template <typename E, typename NameOf>
std::vector<std::string> Names(std::initializer_list<E> values, NameOf name_of) {
  std::vector<std::string> names;
  for (E value : values) names.emplace_back(name_of(value));
  return names;
}

// "expected a recovery mode: a, b or c"; a type without a noun lists its words quoted.
std::string Expected(ArgType type) {
  std::string_view noun;
  switch (type) {
    case ArgType::kCode:
      noun = "status";
      break;
    case ArgType::kMode:
      noun = "recovery mode";
      break;
    case ArgType::kOp:
      noun = "storage operation";
      break;
    case ArgType::kAction:
      noun = "fault";
      break;
    default:
      break;
  }
  if (noun.empty()) return "expected " + List(WordsOf(type), /*quoted=*/true);
  return "expected a " + std::string(noun) + ": " + List(WordsOf(type), /*quoted=*/false);
}

// The typed value of argument i through `parse` (an enum's Parse), or the type's message.
template <typename T, typename ParseFn>
bool ReadEnum(ArgReader& reader, size_t i, ArgType type, ParseFn parse, T* out) {
  const std::optional<T> value = parse(reader[i]);
  if (!value) return reader.Fail(i, Expected(type));
  *out = *value;
  return true;
}

std::optional<FaultAction> ParseInjectedFault(std::string_view name) {
  // A crash is `crash at op N`, not a `fail` action.
  const std::optional<FaultAction> action = ParseFaultAction(name);
  if (action == FaultAction::kCrash) return std::nullopt;
  return action;
}

// ---- the verbs' parse functions, one per verb (docs/scenario-language.md, "Grammar") ----

bool ParseOption(ArgReader& r, Statement* out) {
  if (!r.Count(2, 2, "'option NAME VALUE'")) return false;
  *out = OptionCommand{r[0], r[1]};
  return true;
}

bool ParseInclude(ArgReader& r, Statement* out) {
  if (!r.Count(1, 1, "'include FILE'")) return false;
  *out = IncludeCommand{r[0]};
  return true;
}

bool ParseBegin(ArgReader& r, Statement* out) {
  if (!r.Count(1, 2, "'begin NAME' or 'begin NAME snapshot|serializable'")) return false;
  BeginCommand c{r[0], std::nullopt};
  if (r.size() == 2) {
    IsolationLevel level{};
    if (!r.Isolation(1, &level)) return false;
    c.isolation = level;
  }
  *out = std::move(c);
  return true;
}

bool ParsePut(ArgReader& r, Statement* out) {
  WriteCommand c{r.size() > 0 ? r[0] : "", r.size() > 1 ? r[1] : ""};
  if (!r.Count(2, 4, "'put KEY VALUE [fails CODE]'") || !r.OptionalFails(2, &c.expected)) {
    return false;
  }
  *out = std::move(c);
  return true;
}

bool ParseDelete(ArgReader& r, Statement* out) {
  WriteCommand c{r.size() > 0 ? r[0] : "", std::nullopt};
  if (!r.Count(1, 3, "'delete KEY [fails CODE]'") || !r.OptionalFails(1, &c.expected)) {
    return false;
  }
  *out = std::move(c);
  return true;
}

bool ParseExpect(ArgReader& r, Statement* out) {
  if (!r.Count(2, 1000000, "'expect get|scan|count|sum|golden ...'")) return false;
  if (!r.Word(0, {"get", "scan", "count", "sum", "golden"},
              "'get', 'scan', 'count', 'sum' or 'golden' after 'expect'")) {
    return false;
  }
  if (r.Is(0, "get")) {
    if (r.size() == 3) {
      if (!r.Word(2, {"absent"}, "'absent' or '= VALUE'")) return false;
      *out = ExpectGetCommand{r[1], std::nullopt};
      return true;
    }
    if (!r.Count(4, 4, "'expect get KEY = VALUE' or 'expect get KEY absent'") ||
        !r.Word(2, {"="}, "'='")) {
      return false;
    }
    *out = ExpectGetCommand{r[1], r[3]};
  } else if (r.Is(0, "scan")) {
    if (!r.Count(3, 1000000, "'expect scan PREFIX = KEY...'") || !r.Word(2, {"="}, "'='")) {
      return false;
    }
    ExpectScanCommand c{r[1], {}};
    for (size_t i = 3; i < r.size(); ++i) c.keys.push_back(r[i]);
    *out = std::move(c);
  } else if (r.Is(0, "golden")) {
    if (!r.Count(2, 2, "'expect golden NAME'")) return false;
    *out = ExpectGoldenCommand{r[1]};
  } else {
    Aggregate a{r.Is(0, "sum"), r[1], 0};
    if (!r.EqualsNumber(2, "'expect count|sum PREFIX = N'", &a.expected)) return false;
    *out = ExpectAggregateCommand{std::move(a)};
  }
  return true;
}

bool ParseInvariant(ArgReader& r, Statement* out) {
  if (!r.Count(2, 4, "'invariant sum|count PREFIX = N'") ||
      !r.Word(0, {"sum", "count"}, "'sum' or 'count'")) {
    return false;
  }
  Aggregate a{r.Is(0, "sum"), r[1], 0};
  if (!r.EqualsNumber(2, "'invariant sum|count PREFIX = N'", &a.expected)) return false;
  *out = InvariantCommand{std::move(a)};
  return true;
}

bool ParseCheckpoint(ArgReader& r, Statement* out) {
  CheckpointCommand c;
  if (!r.OptionalFails(0, &c.expected)) return false;
  *out = c;
  return true;
}

bool ParseCrash(ArgReader& r, Statement* out) {
  CrashCommand c;
  size_t i = 0;
  if (r.Is(i, "at")) {
    if (i + 1 >= r.size()) return r.Fail(i + 1, "expected a crash point or 'op N' after 'at'");
    if (r.Is(i + 1, "op")) {
      if (i + 2 >= r.size()) return r.Fail(i + 2, "expected the operation's number after 'op'");
      c.when = CrashCommand::When::kAtOperation;
      if (!r.Number(i + 2, "op N", &c.nth)) return false;
      i += 3;
    } else {
      c.when = CrashCommand::When::kAtPoint;
      c.point = r[i + 1];
      i += 2;
      if (i < r.size() && !r.Is(i, "model")) {
        if (!r.Number(i, "N", &c.nth)) return false;
        ++i;
      }
    }
  }
  if (i < r.size()) {
    if (!r.Word(i, {"model"}, "'model MODEL' or the end of the line")) return false;
    if (i + 1 >= r.size()) return r.Fail(i + 1, "expected a crash model after 'model'");
    if (!r.Model(i + 1, &c.model)) return false;
    if (i + 2 < r.size()) return r.Fail(i + 2, "unexpected argument after the model");
  }
  *out = std::move(c);
  return true;
}

bool ParseRecover(ArgReader& r, Statement* out) {
  RecoverCommand c;
  size_t i = 0;
  if (i < r.size() && !r.Is(i, "fails")) {
    RecoveryMode mode{};
    if (!r.Mode(i, &mode)) return false;
    c.mode = mode;
    ++i;
  }
  if (!r.OptionalFails(i, &c.expected)) return false;
  *out = c;
  return true;
}

bool ParseFail(ArgReader& r, Statement* out) {
  FailCommand c;
  if (!r.Count(2, 5, "'fail OP N [file PATTERN] [ACTION]'") || !r.Op(0, &c.op) ||
      !r.Number(1, "N", &c.nth)) {
    return false;
  }
  size_t i = 2;
  if (r.Is(i, "file")) {
    if (i + 1 >= r.size()) return r.Fail(i + 1, "expected a file name pattern after 'file'");
    c.file = r[i + 1];
    i += 2;
  }
  if (i < r.size() && !r.Action(i, &c.action)) return false;
  if (i + 1 < r.size()) return r.Fail(i + 1, "unexpected argument after the fault");
  *out = std::move(c);
  return true;
}

bool ParseFlip(ArgReader& r, Statement* out) {
  FlipCommand c;
  if (!r.Count(2, 3, "'flip FILE OFFSET [BIT]'") || !r.Number(1, "OFFSET", &c.offset)) {
    return false;
  }
  if (r.size() == 3 && !r.Number(2, "BIT", &c.bit)) return false;
  c.file = r[0];
  *out = std::move(c);
  return true;
}

bool ParseRandom(ArgReader& r, Statement* out) {
  RandomCommand c;
  if (!r.Count(2, 2, "'random SEED TRANSACTIONS'") || !r.Number(0, "SEED", &c.seed) ||
      !r.Number(1, "N", &c.transactions)) {
    return false;
  }
  *out = c;
  return true;
}

bool ParseTxnGet(ArgReader& r, Statement* out) {
  if (!r.Count(1, 3, "'get KEY', 'get KEY = VALUE' or 'get KEY absent'")) return false;
  TxnGetCommand c{r[0], r.size() > 1, std::nullopt};
  if (r.size() == 2) {
    if (!r.Word(1, {"absent", "="}, "'absent' or '= VALUE'")) return false;
    if (r.Is(1, "=")) return r.Fail(2, "expected a value after '='");
  } else if (r.size() == 3) {
    if (!r.Word(1, {"="}, "'= VALUE'")) return false;
    c.value = r[2];
  }
  *out = std::move(c);
  return true;
}

bool ParseTxnPut(ArgReader& r, Statement* out) {
  if (!r.Count(2, 2, "'put KEY VALUE'")) return false;
  *out = TxnWriteCommand{r[0], r[1]};
  return true;
}

bool ParseTxnDelete(ArgReader& r, Statement* out) {
  if (!r.Count(1, 1, "'delete KEY'")) return false;
  *out = TxnWriteCommand{r[0], std::nullopt};
  return true;
}

bool ParseTxnScan(ArgReader& r, Statement* out) {
  if (!r.Count(1, 1000000, "'scan PREFIX' or 'scan PREFIX = KEY...'")) return false;
  TxnScanCommand c{r[0], std::nullopt};
  if (r.size() > 1) {
    if (!r.Word(1, {"="}, "'= KEY...' after the prefix")) return false;
    c.keys.emplace();
    for (size_t i = 2; i < r.size(); ++i) c.keys->push_back(r[i]);
  }
  *out = std::move(c);
  return true;
}

bool ParseTxnCommit(ArgReader& r, Statement* out) {
  TxnCommitCommand c;
  if (r.size() == 1 && r.Is(0, "conflict")) {
    c.expected = Status::Code::kConflict;
  } else if (!r.OptionalFails(0, &c.expected)) {
    return false;
  }
  *out = c;
  return true;
}

bool ParseTxnRollback(ArgReader& r, Statement* out) {
  if (!r.Count(0, 0, "nothing after 'rollback'")) return false;
  *out = TxnRollbackCommand{};
  return true;
}

constexpr ArgSpec kKey{"KEY", ArgType::kText, "a key", ""};
constexpr ArgSpec kValue{"VALUE", ArgType::kText, "a value", ""};
constexpr ArgSpec kPrefix{"PREFIX", ArgType::kText, "a key prefix (\"\" for all keys)", ""};
constexpr ArgSpec kFailsCode{"CODE", ArgType::kCode, "the status the command must return", "ok"};

}  // namespace

const std::vector<VerbSpec>& Verbs() {
  static const std::vector<VerbSpec> verbs = {
      {"option",
       Scope::kScript,
       Block::kNone,
       "option NAME VALUE",
       "sets a database option for the whole script (applied at the open)",
       {{"NAME", ArgType::kText,
         "isolation, sync, recovery, checkpoint_log_bytes, "
         "wal_segment_bytes or sync_interval_ms",
         ""},
        {"VALUE", ArgType::kText, "the option's value", ""}},
       ParseOption},
      {"include",
       Scope::kScript,
       Block::kNone,
       "include FILE",
       "reads another script here (relative to the including one)",
       {{"FILE", ArgType::kText, "a script file", ""}},
       ParseInclude},
      {"begin",
       Scope::kScript,
       Block::kNone,
       "begin TXN [snapshot|serializable]",
       "opens a named transaction",
       {{"TXN", ArgType::kText, "the transaction's name", ""},
        {"ISOLATION", ArgType::kIsolation, "the isolation level", "the isolation option"}},
       ParseBegin},
      {"put",
       Scope::kScript,
       Block::kNone,
       "put KEY VALUE [fails CODE]",
       "writes a key in its own transaction",
       {kKey, kValue, kFailsCode},
       ParsePut},
      {"delete",
       Scope::kScript,
       Block::kNone,
       "delete KEY [fails CODE]",
       "deletes a key in its own transaction",
       {kKey, kFailsCode},
       ParseDelete},
      {"expect",
       Scope::kScript,
       Block::kNone,
       "expect get KEY = VALUE|absent, expect scan PREFIX = KEY..., "
       "expect count|sum PREFIX = N, expect golden NAME",
       "checks the latest committed state",
       {kKey,
        kValue,
        kPrefix,
        {"N", ArgType::kNumber, "'expect count|sum PREFIX = N'", ""},
        {"NAME", ArgType::kText, "a golden file's name, without .golden", ""}},
       ParseExpect},
      {"invariant",
       Scope::kScript,
       Block::kNone,
       "invariant sum|count PREFIX = N",
       "declares a check that holds from now on, after every recovery and in every crash state",
       {kPrefix, {"N", ArgType::kNumber, "'invariant sum|count PREFIX = N'", ""}},
       ParseInvariant},
      {"checkpoint",
       Scope::kScript,
       Block::kNone,
       "checkpoint [fails CODE]",
       "writes a checkpoint",
       {kFailsCode},
       ParseCheckpoint},
      {"crash",
       Scope::kScript,
       Block::kNone,
       "crash [at POINT [N] | at op N] [model MODEL]",
       "cuts the power now, or arms a crash at a named point or storage operation",
       {{"POINT", ArgType::kText, "a named crash point", ""},
        {"N", ArgType::kNumber, "the occurrence of the point (1 = the first)", "1"},
        {"op N", ArgType::kNumber, "'crash at op N'", ""},
        {"MODEL", ArgType::kModel, "what survives the crash", "drop-unsynced"}},
       ParseCrash},
      {"recover",
       Scope::kScript,
       Block::kNone,
       "recover [MODE] [fails CODE]",
       "restarts the machine and opens the database",
       {{"MODE", ArgType::kMode, "the recovery mode", "the recovery option"}, kFailsCode},
       ParseRecover},
      {"fail",
       Scope::kScript,
       Block::kNone,
       "fail OP N [file PATTERN] [ACTION]",
       "arms a fault on the N-th matching storage operation from now",
       {{"OP", ArgType::kOp, "the storage operation", ""},
        {"N", ArgType::kNumber, "which occurrence fails (1 = the next)", ""},
        {"PATTERN", ArgType::kText, "a part of the file's name", "any file"},
        {"ACTION", ArgType::kAction, "the fault", "eio"}},
       ParseFail},
      {"flip",
       Scope::kScript,
       Block::kNone,
       "flip FILE OFFSET [BIT]",
       "flips one bit of db/FILE at rest",
       {{"FILE", ArgType::kText, "a file of the database directory", ""},
        {"OFFSET", ArgType::kNumber, "the byte offset", ""},
        {"BIT", ArgType::kNumber, "the bit (0-7)", "0"}},
       ParseFlip},
      {"random",
       Scope::kScript,
       Block::kNone,
       "random SEED N",
       "commits the crash explorer's seeded random workload",
       {{"SEED", ArgType::kNumber, "the seed", ""},
        {"N", ArgType::kNumber, "the number of transactions", ""}},
       ParseRandom},
      {"repeat",
       Scope::kScript,
       Block::kRepeat,
       "repeat N",
       "unrolls the lines up to its 'end' N times, {i} replaced by the iteration",
       {{"N", ArgType::kNumber, "from 0 to 100000", ""}},
       nullptr},
      {"end", Scope::kScript, Block::kEnd, "end", "closes a 'repeat'", {}, nullptr},
      {"get",
       Scope::kTxn,
       Block::kNone,
       "TXN get KEY [= VALUE|absent]",
       "reads in the transaction's snapshot; with '= VALUE' or 'absent' also checks",
       {kKey, kValue},
       ParseTxnGet},
      {"put",
       Scope::kTxn,
       Block::kNone,
       "TXN put KEY VALUE",
       "buffers a write",
       {kKey, kValue},
       ParseTxnPut},
      {"delete",
       Scope::kTxn,
       Block::kNone,
       "TXN delete KEY",
       "buffers a delete",
       {kKey},
       ParseTxnDelete},
      {"scan",
       Scope::kTxn,
       Block::kNone,
       "TXN scan PREFIX [= KEY...]",
       "scans in the transaction's snapshot; with '= KEY...' also checks the keys",
       {kPrefix, kKey},
       ParseTxnScan},
      {"commit",
       Scope::kTxn,
       Block::kNone,
       "TXN commit [conflict | fails CODE]",
       "commits and closes the transaction",
       {kFailsCode},
       ParseTxnCommit},
      {"rollback",
       Scope::kTxn,
       Block::kNone,
       "TXN rollback",
       "rolls back and closes the transaction",
       {},
       ParseTxnRollback},
  };
  return verbs;
}

const VerbSpec* FindVerb(std::string_view word, Scope scope) {
  for (const VerbSpec& spec : Verbs()) {
    if (spec.scope == scope && spec.verb == word) return &spec;
  }
  return nullptr;
}

std::vector<std::string_view> VerbNames(Scope scope) {
  std::vector<std::string_view> names;
  for (const VerbSpec& spec : Verbs()) {
    if (spec.scope == scope) names.push_back(spec.verb);
  }
  return names;
}

std::string ReferenceRow(const VerbSpec& spec) {
  // A '|' inside a table cell is written '\|' in Markdown.
  auto cell = [](std::string_view text) {
    std::string out;
    for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
  };
  std::string args;
  for (const ArgSpec& arg : spec.args) {
    if (!args.empty()) args += "; ";
    std::string_view type;
    switch (arg.type) {
      case ArgType::kText:
        break;
      case ArgType::kNumber:
        type = "number";
        break;
      case ArgType::kCode:
        type = "CODE";
        break;
      case ArgType::kModel:
        type = "MODEL";
        break;
      case ArgType::kMode:
        type = "MODE";
        break;
      case ArgType::kOp:
        type = "OP";
        break;
      case ArgType::kAction:
        type = "ACTION";
        break;
      case ArgType::kIsolation:
        type = "snapshot or serializable";
        break;
      case ArgType::kSync:
        type = "always, interval or none";
        break;
    }
    args += "`" + std::string(arg.name) + "` " + std::string(arg.help);
    if (!type.empty() && type != arg.name) args += " (" + std::string(type) + ")";
    if (!arg.default_value.empty()) args += ", default " + std::string(arg.default_value);
  }
  return "| `" + cell(spec.syntax) + "` | " + cell(args.empty() ? "none" : args) + " | " +
         cell(spec.help) + " |";
}

std::vector<std::string> WordsOf(ArgType type) {
  switch (type) {
    case ArgType::kCode:
      return Names({Status::Code::kOk, Status::Code::kNotFound, Status::Code::kConflict,
                    Status::Code::kInvalidArgument, Status::Code::kIOError,
                    Status::Code::kCorruption, Status::Code::kBusy, Status::Code::kNotSupported},
                   StatusCodeName);
    case ArgType::kMode:
      return Names({RecoveryMode::kTolerateTornTail, RecoveryMode::kAbsoluteConsistency,
                    RecoveryMode::kPointInTime},
                   RecoveryModeName);
    case ArgType::kOp:
      return Names({StorageOp::kCreate, StorageOp::kRead, StorageOp::kAppend, StorageOp::kSync,
                    StorageOp::kRename, StorageOp::kRemove, StorageOp::kSyncDir, StorageOp::kAny},
                   StorageOpName);
    case ArgType::kAction:
      return Names(
          {FaultAction::kIoError, FaultAction::kNoSpace, FaultAction::kShortWrite,
           FaultAction::kFsyncgate, FaultAction::kLostWrite, FaultAction::kMisdirectedWrite},
          FaultActionName);
    case ArgType::kIsolation:
      return Names({IsolationLevel::kSnapshot, IsolationLevel::kSerializable}, IsolationLevelName);
    case ArgType::kSync:
      return Names({SyncMode::kAlways, SyncMode::kInterval, SyncMode::kNone}, SyncModeName);
    case ArgType::kText:
    case ArgType::kNumber:
    case ArgType::kModel:
      break;
  }
  return {};
}

bool ArgReader::Fail(size_t i, std::string message) {
  problem_ = std::move(message);
  bad_ = i;
  return false;
}

bool ArgReader::Count(size_t min, size_t max, std::string_view usage) {
  if (size() < min) return Fail(size(), "expected " + std::string(usage));
  if (size() > max) return Fail(max, "unexpected argument; expected " + std::string(usage));
  return true;
}

bool ArgReader::Word(size_t i, std::initializer_list<std::string_view> allowed,
                     std::string_view usage) {
  for (std::string_view a : allowed) {
    if (Is(i, a)) return true;
  }
  return Fail(i, "expected " + std::string(usage));
}

bool ArgReader::Number(size_t i, std::string_view name, uint64_t* out) {
  std::string_view help;
  for (const ArgSpec& arg : spec_.args) {
    if (arg.name == name) help = arg.help;
  }
  return ParseNumber(args_[i], out) || Fail(i, "expected a number: " + std::string(help));
}

bool ArgReader::Code(size_t i, Status::Code* out) {
  return ReadEnum(*this, i, ArgType::kCode, ParseStatusCode, out);
}

bool ArgReader::Mode(size_t i, RecoveryMode* out) {
  return ReadEnum(*this, i, ArgType::kMode, ParseRecoveryMode, out);
}

bool ArgReader::Op(size_t i, StorageOp* out) {
  return ReadEnum(*this, i, ArgType::kOp, ParseStorageOp, out);
}

bool ArgReader::Action(size_t i, FaultAction* out) {
  return ReadEnum(*this, i, ArgType::kAction, ParseInjectedFault, out);
}

bool ArgReader::Isolation(size_t i, IsolationLevel* out) {
  return ReadEnum(*this, i, ArgType::kIsolation, ParseIsolationLevel, out);
}

bool ArgReader::Model(size_t i, CrashModel* out) {
  Result<CrashModel> model = CrashModel::Parse(args_[i]);
  if (!model.ok()) return Fail(i, "expected a crash model (" + model.status().ToString() + ")");
  *out = *model;
  return true;
}

bool ArgReader::OptionalFails(size_t i, Status::Code* code) {
  if (i == size()) return true;
  if (!Word(i, {"fails"}, "'fails CODE' or the end of the line")) return false;
  if (i + 1 >= size()) return Fail(i + 1, "expected a status after 'fails'");
  if (!Code(i + 1, code)) return false;
  return i + 2 == size() || Fail(i + 2, "unexpected argument after 'fails CODE'");
}

bool ArgReader::EqualsNumber(size_t i, std::string_view usage, uint64_t* out) {
  if (!Count(i + 2, i + 2, usage)) return false;
  return Word(i, {"="}, usage) && Number(i + 1, "N", out);
}

namespace {

// `option NAME VALUE`: each option's name and how its value applies ("" or the error).
struct OptionSpec {
  std::string_view name;
  std::string (*apply)(const std::string& name, const std::string& value, Options* options);
};

// An enum option's value through the enum's Parse, else "expected 'a', 'b' or 'c'".
template <typename T, typename ParseFn>
std::string SetEnum(const std::string& value, ArgType type, ParseFn parse, T* field) {
  const std::optional<T> parsed = parse(value);
  if (!parsed) return "expected " + List(WordsOf(type), /*quoted=*/true);
  *field = *parsed;
  return "";
}

template <typename T>
std::string SetNumber(const std::string& name, const std::string& value, T* field) {
  uint64_t n = 0;
  if (!ParseNumber(value, &n)) return "expected a number for option " + name;
  *field = static_cast<T>(n);
  return "";
}

constexpr OptionSpec kOptions[] = {
    {"isolation",
     [](const std::string&, const std::string& v, Options* o) {
       return SetEnum(v, ArgType::kIsolation, ParseIsolationLevel, &o->default_isolation);
     }},
    {"sync", [](const std::string&, const std::string& v,
                Options* o) { return SetEnum(v, ArgType::kSync, ParseSyncMode, &o->sync_mode); }},
    {"recovery",
     [](const std::string&, const std::string& v, Options* o) {
       return SetEnum(v, ArgType::kMode, ParseRecoveryMode, &o->recovery_mode);
     }},
    {"checkpoint_log_bytes", [](const std::string& n, const std::string& v,
                                Options* o) { return SetNumber(n, v, &o->checkpoint_log_bytes); }},
    {"wal_segment_bytes", [](const std::string& n, const std::string& v,
                             Options* o) { return SetNumber(n, v, &o->wal_segment_bytes); }},
    {"sync_interval_ms", [](const std::string& n, const std::string& v,
                            Options* o) { return SetNumber(n, v, &o->sync_interval_ms); }},
};

}  // namespace

std::string ApplyOption(const std::string& name, const std::string& value, Options* options) {
  for (const OptionSpec& option : kOptions) {
    if (option.name == name) return option.apply(name, value, options);
  }
  std::vector<std::string> names;
  for (const OptionSpec& option : kOptions) names.emplace_back(option.name);
  return "unknown option '" + name + "' (expected " + List(names, /*quoted=*/false) + ")";
}

}  // namespace memdb::scenario
