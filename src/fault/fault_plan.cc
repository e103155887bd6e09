#include "memdb/fault/fault_plan.h"

#include <utility>

#include "memdb/util/enum_name.h"

namespace memdb {

std::string_view StorageOpName(StorageOp op) {
  switch (op) {
    case StorageOp::kCreate:
      return "create";
    case StorageOp::kRead:
      return "read";
    case StorageOp::kAppend:
      return "append";
    case StorageOp::kSync:
      return "sync";
    case StorageOp::kRename:
      return "rename";
    case StorageOp::kRemove:
      return "remove";
    case StorageOp::kSyncDir:
      return "syncdir";
    case StorageOp::kAny:
      return "any";
  }
  return "?";
}

std::optional<StorageOp> ParseStorageOp(std::string_view name) {
  return ParseEnumName(
      name,
      {StorageOp::kCreate, StorageOp::kRead, StorageOp::kAppend, StorageOp::kSync,
       StorageOp::kRename, StorageOp::kRemove, StorageOp::kSyncDir, StorageOp::kAny},
      StorageOpName);
}

std::string_view FaultActionName(FaultAction action) {
  switch (action) {
    case FaultAction::kCrash:
      return "crash";
    case FaultAction::kIoError:
      return "eio";
    case FaultAction::kNoSpace:
      return "enospc";
    case FaultAction::kShortWrite:
      return "short-write";
    case FaultAction::kFsyncgate:
      return "fsyncgate";
    case FaultAction::kLostWrite:
      return "lost-write";
    case FaultAction::kMisdirectedWrite:
      return "misdirected-write";
  }
  return "?";
}

std::optional<FaultAction> ParseFaultAction(std::string_view name) {
  return ParseEnumName(
      name,
      {FaultAction::kCrash, FaultAction::kIoError, FaultAction::kNoSpace, FaultAction::kShortWrite,
       FaultAction::kFsyncgate, FaultAction::kLostWrite, FaultAction::kMisdirectedWrite},
      FaultActionName);
}

std::string FaultRule::ToString() const {
  std::string out(FaultActionName(action));
  out += point.empty()
             ? " on " + std::string(StorageOpName(op)) + (file.empty() ? "" : " of *" + file + "*")
             : " at point " + point;
  out += nth > 0 ? " #" + std::to_string(nth) : " with probability " + std::to_string(probability);
  return out;
}

FaultPlan& FaultPlan::Add(FaultRule rule) {
  rules_.push_back(std::move(rule));
  return *this;
}

FaultPlan& FaultPlan::CrashAtPoint(std::string point, uint64_t nth) {
  return FailAtPoint(std::move(point), nth, FaultAction::kCrash);
}

FaultPlan& FaultPlan::FailAtPoint(std::string point, uint64_t nth, FaultAction action) {
  FaultRule rule;
  rule.point = std::move(point);
  rule.nth = nth;
  rule.action = action;
  return Add(std::move(rule));
}

FaultPlan& FaultPlan::CrashAtOp(StorageOp op, uint64_t nth, std::string file) {
  return FailOp(op, nth, FaultAction::kCrash, std::move(file));
}

FaultPlan& FaultPlan::FailOp(StorageOp op, uint64_t nth, FaultAction action, std::string file) {
  FaultRule rule;
  rule.op = op;
  rule.file = std::move(file);
  rule.nth = nth;
  rule.action = action;
  return Add(std::move(rule));
}

FaultPlan& FaultPlan::FailOpRandomly(StorageOp op, double probability, FaultAction action,
                                     std::string file) {
  FaultRule rule;
  rule.op = op;
  rule.file = std::move(file);
  rule.nth = 0;
  rule.probability = probability;
  rule.action = action;
  return Add(std::move(rule));
}

FaultPlan& FaultPlan::Seed(uint64_t seed) {
  seed_ = seed;
  return *this;
}

std::string FaultPlan::ToString() const {
  std::string out = "FaultPlan(seed=" + std::to_string(seed_);
  for (const FaultRule& rule : rules_) out += "; " + rule.ToString();
  return out + ")";
}

}  // namespace memdb
