// reasonrl score --reward NAME|SPEC [--jsonl-in FILE] [--workers N]
//
// Scores completions with the reward library, offline: reads JSON lines (stdin, or FILE) and writes each
// line back, in order, with "reward" (the weighted sum), "components" (an object, name → unweighted
// value, in the spec's order) and, when non-empty, "reason" added. Input fields keep their exact source
// text and order; "reward", "components" and "reason" already present are replaced (a scored file can be
// scored again).
//
// NAME is one reward of the registry with its default parameters (`reasonrl score --help` lists them);
// SPEC is a reward spec file, YAML (reward/spec_yaml.h) or, when it ends in .json, JSON (reward_spec.h).
//
// The fields of a line (reward::Sample):
//   completion            required string: the model's text
//   prompt                optional string (the format reward reads whether it opens <think>)
//   answer                optional string or number (kept as written: 0.50 stays "0.50"): the ground truth
//   completion_tokens     optional integer >= 0 (overlong shaping)
//   max_tokens            optional integer >= 0 (overlong shaping; 0 = unknown)
//   finish_reason         optional "stop" | "eos" | "length" | "unknown"
//   completion_token_ids  optional array of integers (the repetition reward's token n-grams)
//   anything else         a task field, handed on verbatim as JSON text in Sample::extra_json, e.g.
//                         "numbers" and "target" (countdown), "tests" (code), "language"
//
// Every line is read and checked before anything is scored or written: a line that is not a JSON object,
// a blank line, a duplicate key or a mistyped field is an error naming the input and line ("stdin:17:
// field \"completion\": expected a string, got number"), with a non-zero exit and nothing on stdout.
// Samples are scored on --workers threads with the spec's timeout_seconds each (reward/worker_pool.h);
// one that runs out of time scores 0 with reason "timeout".
//
// Torch-free, gRPC-free translation unit (library reasonrl_cli_reward).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "model/status_macros.h"
#include "nlohmann/json.hpp"
#include "reward/registry.h"
#include "reward/reward_spec.h"
#include "reward/spec_yaml.h"
#include "reward/worker_pool.h"
#include "trainer/cli/commands.h"
#include "trainer/data/jsonl_reader.h"

namespace reasonrl::cli {
namespace {

using json = nlohmann::json;

struct ScoreFlags {
  std::string reward;
  std::string jsonl_in;  // "" = stdin
  int workers = 0;       // 0 = one per core
};

// A reward name with default parameters, or a spec file.
absl::StatusOr<reward::RewardSpec> ResolveSpec(const std::string& reward_or_file) {
  for (const std::string& name : reward::RewardNames()) {
    if (name == reward_or_file) {
      return reward::RewardSpecFromJson(json{{"rewards", json::array({json{{"name", name}}})}}.dump(),
                                        absl::StrCat("--reward ", name));
    }
  }
  std::ifstream in(reward_or_file, std::ios::binary);
  std::stringstream text;
  if (!in || !(text << in.rdbuf())) {
    return absl::InvalidArgumentError(absl::StrCat("--reward: \"", reward_or_file, "\" is neither a reward (",
                                                   absl::StrJoin(reward::RewardNames(), ", "),
                                                   ") nor a readable spec file"));
  }
  if (absl::EndsWith(reward_or_file, ".json")) return reward::RewardSpecFromJson(text.str(), reward_or_file);
  return reward::RewardSpecFromYaml(text.str(), reward_or_file);
}

// One input line: the sample, and the line's fields (key → exact source text) to write back.
struct Line {
  reward::Sample sample;
  std::vector<std::pair<std::string, std::string>> fields;
};

absl::Status FieldError(const std::string& field, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat("field \"", field, "\": ", what));
}

absl::StatusOr<int64_t> NonNegativeInteger(const nlohmann::ordered_json& value, const std::string& field) {
  if (!value.is_number_integer() ||
      (value.is_number_integer() && !value.is_number_unsigned() && value.get<int64_t>() < 0)) {
    return FieldError(field, absl::StrCat("expected an integer >= 0, got ", value.dump()));
  }
  if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return FieldError(field, absl::StrCat("too large: ", value.dump()));
  }
  return value.get<int64_t>();
}

