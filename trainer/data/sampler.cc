#include "trainer/data/sampler.h"

#include <numeric>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "trainer/data/random.h"

namespace reasonrl::data {

absl::StatusOr<Remainder> ParseRemainder(std::string_view name) {
  if (name == "uneven") return Remainder::kUneven;
  if (name == "drop_last") return Remainder::kDropLast;
  if (name == "pad") return Remainder::kPad;
  return absl::InvalidArgumentError(
      absl::StrCat("remainder: expected \"uneven\", \"drop_last\" or \"pad\", got \"", std::string(name), "\""));
}

const char* RemainderName(Remainder remainder) {
  switch (remainder) {
    case Remainder::kUneven: return "uneven";
    case Remainder::kDropLast: return "drop_last";
    case Remainder::kPad: return "pad";
  }
  return "?";
}

absl::StatusOr<ShardedSampler> ShardedSampler::Create(int64_t num_samples, Config config) {
  if (num_samples < 1) return absl::InvalidArgumentError(absl::StrCat("sampler: num_samples ", num_samples, " < 1"));
  const int64_t w = config.world_size;
  if (w < 1) return absl::InvalidArgumentError(absl::StrCat("sampler: world_size ", w, " < 1"));
  if (config.rank < 0 || config.rank >= w) {
    return absl::InvalidArgumentError(absl::StrCat("sampler: rank ", config.rank, " outside [0, ", w, ")"));
  }
  const int64_t floor = num_samples / w, ceil = (num_samples + w - 1) / w;
  int64_t shard = 0;
  switch (config.remainder) {
    case Remainder::kUneven: shard = config.rank < num_samples % w ? ceil : floor; break;
    case Remainder::kDropLast: shard = floor; break;
    case Remainder::kPad: shard = ceil; break;
  }
  if (shard == 0) {
    return absl::InvalidArgumentError(absl::StrCat("sampler: ", num_samples, " samples over world_size ", w,
                                                   " leave rank ", config.rank, " none (remainder: ",
                                                   RemainderName(config.remainder), "; pad would repeat samples)"));
  }
  return ShardedSampler(num_samples, config, shard);
}

std::vector<int64_t> ShardedSampler::EpochOrder(int64_t epoch) const {
  std::vector<int64_t> order(static_cast<size_t>(num_samples_));
  std::iota(order.begin(), order.end(), int64_t{0});
  if (config_.shuffle) {
    Rng rng(MixSeed(config_.seed, static_cast<uint64_t>(epoch)));
    FisherYates(rng, order);
  }
  return order;
}

std::vector<int64_t> ShardedSampler::ShardIndices(int64_t epoch) const {
  const std::vector<int64_t> order = EpochOrder(epoch);
  std::vector<int64_t> shard;
  shard.reserve(static_cast<size_t>(shard_size_));
  // Position k of the shard is position rank + k*W of P_e, wrapped around for kPad's extension.
  for (int64_t k = 0; k < shard_size_; ++k) {
    const int64_t p = config_.rank + k * config_.world_size;
    shard.push_back(order[static_cast<size_t>(p % num_samples_)]);
  }
  return shard;
}

int64_t ShardedSampler::Next() {
  if (cursor_.position >= shard_size_) cursor_ = {cursor_.epoch + 1, 0};
  if (cached_epoch_ != cursor_.epoch) {
    cached_shard_ = ShardIndices(cursor_.epoch);
    cached_epoch_ = cursor_.epoch;
  }
  return cached_shard_[static_cast<size_t>(cursor_.position++)];
}

absl::Status ShardedSampler::Seek(SamplerCursor cursor) {
  if (cursor.epoch < 0) return absl::InvalidArgumentError(absl::StrCat("sampler cursor: epoch ", cursor.epoch, " < 0"));
  if (cursor.position < 0 || cursor.position > shard_size_) {
    return absl::InvalidArgumentError(absl::StrCat("sampler cursor: position ", cursor.position, " outside [0, ",
                                                   shard_size_, "] (this rank's shard size)"));
  }
  cursor_ = cursor;
  return absl::OkStatus();
}

std::string ShardedSampler::CursorJson() const {
  nlohmann::ordered_json j;
  j["epoch"] = cursor_.epoch;
  j["position"] = cursor_.position;
  j["num_samples"] = num_samples_;
  j["seed"] = config_.seed;
  j["world_size"] = config_.world_size;
  j["rank"] = config_.rank;
  j["shuffle"] = config_.shuffle;
  j["remainder"] = RemainderName(config_.remainder);
  return j.dump();
}

absl::Status ShardedSampler::RestoreCursorJson(std::string_view json) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json);
  } catch (const nlohmann::json::parse_error& e) {
    return absl::InvalidArgumentError(absl::StrCat("sampler cursor: malformed JSON: ", e.what()));
  }
  if (!j.is_object()) return absl::InvalidArgumentError("sampler cursor: expected a JSON object");
  auto integer = [&](const char* key, bool is_unsigned, nlohmann::json* out) -> absl::Status {
    auto it = j.find(key);
    if (it == j.end()) return absl::InvalidArgumentError(absl::StrCat("sampler cursor: missing key \"", key, "\""));
    bool ok = is_unsigned ? it->is_number_unsigned() : it->is_number_integer();
    if (!ok) {
      return absl::InvalidArgumentError(absl::StrCat("sampler cursor: key \"", key, "\": expected ",
                                                     is_unsigned ? "a non-negative" : "an", " integer, got ", it->dump()));
    }
    *out = *it;
    return absl::OkStatus();
  };
  nlohmann::json epoch, position, n, seed, world, rank;
  for (auto [key, is_unsigned, out] : {std::tuple{"epoch", false, &epoch}, {"position", false, &position},
                                       {"num_samples", false, &n}, {"seed", true, &seed},
                                       {"world_size", false, &world}, {"rank", false, &rank}}) {
    absl::Status s = integer(key, is_unsigned, out);
    if (!s.ok()) return s;
  }
  auto shuffle = j.find("shuffle");
  if (shuffle == j.end() || !shuffle->is_boolean()) {
    return absl::InvalidArgumentError("sampler cursor: key \"shuffle\": expected true or false");
  }
  auto remainder = j.find("remainder");
  if (remainder == j.end() || !remainder->is_string()) {
    return absl::InvalidArgumentError("sampler cursor: key \"remainder\": expected a string");
  }
  auto mismatch = [](const char* key, const std::string& saved, const std::string& mine) {
    return absl::FailedPreconditionError(absl::StrCat("sampler cursor was saved with ", key, " ", saved,
                                                      ", this sampler has ", mine));
  };
  if (n.get<int64_t>() != num_samples_) return mismatch("num_samples", n.dump(), absl::StrCat(num_samples_));
  if (seed.get<uint64_t>() != config_.seed) return mismatch("seed", seed.dump(), absl::StrCat(config_.seed));
  if (world.get<int64_t>() != config_.world_size) {
    return mismatch("world_size", world.dump(), absl::StrCat(config_.world_size));
  }
  if (rank.get<int64_t>() != config_.rank) return mismatch("rank", rank.dump(), absl::StrCat(config_.rank));
  if (shuffle->get<bool>() != config_.shuffle) {
    return mismatch("shuffle", shuffle->dump(), config_.shuffle ? "true" : "false");
  }
  if (remainder->get<std::string>() != RemainderName(config_.remainder)) {
    return mismatch("remainder", remainder->get<std::string>(), RemainderName(config_.remainder));
  }
  return Seek({epoch.get<int64_t>(), position.get<int64_t>()});
}

}  // namespace reasonrl::data
