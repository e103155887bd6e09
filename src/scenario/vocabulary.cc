#include "scenario/vocabulary.h"

#include <charconv>
#include <utility>

#include "memdb/fault/crash_model.h"

namespace memdb::scenario {
namespace {

bool IsNumber(const std::string& text) {
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size();
}

template <typename T>
std::optional<T> Lookup(std::string_view name,
                        std::initializer_list<std::pair<std::string_view, T>> table) {
  for (const auto& [n, v] : table) {
    if (n == name) return v;
  }
  return std::nullopt;
}

// Shape checks; each returns false after filling problem/bad.
struct Shape {
  const std::vector<std::string>& args;
  std::string* problem;
  size_t* bad;

  bool Fail(size_t index, std::string message) {
    *problem = std::move(message);
    *bad = index;
    return false;
  }
  bool Count(size_t min, size_t max, const char* usage) {
    if (args.size() < min) return Fail(args.size(), std::string("expected ") + usage);
    if (args.size() > max) return Fail(max, std::string("unexpected argument; expected ") + usage);
    return true;
  }
  bool Word(size_t i, std::initializer_list<std::string_view> allowed, const char* usage) {
    for (std::string_view a : allowed) {
      if (args[i] == a) return true;
    }
    return Fail(i, std::string("expected ") + usage);
  }
  bool Number(size_t i, const char* usage) {
    return IsNumber(args[i]) || Fail(i, std::string("expected a number: ") + usage);
  }
  bool Code(size_t i) {
    return ParseStatusCode(args[i]).has_value() ||
           Fail(i,
                "expected a status: ok, not-found, conflict, invalid-argument, io-error, "
                "corruption, busy or not-supported");
  }
  // "fails CODE" at i (optional when i == args.size()).
  bool OptionalFails(size_t i) {
    if (i == args.size()) return true;
    if (!Word(i, {"fails"}, "'fails CODE' or the end of the line")) return false;
    if (i + 1 >= args.size()) return Fail(i + 1, "expected a status after 'fails'");
    if (!Code(i + 1)) return false;
    return i + 2 == args.size() || Fail(i + 2, "unexpected argument after 'fails CODE'");
  }
  // "= N" at i.
  bool EqualsNumber(size_t i, const char* usage) {
    if (!Count(i + 2, i + 2, usage)) return false;
    return Word(i, {"="}, usage) && Number(i + 1, usage);
  }
};

}  // namespace

void CheckShape(const ScenarioCommand& cmd, std::string* problem, size_t* bad) {
  problem->clear();
  Shape s{cmd.args, problem, bad};
  const std::vector<std::string>& a = cmd.args;
  const std::string& v = cmd.verb;
  if (!cmd.txn.empty()) {
    if (v == "get") {
      if (!s.Count(1, 3, "'get KEY', 'get KEY = VALUE' or 'get KEY absent'")) return;
      if (a.size() == 2) s.Word(1, {"absent", "="}, "'absent' or '= VALUE'");
      if (a.size() == 2 && a[1] == "=") s.Fail(2, "expected a value after '='");
      if (a.size() == 3) s.Word(1, {"="}, "'= VALUE'");
    } else if (v == "put") {
      s.Count(2, 2, "'put KEY VALUE'");
    } else if (v == "delete") {
      s.Count(1, 1, "'delete KEY'");
    } else if (v == "scan") {
      if (s.Count(1, 1000000, "'scan PREFIX' or 'scan PREFIX = KEY...'") && a.size() > 1) {
        s.Word(1, {"="}, "'= KEY...' after the prefix");
      }
    } else if (v == "commit") {
      if (a.size() == 1 && a[0] == "conflict") return;
      s.OptionalFails(0);
    } else if (v == "rollback") {
      s.Count(0, 0, "nothing after 'rollback'");
    }
    return;
  }
  if (v == "option") {
    s.Count(2, 2, "'option NAME VALUE'");
  } else if (v == "include") {
    s.Count(1, 1, "'include FILE'");
  } else if (v == "begin") {
    if (s.Count(1, 2, "'begin NAME' or 'begin NAME snapshot|serializable'") && a.size() == 2) {
      s.Word(1, {"snapshot", "serializable"}, "'snapshot' or 'serializable'");
    }
  } else if (v == "put") {
    if (s.Count(2, 4, "'put KEY VALUE [fails CODE]'")) s.OptionalFails(2);
  } else if (v == "delete") {
    if (s.Count(1, 3, "'delete KEY [fails CODE]'")) s.OptionalFails(1);
  } else if (v == "expect") {
    if (!s.Count(2, 1000000, "'expect get|scan|count|sum|golden ...'")) return;
    if (!s.Word(0, {"get", "scan", "count", "sum", "golden"},
                "'get', 'scan', 'count', 'sum' or 'golden' after 'expect'")) {
      return;
    }
    if (a[0] == "get") {
      if (a.size() == 3) {
        s.Word(2, {"absent"}, "'absent' or '= VALUE'");
      } else if (s.Count(4, 4, "'expect get KEY = VALUE' or 'expect get KEY absent'")) {
        s.Word(2, {"="}, "'='");
      }
    } else if (a[0] == "scan") {
      if (s.Count(3, 1000000, "'expect scan PREFIX = KEY...'")) s.Word(2, {"="}, "'='");
    } else if (a[0] == "count" || a[0] == "sum") {
      s.EqualsNumber(2, "'expect count|sum PREFIX = N'");
    } else {
      s.Count(2, 2, "'expect golden NAME'");
    }
  } else if (v == "invariant") {
    if (s.Count(2, 4, "'invariant sum|count PREFIX = N'") &&
        s.Word(0, {"sum", "count"}, "'sum' or 'count'")) {
      s.EqualsNumber(2, "'invariant sum|count PREFIX = N'");
    }
  } else if (v == "checkpoint") {
    s.OptionalFails(0);
  } else if (v == "crash") {
    size_t i = 0;
    if (i < a.size() && a[i] == "at") {
      if (i + 1 >= a.size()) {
        s.Fail(i + 1, "expected a crash point or 'op N' after 'at'");
        return;
      }
      if (a[i + 1] == "op") {
        if (i + 2 >= a.size()) {
          s.Fail(i + 2, "expected the operation's number after 'op'");
          return;
        }
        if (!s.Number(i + 2, "'crash at op N'")) return;
        i += 3;
      } else {
        i += 2;
        if (i < a.size() && a[i] != "model") {
          if (!s.Number(i, "the occurrence of the point (1 = the first)")) return;
          ++i;
        }
      }
    }
    if (i < a.size()) {
      if (!s.Word(i, {"model"}, "'model MODEL' or the end of the line")) return;
      if (i + 1 >= a.size()) {
        s.Fail(i + 1, "expected a crash model after 'model'");
        return;
      }
      if (!CrashModel::Parse(a[i + 1]).ok()) {
        s.Fail(i + 1,
               "expected a crash model (" + CrashModel::Parse(a[i + 1]).status().ToString() + ")");
        return;
      }
      if (i + 2 < a.size()) s.Fail(i + 2, "unexpected argument after the model");
    }
  } else if (v == "recover") {
    size_t i = 0;
    if (i < a.size() && a[i] != "fails") {
      if (!ParseRecoveryMode(a[i])) {
        s.Fail(i,
               "expected a recovery mode: tolerate-torn-tail, absolute-consistency or "
               "point-in-time");
        return;
      }
      ++i;
    }
    s.OptionalFails(i);
  } else if (v == "fail") {
    if (!s.Count(2, 5, "'fail OP N [file PATTERN] [ACTION]'")) return;
    if (!ParseStorageOp(a[0])) {
      s.Fail(0,
             "expected a storage operation: create, read, append, sync, rename, remove, "
             "syncdir or any");
      return;
    }
    if (!s.Number(1, "which occurrence fails (1 = the next)")) return;
    size_t i = 2;
    if (i < a.size() && a[i] == "file") {
      if (i + 1 >= a.size()) {
        s.Fail(i + 1, "expected a file name pattern after 'file'");
        return;
      }
      i += 2;
    }
    if (i < a.size() && !ParseFaultAction(a[i])) {
      s.Fail(i,
             "expected a fault: eio, enospc, short-write, fsyncgate, lost-write or "
             "misdirected-write");
      return;
    }
    if (i + 1 < a.size()) s.Fail(i + 1, "unexpected argument after the fault");
  } else if (v == "flip") {
    if (s.Count(2, 3, "'flip FILE OFFSET [BIT]'") && s.Number(1, "the byte offset")) {
      if (a.size() == 3) s.Number(2, "the bit (0-7)");
    }
  } else if (v == "random") {
    if (s.Count(2, 2, "'random SEED TRANSACTIONS'") && s.Number(0, "the seed")) {
      s.Number(1, "the number of transactions");
    }
  }
}

std::string ApplyOption(const std::string& name, const std::string& value, Options* options) {
  auto number = [&](auto* field) -> std::string {
    uint64_t n = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || ptr != value.data() + value.size()) {
      return "expected a number for option " + name;
    }
    *field = static_cast<std::remove_reference_t<decltype(*field)>>(n);
    return "";
  };
  if (name == "isolation") {
    auto level = Lookup<IsolationLevel>(value, {{"snapshot", IsolationLevel::kSnapshot},
                                                {"serializable", IsolationLevel::kSerializable}});
    if (!level) return "expected 'snapshot' or 'serializable'";
    options->default_isolation = *level;
  } else if (name == "sync") {
    auto mode = Lookup<SyncMode>(value, {{"always", SyncMode::kAlways},
                                         {"interval", SyncMode::kInterval},
                                         {"none", SyncMode::kNone}});
    if (!mode) return "expected 'always', 'interval' or 'none'";
    options->sync_mode = *mode;
  } else if (name == "recovery") {
    auto mode = ParseRecoveryMode(value);
    if (!mode) return "expected 'tolerate-torn-tail', 'absolute-consistency' or 'point-in-time'";
    options->recovery_mode = *mode;
  } else if (name == "checkpoint_log_bytes") {
    return number(&options->checkpoint_log_bytes);
  } else if (name == "wal_segment_bytes") {
    return number(&options->wal_segment_bytes);
  } else if (name == "sync_interval_ms") {
    return number(&options->sync_interval_ms);
  } else {
    return "unknown option '" + name +
           "' (expected isolation, sync, recovery, checkpoint_log_bytes, wal_segment_bytes or "
           "sync_interval_ms)";
  }
  return "";
}

