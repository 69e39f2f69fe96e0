// The labelled corpus tests/data/reward/math_equivalence.jsonl (written independently of the scorer,
// cross-checked with sympy; see tests/data/reward/README.md): every case must score its label. Failing
// cases are printed with the extracted answer, both normalised sides and the reason.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "reward/math/math_accuracy.h"

namespace reasonrl::reward {
namespace {

struct Case {
  std::string id, completion, ground_truth, category;
  int expected = 0;
};

std::vector<Case> LoadCases() {
  const std::string path = std::string(REASONRL_TEST_DATA_DIR) + "/reward/math_equivalence.jsonl";
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::vector<Case> cases;
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) continue;
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      ADD_FAILURE() << path << ":" << line_number << ": not a JSON object";
      continue;
    }
    Case c;
    c.id = j.value("id", "");
    c.completion = j.value("completion", "");
    c.ground_truth = j.value("ground_truth", "");
    c.category = j.value("category", "");
    c.expected = j.value("expected", -1);
    if (c.id.empty() || (c.expected != 0 && c.expected != 1)) {
      ADD_FAILURE() << path << ":" << line_number << ": needs an id and expected 0 or 1";
      continue;
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

TEST(MathCorpusTest, EveryLabelledCaseScoresItsLabel) {
  const std::vector<Case> cases = LoadCases();
  ASSERT_GE(cases.size(), 500u);
  int passed = 0;
  std::ostringstream failures;
  for (const Case& c : cases) {
    Sample sample;
    sample.completion = c.completion;
    sample.ground_truth = c.ground_truth;
    const Result r = MathAccuracy(sample);
    ASSERT_EQ(r.components.size(), 1u);
    EXPECT_EQ(r.components[0].name, "math_accuracy");
    EXPECT_EQ(r.components[0].value, r.value);
    if (static_cast<int>(r.value) == c.expected) {
      ++passed;
      continue;
    }
    const std::optional<std::string> answer = ExtractAnswer(c.completion);
    failures << c.id << " (" << c.category << "): expected " << c.expected << ", got " << r.value
             << " [" << r.reason << "]\n    answer " << (answer ? "{" + *answer + "}" : "none")
             << " -> {" << (answer ? Normalize(*answer) : "") << "}  truth {" << Normalize(c.ground_truth)
             << "}\n";
  }
  std::printf("math corpus: %d / %zu cases pass\n", passed, cases.size());
  EXPECT_EQ(passed, static_cast<int>(cases.size())) << failures.str();
}

}  // namespace
}  // namespace reasonrl::reward
