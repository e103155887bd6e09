#include "memdb/testing/durable_db_test.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "memdb/testing/test_names.h"

namespace memdb::testing {

namespace {
// A part of a parameter's name: the enum's one spelling, capitalized ("Serializable").
std::string Capitalized(std::string_view name) {
  std::string out(name);
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}
}  // namespace

std::string DurableConfigName(const ::testing::TestParamInfo<DurableConfig>& info) {
  std::string name = Capitalized(IsolationLevelName(info.param.isolation));
  name.append("_").append(Capitalized(SyncModeName(info.param.sync_mode))).append("_");
  name.append(SanitizeName(info.param.crash_model.Name()));
  return name;
}

std::vector<DurableConfig> DurableConfigs(const std::vector<IsolationLevel>& isolations,
                                          const std::vector<SyncMode>& sync_modes,
                                          const std::vector<CrashModel>& crash_models) {
  std::vector<DurableConfig> configs;
  for (IsolationLevel isolation : isolations) {
    for (SyncMode sync_mode : sync_modes) {
      for (const CrashModel& model : crash_models) {
        configs.push_back(DurableConfig{isolation, sync_mode, model});
      }
    }
  }
  return configs;
}

void PrintTo(const DurableConfig& config, std::ostream* os) {
  *os << "{" << IsolationLevelName(config.isolation) << ", sync " << SyncModeName(config.sync_mode)
      << ", crash " << config.crash_model.Name() << "}";
}

DurableDbTest::DurableDbTest() : fs_(std::make_shared<FaultyFileSystem>()) {}
DurableDbTest::~DurableDbTest() = default;

Options DurableDbTest::MakeOptions() const {
  Options options;
  options.default_isolation = config().isolation;
  options.sync_mode = config().sync_mode;
  return options;
}

void DurableDbTest::SetUp() {
  options_ = MakeOptions();
  options_.path = "db";
  options_.file_system = fs_;
  const Status s = Open();
  ASSERT_TRUE(s.ok()) << "DurableDbTest could not open its database: " << s;
  RequestGoldenIfTheSuiteAsks();
}

void DurableDbTest::TearDown() {
  CheckGoldenAtEnd(db_.has_value() ? &*db_ : nullptr);
  db_.reset();
}

Status DurableDbTest::Open() {
  Result<Db> opened = Db::Open(options_);
  if (!opened.ok()) return opened.status();
  db_.emplace(std::move(opened).value());
  return Status::OK();
}

Db& DurableDbTest::db() {
  if (!db_.has_value()) {
    std::fprintf(stderr,
                 "memdb::testing::DurableDbTest::db(): no database (SetUp failed, or the last "
                 "Reopen/CrashAndRecover returned an error)\n");
    std::abort();
  }
  return *db_;
}

Status DurableDbTest::Reopen() {
  db_.reset();  // a clean close: the log is synced and the directory unlocked
  return Open();
}

Status DurableDbTest::CrashAndRecover(const CrashModel& model) {
  // Power first: closing the database before the crash would sync what the crash must lose.
  fs_->Restart(model);
  db_.reset();  // its handles are stale; closing it touches nothing durable
  return Open();
}

Status DurableDbTest::CrashAndRecover() { return CrashAndRecover(config().crash_model); }

const RecoveryReport& DurableDbTest::recovery_report() { return db().recovery_report(); }

void DurableDbTest::SetFaultPlan(FaultPlan plan) { fs_->SetPlan(std::move(plan)); }

}  // namespace memdb::testing