std::optional<Status::Code> ParseStatusCode(std::string_view name) {
  return Lookup<Status::Code>(name, {{"ok", Status::Code::kOk},
                                     {"not-found", Status::Code::kNotFound},
                                     {"conflict", Status::Code::kConflict},
                                     {"invalid-argument", Status::Code::kInvalidArgument},
                                     {"io-error", Status::Code::kIOError},
                                     {"corruption", Status::Code::kCorruption},
                                     {"busy", Status::Code::kBusy},
                                     {"not-supported", Status::Code::kNotSupported}});
}

std::string StatusCodeName(Status::Code code) {
  for (std::string_view name : {"ok", "not-found", "conflict", "invalid-argument", "io-error",
                                "corruption", "busy", "not-supported"}) {
    if (ParseStatusCode(name) == code) return std::string(name);
  }
  return "?";
}

std::optional<StorageOp> ParseStorageOp(std::string_view name) {
  return Lookup<StorageOp>(name, {{"create", StorageOp::kCreate},
                                  {"read", StorageOp::kRead},
                                  {"append", StorageOp::kAppend},
                                  {"sync", StorageOp::kSync},
                                  {"rename", StorageOp::kRename},
                                  {"remove", StorageOp::kRemove},
                                  {"syncdir", StorageOp::kSyncDir},
                                  {"any", StorageOp::kAny}});
}

std::optional<FaultAction> ParseFaultAction(std::string_view name) {
  return Lookup<FaultAction>(name, {{"eio", FaultAction::kIoError},
                                    {"enospc", FaultAction::kNoSpace},
                                    {"short-write", FaultAction::kShortWrite},
                                    {"fsyncgate", FaultAction::kFsyncgate},
                                    {"lost-write", FaultAction::kLostWrite},
                                    {"misdirected-write", FaultAction::kMisdirectedWrite}});
}

std::optional<RecoveryMode> ParseRecoveryMode(std::string_view name) {
  return Lookup<RecoveryMode>(name, {{"tolerate-torn-tail", RecoveryMode::kTolerateTornTail},
                                     {"absolute-consistency", RecoveryMode::kAbsoluteConsistency},
                                     {"point-in-time", RecoveryMode::kPointInTime}});
}

std::string RecoveryModeName(RecoveryMode mode) {
  for (std::string_view name : {"tolerate-torn-tail", "absolute-consistency", "point-in-time"}) {
    if (ParseRecoveryMode(name) == mode) return std::string(name);
  }
  return "?";
}

}  // namespace memdb::scenario
