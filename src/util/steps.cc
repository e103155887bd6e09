#include "util/steps.h"

#include <array>
#include <utility>

namespace memdb {
namespace {

// Indexed by EngineStep; the one place these spellings are written.
constexpr std::array<std::pair<EngineStep, std::string_view>, 10> kStepNames = {{
    {EngineStep::kTxnBegin, "txn.begin"},
    {EngineStep::kTxnGet, "txn.get"},
    {EngineStep::kTxnPut, "txn.put"},
    {EngineStep::kTxnDelete, "txn.delete"},
    {EngineStep::kTxnScan, "txn.scan"},
    {EngineStep::kTxnCommit, "txn.commit"},
    {EngineStep::kTxnRollback, "txn.rollback"},
    {EngineStep::kCommitPersist, "commit.persist"},
    {EngineStep::kCommitPublish, "commit.publish"},
    {EngineStep::kCheckpoint, "checkpoint"},
}};

constexpr bool IndexedByStep() {
  for (size_t i = 0; i < kStepNames.size(); ++i) {
    if (static_cast<size_t>(kStepNames[i].first) != i) return false;
  }
  return true;
}
static_assert(IndexedByStep(), "kStepNames must list the steps in enum order");

}  // namespace

std::string_view EngineStepName(EngineStep step) {
  return kStepNames[static_cast<size_t>(step)].second;
}

std::optional<EngineStep> ParseEngineStep(std::string_view name) {
  for (const auto& [step, spelling] : kStepNames) {
    if (spelling == name) return step;
  }
  return std::nullopt;
}

}  // namespace memdb