absl::StatusOr<Line> ParseLine(const std::string& text) {
  ASSIGN_OR_RETURN(data::JsonObjectLine object, data::JsonObjectLine::Parse(text));
  // JsonObjectLine has the source texts; the keys in order come from a plain parse (already known valid).
  const nlohmann::ordered_json keys = nlohmann::ordered_json::parse(text);
  Line line;
  reward::Sample& s = line.sample;
  bool has_completion = false;
  for (const auto& [key, value] : keys.items()) {
    if (key == "reward" || key == "components" || key == "reason") continue;  // ours: replaced
    ASSIGN_OR_RETURN(std::string raw, object.RawText(key));
    line.fields.emplace_back(key, raw);
    const nlohmann::ordered_json& v = value;
    if (key == "completion") {
      if (!v.is_string()) return FieldError(key, absl::StrCat("expected a string, got ", v.type_name()));
      s.completion = v.get<std::string>();
      has_completion = true;
    } else if (key == "prompt") {
      if (!v.is_string()) return FieldError(key, absl::StrCat("expected a string, got ", v.type_name()));
      s.prompt = v.get<std::string>();
    } else if (key == "answer") {
      if (v.is_string()) {
        s.ground_truth = v.get<std::string>();
      } else if (v.is_number()) {
        s.ground_truth = raw;  // as written
      } else {
        return FieldError(key, absl::StrCat("expected a string or a number, got ", v.type_name()));
      }
    } else if (key == "completion_tokens") {
      ASSIGN_OR_RETURN(s.completion_tokens, NonNegativeInteger(v, key));
    } else if (key == "max_tokens") {
      ASSIGN_OR_RETURN(s.max_tokens, NonNegativeInteger(v, key));
    } else if (key == "finish_reason") {
      const std::string r = v.is_string() ? v.get<std::string>() : "";
      if (r == "stop" || r == "eos") {
        s.finish_reason = reward::FinishReason::kStop;
      } else if (r == "length") {
        s.finish_reason = reward::FinishReason::kLength;
      } else if (r == "unknown") {
        s.finish_reason = reward::FinishReason::kUnknown;
      } else {
        return FieldError(key, absl::StrCat("expected \"stop\", \"eos\", \"length\" or \"unknown\", got ", v.dump()));
      }
    } else if (key == "completion_token_ids") {
      if (!v.is_array()) return FieldError(key, absl::StrCat("expected an array of integers, got ", v.type_name()));
      for (size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_number_integer() ||
            (v[i].is_number_unsigned() && v[i].get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))) {
          return FieldError(key, absl::StrCat("element ", i, ": expected an integer, got ", v[i].dump()));
        }
        s.completion_token_ids.push_back(v[i].get<int64_t>());
      }
    } else {
      s.extra_json[key] = raw;
    }
  }
  if (!has_completion) return FieldError("completion", "missing (each line needs the completion to score)");
  return line;
}

absl::StatusOr<std::vector<Line>> ReadLines(std::istream& in, const std::string& source) {
  std::vector<Line> lines;
  std::string text;
  for (int64_t n = 1; std::getline(in, text); ++n) {
    if (!text.empty() && text.back() == '\r') text.pop_back();
    absl::StatusOr<Line> line = ParseLine(text);
    if (!line.ok()) return absl::InvalidArgumentError(absl::StrCat(source, ":", n, ": ", line.status().message()));
    lines.push_back(*std::move(line));
  }
  if (in.bad()) return absl::DataLossError(absl::StrCat("score: reading ", source, " failed"));
  return lines;
}

