// reasonrl data countdown|arithmetic|tiny-tokenizer: synthetic R1-Zero tasks and a tiny tokenizer, so
// small experiments run with no download.
//
//   reasonrl data countdown  --size N --test-size M --output-dir DIR [--seed S] [--min-numbers 3]
//                            [--max-numbers 4] [--min-number 1] [--max-number 100] [--target-min 1]
//                            [--target-max 1000]
//   reasonrl data arithmetic --size N --test-size M --output-dir DIR [--seed S] [--ops +,-,*,/]
//                            [--min-digits 1] [--max-digits 3]
//   reasonrl data tiny-tokenizer --output-dir DIR
//
// The task commands write DIR/train.jsonl (N lines) and DIR/test.jsonl (M lines), no puzzle twice and
// none in both (trainer/tasks/task_files.h), byte-identical for the same flags; then print one summary
// line. Torch-free translation unit (library reasonrl_cli_data).
#include <charconv>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "model/status_macros.h"
#include "trainer/cli/commands.h"
#include "trainer/tasks/arithmetic.h"
#include "trainer/tasks/countdown.h"
#include "trainer/tasks/task_files.h"
#include "trainer/tasks/tiny_tokenizer.h"

namespace reasonrl::cli {
namespace {

struct SplitFlags {
  tasks::TaskSplitConfig split;
  std::string output_dir;
};

// CLI11 alone saturates out-of-range integers ("-1" or 2^64 for a uint64_t flag become 2^64 - 1, 10^20 for
// an int64_t flag becomes 2^63 - 1); these validators accept exactly the values the type holds.
template <typename T>
std::string IntegerText(const std::string& v, const char* range) {
  T value = 0;
  const char* end = v.data() + v.size();
  auto [ptr, ec] = std::from_chars(v.data(), end, value);
  if (v.empty() || ec != std::errc() || ptr != end) return std::string("expected an integer in ") + range + ", got " + v;
  return "";
}
std::string Uint64Text(const std::string& v) { return IntegerText<uint64_t>(v, "[0, 2^64 - 1]"); }
std::string Int64Text(const std::string& v) { return IntegerText<int64_t>(v, "[-2^63, 2^63 - 1]"); }

void AddSplitFlags(CLI::App* cmd, SplitFlags& f) {
  cmd->add_option("--size", f.split.train_size, "number of training items (train.jsonl lines)")->check(Int64Text)->required();
  cmd->add_option("--test-size", f.split.test_size, "number of test items (test.jsonl lines)")->check(Int64Text)->required();
  cmd->add_option("--seed", f.split.seed, "random seed (unsigned 64-bit)")
      ->check(Uint64Text)
      ->capture_default_str();
  cmd->add_option("--output-dir", f.output_dir, "directory for train.jsonl and test.jsonl (created if missing)")
      ->required();
}

absl::Status GenerateAndWrite(const SplitFlags& f, const tasks::DrawTaskFn& draw) {
  ASSIGN_OR_RETURN(tasks::TaskSplits splits, tasks::GenerateTaskSplits(f.split, draw));
  RETURN_IF_ERROR(tasks::WriteTaskSplits(f.output_dir, splits));
  std::cout << tasks::TaskSplitsSummary(f.output_dir, splits) << std::endl;
  return absl::OkStatus();
}

absl::Status RunCountdown(const SplitFlags& f, const tasks::CountdownConfig& config) {
  RETURN_IF_ERROR(config.Validate());
  return GenerateAndWrite(f, [&config](data::Rng& rng) -> absl::StatusOr<std::optional<tasks::TaskItem>> {
    ASSIGN_OR_RETURN(std::optional<tasks::CountdownPuzzle> puzzle, tasks::DrawCountdownPuzzle(config, rng));
    if (!puzzle) return std::optional<tasks::TaskItem>();
    return std::optional<tasks::TaskItem>(tasks::TaskItem{tasks::CountdownKey(*puzzle), tasks::CountdownLine(*puzzle)});
  });
}

absl::Status RunArithmetic(const SplitFlags& f, const std::string& ops, tasks::ArithmeticConfig config) {
  ASSIGN_OR_RETURN(config.ops, tasks::ParseArithmeticOps(ops));
  RETURN_IF_ERROR(config.Validate());
  return GenerateAndWrite(f, [&config](data::Rng& rng) -> absl::StatusOr<std::optional<tasks::TaskItem>> {
    tasks::ArithmeticProblem p = tasks::DrawArithmeticProblem(config, rng);
    return std::optional<tasks::TaskItem>(tasks::TaskItem{tasks::ArithmeticKey(p), tasks::ArithmeticLine(p)});
  });
}

absl::Status RunTinyTokenizer(const std::string& output_dir) {
  RETURN_IF_ERROR(tasks::WriteTinyTokenizer(output_dir));
  std::cout << "wrote " << output_dir << "/tokenizer.json and " << output_dir << "/tokenizer_config.json ("
            << tasks::kTinyVocabSize << " tokens)" << std::endl;
  return absl::OkStatus();
}

}  // namespace

void AddDataCommand(CLI::App& app, Action& action) {
  CLI::App* data = app.add_subcommand("data", "Generate synthetic task datasets and a tiny tokenizer");
  data->require_subcommand(1);

  auto countdown_split = std::make_shared<SplitFlags>();
  auto countdown = std::make_shared<tasks::CountdownConfig>();
  CLI::App* cd = data->add_subcommand("countdown", "Countdown puzzles (TinyZero's task), each checked solvable");
  AddSplitFlags(cd, *countdown_split);
  cd->add_option("--min-numbers", countdown->min_numbers, "fewest numbers per puzzle")->check(Int64Text)->capture_default_str();
  cd->add_option("--max-numbers", countdown->max_numbers, "most numbers per puzzle (at most 6)")->check(Int64Text)->capture_default_str();
  cd->add_option("--min-number", countdown->min_number, "smallest number")->check(Int64Text)->capture_default_str();
  cd->add_option("--max-number", countdown->max_number, "largest number")->check(Int64Text)->capture_default_str();
  cd->add_option("--target-min", countdown->target_min, "smallest target")->check(Int64Text)->capture_default_str();
  cd->add_option("--target-max", countdown->target_max, "largest target")->check(Int64Text)->capture_default_str();
  cd->callback([countdown_split, countdown, &action] {
    action = [countdown_split, countdown] { return RunCountdown(*countdown_split, *countdown); };
  });

  auto arithmetic_split = std::make_shared<SplitFlags>();
  auto arithmetic = std::make_shared<tasks::ArithmeticConfig>();
  auto ops = std::make_shared<std::string>("+,-,*,/");
  CLI::App* ar = data->add_subcommand("arithmetic", "Multi-digit + - * and exact / with exact answers");
  AddSplitFlags(ar, *arithmetic_split);
  ar->add_option("--ops", *ops, "operations, comma-separated, from + - * /")->capture_default_str();
  ar->add_option("--min-digits", arithmetic->min_digits, "fewest digits per operand")->check(Int64Text)->capture_default_str();
  ar->add_option("--max-digits", arithmetic->max_digits, "most digits per operand")->check(Int64Text)->capture_default_str();
  ar->callback([arithmetic_split, arithmetic, ops, &action] {
    action = [arithmetic_split, arithmetic, ops] { return RunArithmetic(*arithmetic_split, *ops, *arithmetic); };
  });

  auto tokenizer_dir = std::make_shared<std::string>();
  CLI::App* tt = data->add_subcommand("tiny-tokenizer", "Write a 268-token byte-level BPE tokenizer for the tasks");
  tt->add_option("--output-dir", *tokenizer_dir, "directory for tokenizer.json and tokenizer_config.json")->required();
  tt->callback([tokenizer_dir, &action] { action = [tokenizer_dir] { return RunTinyTokenizer(*tokenizer_dir); }; });
}

}  // namespace reasonrl::cli
