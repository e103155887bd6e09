#include "memdb/testing/scenario_tests.h"

#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace memdb::testing {
namespace {

// A registered test whose body is a closure over the script's path and the options.
class ScenarioCase : public ::testing::Test {
 public:
  explicit ScenarioCase(std::function<void()> body) : body_(std::move(body)) {}
  void TestBody() override { body_(); }

 private:
  std::function<void()> body_;
};

// GoogleTest names may hold only [A-Za-z0-9_].
std::string TestName(std::string name) {
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

void Register(const std::string& suite, const std::string& name, const std::string& file,
              std::function<void()> body) {
  ::testing::RegisterTest(
      suite.c_str(), TestName(name).c_str(), nullptr, nullptr, file.c_str(), 1,
      [body = std::move(body)]() -> ::testing::Test* { return new ScenarioCase(body); });
}

}  // namespace

void RunScenarioTest(const std::string& path, const ScenarioTestOptions& options) {
  Result<Scenario> scenario = ParseScenarioFile(path);
  if (!scenario.ok()) {
    ADD_FAILURE_AT(path.c_str(), 0) << scenario.status().message();
    return;
  }
  ScenarioRunOptions run_options;
  run_options.golden_dir = options.golden_dir;
  const ScenarioResult result = RunScenario(*scenario, run_options);
  for (const ScenarioFailure& f : result.failures) {
    ADD_FAILURE_AT(f.location.file.c_str(), f.location.line) << f.command << "\n" << f.message;
  }
  if (!result.error.ok()) {
    ADD_FAILURE_AT(path.c_str(), 0) << "the script stopped: " << result.error.ToString();
  }
}

void ExploreScenarioTest(const std::string& path, const ScenarioTestOptions& options) {
  Result<Scenario> scenario = ParseScenarioFile(path);
  if (!scenario.ok()) {
    ADD_FAILURE_AT(path.c_str(), 0) << scenario.status().message();
    return;
  }
  ScenarioExploreOptions explore;
  if (!options.explore_models.empty()) explore.explorer.models = options.explore_models;
  Result<ExplorerReport> report = ExploreScenario(*scenario, explore);
  if (!report.ok()) {
    ADD_FAILURE_AT(path.c_str(), 0) << report.status().message();
    return;
  }
  EXPECT_TRUE(report->ok()) << report->ToString();
  ::testing::Test::RecordProperty("crash_states", static_cast<int>(report->states));
}

int RegisterScenarioTests(const std::string& dir, const ScenarioTestOptions& options) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) {
    const std::string why = std::strerror(errno);
    Register(options.suite, "FolderIsReadable", dir, [dir, why] {
      ADD_FAILURE() << "cannot read the scenario folder " << dir << ": " << why;
    });
    return 0;
  }
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name.size() > 4 && name.ends_with(".scn")) names.push_back(name.substr(0, name.size() - 4));
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    const std::string path = dir + "/" + name + ".scn";
    Register(options.suite, name, path, [path, options] { RunScenarioTest(path, options); });
    if (options.explore) {
      Register(options.suite + "Explore", name, path,
               [path, options] { ExploreScenarioTest(path, options); });
    }
  }
  return static_cast<int>(names.size());
}

}  // namespace memdb::testing