std::string OutputLine(const Line& line, const reward::Result& result) {
  auto dump = [](const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); };
  std::string out = "{";
  for (const auto& [key, raw] : line.fields) absl::StrAppend(&out, dump(key), ":", raw, ",");
  absl::StrAppend(&out, "\"reward\":", dump(result.value), ",\"components\":{");
  for (size_t i = 0; i < result.components.size(); ++i) {
    absl::StrAppend(&out, i ? "," : "", dump(result.components[i].name), ":", dump(result.components[i].value));
  }
  out += "}";
  if (!result.reason.empty()) absl::StrAppend(&out, ",\"reason\":", dump(result.reason));
  out += "}\n";
  return out;
}

absl::Status RunScore(const ScoreFlags& f) {
  ASSIGN_OR_RETURN(reward::RewardSpec spec, ResolveSpec(f.reward));
  reward::SetCodeServerFields(reward::CodeConfig(), &spec);  // the code reward's defaults: caps, python, sandbox
  absl::StatusOr<std::vector<Line>> lines;
  if (f.jsonl_in.empty()) {
    lines = ReadLines(std::cin, "stdin");
  } else {
    std::ifstream in(f.jsonl_in, std::ios::binary);
    if (!in) return absl::NotFoundError(absl::StrCat("--jsonl-in ", f.jsonl_in, ": cannot open it"));
    lines = ReadLines(in, f.jsonl_in);
  }
  RETURN_IF_ERROR(lines.status());

  // Chunks of lines are scored as batches; each chunk is written as soon as it and those before it are done.
  constexpr size_t kChunk = 1024;
  reward::ScoringPoolOptions options;
  options.num_workers = f.workers;
  options.max_queued_samples = static_cast<int64_t>(lines->size()) + 1;
  auto pool = std::make_unique<reward::ScoringPool>(options);
  std::vector<std::future<std::vector<reward::Result>>> chunks;
  for (size_t begin = 0; begin < lines->size(); begin += kChunk) {
    const size_t end = std::min(lines->size(), begin + kChunk);
    reward::ScoringBatch batch;
    batch.spec = spec;
    for (size_t i = begin; i < end; ++i) batch.samples.push_back((*lines)[i].sample);
    auto promise = std::make_shared<std::promise<std::vector<reward::Result>>>();
    chunks.push_back(promise->get_future());
    RETURN_IF_ERROR(pool->Submit(
        std::move(batch), [promise](std::vector<reward::Result> results) { promise->set_value(std::move(results)); }));
  }
  for (size_t c = 0; c < chunks.size(); ++c) {
    const std::vector<reward::Result> results = chunks[c].get();
    std::string out;
    for (size_t i = 0; i < results.size(); ++i) out += OutputLine((*lines)[c * kChunk + i], results[i]);
    std::cout << out;
  }
  std::cout.flush();
  if (!std::cout) return absl::DataLossError("score: writing stdout failed");
  const int abandoned = pool->stats().abandoned_running;
  pool.reset();
  if (abandoned > 0) {
    // Threads still run abandoned samples (reward/worker_pool.h): leave without running static
    // destructors under them.
    std::quick_exit(0);
  }
  return absl::OkStatus();
}

}  // namespace

void AddScoreCommand(CLI::App& app, Action& action) {
  auto flags = std::make_shared<ScoreFlags>();
  CLI::App* score =
      app.add_subcommand("score", "Score JSON lines of completions with a reward or a reward spec (stdin → stdout)");
  score->add_option("--reward", flags->reward, "a reward name (default parameters) or a spec file (.yaml, .json)")
      ->required();
  score->add_option("--jsonl-in", flags->jsonl_in, "read the lines from FILE instead of stdin");
  score->add_option("--workers", flags->workers, "threads scoring samples; 0 = one per core")
      ->check(CLI::Range(0, 4096))
      ->capture_default_str();
  score->footer("Rewards and their parameters:\n" + reward::RewardHelpText());
  score->callback([flags, &action] { action = [flags] { return RunScore(*flags); }; });
}

}  // namespace reasonrl::cli
