// Tokenizer encode speed in MB/s, the peer being Hugging Face `tokenizers` measured by
// scripts/gpu/bench_hf_tokenizer.py on the same text in the same run (scripts/gpu/bench_tokenizer.sh).
//
//   tokenizer_benchmark --tokenizer .cache/tokenizers/deepseek_v3/tokenizer.json \
//       --corpus tests/data/tokenizer/corpus.jsonl --min-mb 4 --threads 1,2,16 [--repeat 3]
//
// The text is the corpus's strings repeated until at least --min-mb MB (the Python script's rule).
// `encode`: Tokenizer::Encode on one string at a time, on the calling thread.
// `encode_batch`: Tokenizer::EncodeBatch over all strings with N threads.
// Prints one JSON line per figure (best of --repeat), plus the token count as a check that both sides
// did the same work.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "model/tokenizer/tokenizer.h"
#include "nlohmann/json.hpp"

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Tokenizer encode throughput (MB/s)"};
  std::string tokenizer_path, corpus_path;
  double min_mb = 4.0;
  std::vector<int> threads = {1, 2, 16};
  int repeat = 3;
  app.add_option("--tokenizer", tokenizer_path, "tokenizer.json or model directory")->required();
  app.add_option("--corpus", corpus_path, "JSON lines with a \"text\" field")->required();
  app.add_option("--min-mb", min_mb, "repeat the corpus until this many MB")->capture_default_str();
  app.add_option("--threads", threads, "thread counts for encode_batch")->delimiter(',')->capture_default_str();
  app.add_option("--repeat", repeat, "runs per figure; the best is printed")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::ifstream in(corpus_path);
  if (!in) {
    std::cerr << corpus_path << ": cannot open\n";
    return 1;
  }
  std::vector<std::string> base;
  for (std::string line; std::getline(in, line);) base.push_back(nlohmann::json::parse(line).at("text"));
  std::vector<std::string> texts;
  size_t bytes = 0;
  while (bytes < min_mb * 1e6) {
    for (const std::string& t : base) {
      texts.push_back(t);
      bytes += t.size();
    }
  }

  const auto load_start = std::chrono::steady_clock::now();
  auto tokenizer = reasonrl::Tokenizer::Load(tokenizer_path);
  if (!tokenizer.ok()) {
    std::cerr << tokenizer.status().message() << "\n";
    return 1;
  }
  const double load_s = Seconds(load_start);
  const reasonrl::Tokenizer& tok = **tokenizer;
  tok.EncodeBatch(std::vector<std::string>(texts.begin(), texts.begin() + std::min<size_t>(100, texts.size())),
                  false, 1);  // warm-up

  auto emit = [&](const char* what, int n_threads, double best_s, size_t tokens) {
    nlohmann::json j = {{"impl", "reasonrl"},     {"what", what},   {"threads", n_threads},
                        {"bytes", bytes},         {"tokens", tokens}, {"mb_s", bytes / best_s / 1e6},
                        {"load_s", load_s},       {"tokenizer", tokenizer_path}};
    std::cout << j.dump() << std::endl;
  };

  double best = 1e30;
  size_t tokens = 0;
  for (int r = 0; r < repeat; ++r) {
    const auto start = std::chrono::steady_clock::now();
    tokens = 0;
    for (const std::string& t : texts) tokens += tok.Encode(t, false).size();
    best = std::min(best, Seconds(start));
  }
  emit("encode", 1, best, tokens);

  for (int n : threads) {
    best = 1e30;
    for (int r = 0; r < repeat; ++r) {
      const auto start = std::chrono::steady_clock::now();
      std::vector<std::vector<int32_t>> out = tok.EncodeBatch(texts, false, n);
      best = std::min(best, Seconds(start));
      tokens = 0;
      for (const auto& ids : out) tokens += ids.size();
    }
    emit("encode_batch", n, best, tokens);
  }
  return 0;
}
