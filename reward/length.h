// Length shaping: DAPO's soft overlong punishment (`overlong`) and a repetition penalty (`repetition`).
// Both are penalties: values in [-penalty_factor, 0] and [-max_penalty, 0].
//
// overlong (DAPO, arXiv 2503.14476 eq. 13; verl/workers/reward_manager/dapo.py). With |y| =
// Sample.completion_tokens, L_max = the configured max_tokens or else Sample.max_tokens, and
// L_cache = buffer_tokens:
//     penalty(|y|) = 0                                          if |y| <= L_max - L_cache
//                  = -(|y| - (L_max - L_cache)) / L_cache · f   if L_max - L_cache < |y| <= L_max
//                  = -f                                         if |y| > L_max
// (f = penalty_factor; verl writes min(-(|y| - (L_max - L_cache))/L_cache · f, 0), which equals this up to
// L_max.) A truncated sample (finish_reason kLength) gets -f whatever its count: it did not finish inside
// the limit. L_max unknown (0 in both places) → 0 with reason "unknown_max_tokens"; L_cache > L_max is a
// config error when max_tokens is configured, and is clamped to L_max when it comes from the sample.
//
// repetition (open-r1, src/open_r1/rewards.py get_repetition_penalty_reward): over the completion's
// n-grams, of words (whitespace-separated, lower-cased: open-r1's text.lower().split()) or of token ids
// (Sample.completion_token_ids),
//     penalty = -max_penalty · (1 - distinct n-grams / total n-grams)
// and 0 when the completion has fewer than n units. open-r1 writes max_penalty as a negative number and
// multiplies; here it is the magnitude (>= 0) and the sign is in the formula.
//
// Thread-safe pure functions; never throw.
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "reward/reward.h"

namespace reasonrl::reward {

struct OverlongConfig {
  int64_t buffer_tokens = 4096;  // L_cache: the soft zone below L_max in which the penalty ramps down
  double penalty_factor = 1.0;   // f: the penalty at L_max
  int64_t max_tokens = 0;        // L_max; 0 = the sample's max_tokens (the limit the rollout applied)

  // InvalidArgument naming the field: buffer_tokens >= 1, penalty_factor finite and >= 0,
  // max_tokens >= 0 and, when set, >= buffer_tokens.
  absl::Status Validate() const;
};

// The formula above for a finished sample of `length` tokens. REQUIRES: 0 < buffer_tokens <= max_tokens.
double OverlongPenalty(int64_t length, int64_t max_tokens, int64_t buffer_tokens, double penalty_factor);

// Result{p, {{"overlong", p}}, reason}. Reasons: "" when p == 0, "truncated" (finish_reason kLength),
// "overlong: N tokens past L_max - L_cache", "unknown_max_tokens", "invalid_config: <detail>".
Result Overlong(const Sample& sample, const OverlongConfig& config = OverlongConfig());

enum class NgramUnit { kWords, kTokens };

struct RepetitionConfig {
  int n = 3;                           // n-gram size (open-r1's ngram_size)
  NgramUnit unit = NgramUnit::kWords;  // words | tokens
  double max_penalty = 1.0;            // the penalty of a completion made of one repeated n-gram

  // InvalidArgument naming the field: n in [1, 64], max_penalty finite and >= 0.
  absl::Status Validate() const;
};

// Result{p, {{"repetition", p}}, reason}. Reasons: "" when p == 0, "repetition: D distinct of T n-grams",
// "no_token_ids" (unit tokens but the sample carries no ids while completion_tokens > 0),
// "invalid_config: <detail>".
Result Repetition(const Sample& sample, const RepetitionConfig& config = RepetitionConfig());

}  // namespace reasonrl::reward
