// libFuzzer target for the math_accuracy reward (reward/math/): answer extraction, the LaTeX normaliser,
// the expression parser and the exact/MPFR comparison. The input is `completion \0 ground_truth` (no NUL:
// the whole input is the completion and also the ground truth). Besides "never crash, hang or allocate
// without bound", it checks:
//   - an extracted answer is a substring of the completion;
//   - Normalize is idempotent on both sides;
//   - the reward is 0 or 1, with one component equal to it, and a reason exactly when it is 0;
//   - the ground truth compared with itself is equal (or reported as a bad ground truth).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "reward/math/math_accuracy.h"

namespace {

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace reasonrl::reward;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string_view completion = input.substr(0, nul);
  const std::string_view truth = nul == std::string_view::npos ? input : input.substr(nul + 1);

  const std::optional<std::string> answer = ExtractAnswer(completion);
  if (answer.has_value()) Check(completion.find(*answer) != std::string_view::npos);

  const std::string answer_text = answer.value_or("");
  for (std::string_view side : {std::string_view(answer_text), truth}) {
    const std::string once = Normalize(side);
    Check(Normalize(once) == once);
  }

  Sample sample;
  sample.completion = std::string(completion);
  sample.ground_truth = std::string(truth);
  const Result r = MathAccuracy(sample);
  Check(r.value == 0.0 || r.value == 1.0);
  Check(r.components.size() == 1 && r.components[0].name == "math_accuracy" && r.components[0].value == r.value);
  Check((r.value == 1.0) == r.reason.empty());

  // The truth against itself: identical normalised text is equal (or the truth is unusable).
  const Equivalence self = AnswersEquivalent(truth, truth);
  Check(self.verdict == Verdict::kEqual || self.verdict == Verdict::kBadGroundTruth);
  return 0;
}
