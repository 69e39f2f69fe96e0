// ShardedSampler: properties over many (N, world_size, seed) combinations, the Python reference's shards,
// and cursor save/restore.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <numeric>
#include <string>

#include "nlohmann/json.hpp"
#include "trainer/data/sampler.h"

namespace reasonrl::data {
namespace {

// The golden file's section `key`: a missing or empty section is a failure, not a loop that runs zero times.
const nlohmann::json& NonEmpty(const nlohmann::json& g, const char* key) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  if (!g.contains(key) || g.at(key).empty()) {
    ADD_FAILURE() << "golden file: section \"" << key << "\" is missing or empty";
    return kEmpty;
  }
  return g.at(key);
}

ShardedSampler Make(int64_t n, int64_t world, int64_t rank, uint64_t seed, Remainder remainder = Remainder::kUneven,
                    bool shuffle = true) {
  absl::StatusOr<ShardedSampler> s = ShardedSampler::Create(n, {seed, world, rank, shuffle, remainder});
  EXPECT_TRUE(s.ok()) << s.status();
  return *std::move(s);
}

// How many times each index appears over all ranks' shards of one epoch.
std::map<int64_t, int> Multiplicity(int64_t n, int64_t world, uint64_t seed, int64_t epoch, Remainder remainder) {
  std::map<int64_t, int> seen;
  for (int64_t r = 0; r < world; ++r) {
    for (int64_t i : Make(n, world, r, seed, remainder).ShardIndices(epoch)) seen[i]++;
  }
  return seen;
}

const std::vector<int64_t> kSizes = {1, 2, 3, 5, 7, 10, 16, 31, 64, 97, 100, 1000};
const std::vector<int64_t> kWorlds = {1, 2, 3, 4, 7, 8};
const std::vector<uint64_t> kSeeds = {0, 1, 42, 0xFFFFFFFFFFFFFFFFULL};

TEST(ShardedSamplerTest, UnevenShardsAreDisjointAndCoverEverySampleExactlyOnce) {
  for (int64_t n : kSizes) {
    for (int64_t w : kWorlds) {
      if (n < w) continue;
      for (uint64_t seed : kSeeds) {
        for (int64_t epoch : {0, 1, 5}) {
          std::map<int64_t, int> seen = Multiplicity(n, w, seed, epoch, Remainder::kUneven);
          ASSERT_EQ(static_cast<int64_t>(seen.size()), n) << n << " " << w << " " << seed;
          for (const auto& [i, count] : seen) {
            ASSERT_TRUE(i >= 0 && i < n);
            ASSERT_EQ(count, 1) << "index " << i << " n " << n << " w " << w;
          }
          for (int64_t r = 0; r < w; ++r) {
            EXPECT_EQ(Make(n, w, r, seed).ShardSize(), n / w + (r < n % w ? 1 : 0));
          }
        }
      }
    }
  }
}

TEST(ShardedSamplerTest, DropLastGivesEqualShardsAndNoSampleTwice) {
  for (int64_t n : kSizes) {
    for (int64_t w : kWorlds) {
      if (n < w) continue;
      for (uint64_t seed : kSeeds) {
        std::map<int64_t, int> seen = Multiplicity(n, w, seed, 3, Remainder::kDropLast);
        EXPECT_EQ(static_cast<int64_t>(seen.size()), n - n % w);
        for (const auto& [i, count] : seen) ASSERT_EQ(count, 1);
        for (int64_t r = 0; r < w; ++r) EXPECT_EQ(Make(n, w, r, seed, Remainder::kDropLast).ShardSize(), n / w);
      }
    }
  }
}

TEST(ShardedSamplerTest, PadGivesEqualShardsCoveringEverySample) {
  for (int64_t n : kSizes) {
    for (int64_t w : kWorlds) {
      for (uint64_t seed : kSeeds) {
        const int64_t ceil = (n + w - 1) / w;
        std::map<int64_t, int> seen = Multiplicity(n, w, seed, 2, Remainder::kPad);
        EXPECT_EQ(static_cast<int64_t>(seen.size()), n) << n << " " << w;
        int64_t total = 0;
        for (const auto& [i, count] : seen) total += count;
        EXPECT_EQ(total, ceil * w);
        if (n >= w) {
          for (const auto& [i, count] : seen) EXPECT_LE(count, 2);
        }
      }
    }
  }
}

TEST(ShardedSamplerTest, SameSeedGivesTheSameStreamAndDifferentSeedsDiffer) {
  for (int64_t n : {8, 10, 100, 1000}) {
    for (int64_t w : {1, 2, 3}) {
      ShardedSampler a = Make(n, w, 0, 7), b = Make(n, w, 0, 7);
      EXPECT_EQ(a.ShardIndices(4), b.ShardIndices(4));
      EXPECT_EQ(a.EpochOrder(0), b.EpochOrder(0));
      // 8! = 40320 orders: two seeds agreeing by chance has probability 1/40320 per pair; none of these do.
      for (uint64_t other : {8ULL, 1ULL << 40, 0xFFFFFFFFFFFFFFFFULL}) {
        EXPECT_NE(a.EpochOrder(0), Make(n, w, 0, other).EpochOrder(0)) << n << " seed " << other;
      }
    }
  }
}

TEST(ShardedSamplerTest, EachEpochIsANewPermutation) {
  for (int64_t n : {8, 31, 1000}) {
    ShardedSampler s = Make(n, 1, 0, 11);
    std::vector<std::vector<int64_t>> orders;
    for (int64_t e = 0; e < 6; ++e) {
      std::vector<int64_t> order = s.EpochOrder(e);
      std::vector<int64_t> sorted = order;
      std::sort(sorted.begin(), sorted.end());
      std::vector<int64_t> identity(static_cast<size_t>(n));
      std::iota(identity.begin(), identity.end(), 0);
      ASSERT_EQ(sorted, identity);
      for (const auto& previous : orders) EXPECT_NE(order, previous) << "n " << n << " epoch " << e;
      orders.push_back(order);
    }
  }
}

TEST(ShardedSamplerTest, WithoutShuffleTheOrderIsTheIdentityStrided) {
  ShardedSampler s = Make(10, 3, 1, 99, Remainder::kUneven, /*shuffle=*/false);
  EXPECT_EQ(s.ShardIndices(0), (std::vector<int64_t>{1, 4, 7}));
  EXPECT_EQ(s.ShardIndices(5), (std::vector<int64_t>{1, 4, 7}));
}

TEST(ShardedSamplerTest, ShardsMatchThePythonReference) {
  std::ifstream in(std::string(REASONRL_TEST_DATA_DIR) + "/datasets/random_golden.json");
  ASSERT_TRUE(in.good());
  nlohmann::json g = nlohmann::json::parse(in);
  for (const auto& c : NonEmpty(g, "shards")) {
    absl::StatusOr<Remainder> remainder = ParseRemainder(c["remainder"].get<std::string>());
    ASSERT_TRUE(remainder.ok());
    ShardedSampler s = Make(c["n"], c["world_size"], c["rank"], c["seed"], *remainder);
    EXPECT_EQ(s.ShardIndices(c["epoch"]), c["indices"].get<std::vector<int64_t>>()) << c.dump();
  }
}

TEST(ShardedSamplerTest, NextWalksTheShardsEpochAfterEpoch) {
  ShardedSampler s = Make(10, 3, 2, 5);
  std::vector<int64_t> expected = s.ShardIndices(0);
  for (int64_t i : s.ShardIndices(1)) expected.push_back(i);
  std::vector<int64_t> got;
  for (size_t i = 0; i < expected.size(); ++i) got.push_back(s.Next());
  EXPECT_EQ(got, expected);
  EXPECT_EQ(s.cursor(), (SamplerCursor{1, 3}));
}

TEST(ShardedSamplerTest, ResumingFromEveryPositionGivesTheUninterruptedStream) {
  for (int64_t n : {1, 5, 10, 33}) {
    for (int64_t w : {1, 2, 4}) {
      for (Remainder remainder : {Remainder::kUneven, Remainder::kDropLast, Remainder::kPad}) {
        if (n < w && remainder != Remainder::kPad) continue;
        for (int64_t r = 0; r < w; ++r) {
          ShardedSampler reference = Make(n, w, r, 1234, remainder);
          const int64_t length = 3 * reference.ShardSize() + 2;  // three epochs and a bit
          std::vector<int64_t> stream;
          std::vector<std::string> cursors;
          for (int64_t k = 0; k < length; ++k) {
            cursors.push_back(reference.CursorJson());
            stream.push_back(reference.Next());
          }
          for (int64_t k = 0; k < length; ++k) {
            ShardedSampler resumed = Make(n, w, r, 1234, remainder);
            ASSERT_TRUE(resumed.RestoreCursorJson(cursors[static_cast<size_t>(k)]).ok());
            for (int64_t m = k; m < length; ++m) {
              ASSERT_EQ(resumed.Next(), stream[static_cast<size_t>(m)])
                  << "n " << n << " w " << w << " rank " << r << " resumed at " << k << " step " << m;
            }
          }
        }
      }
    }
  }
}

TEST(ShardedSamplerTest, CursorJsonRecordsTheCursorAndTheSamplerIdentity) {
  ShardedSampler s = Make(10, 2, 1, 0xFFFFFFFFFFFFFFFFULL, Remainder::kPad);
  for (int i = 0; i < 7; ++i) s.Next();
  EXPECT_EQ(s.CursorJson(),
            "{\"epoch\":1,\"position\":2,\"num_samples\":10,\"seed\":18446744073709551615,\"world_size\":2,"
            "\"rank\":1,\"shuffle\":true,\"remainder\":\"pad\"}");
}

TEST(ShardedSamplerTest, RestoringAForeignOrBrokenCursorIsAnErrorNamingTheKey) {
  ShardedSampler s4 = Make(100, 4, 0, 1);
  ShardedSampler s2 = Make(100, 2, 0, 1);
  absl::Status st = s2.RestoreCursorJson(s4.CursorJson());
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("world_size 4, this sampler has 2"), std::string::npos) << st;

  ShardedSampler other_seed = Make(100, 4, 0, 2);
  st = other_seed.RestoreCursorJson(s4.CursorJson());
  EXPECT_NE(st.message().find("seed 1, this sampler has 2"), std::string::npos) << st;

  st = s4.RestoreCursorJson("{\"epoch\":0}");
  EXPECT_NE(st.message().find("missing key \"position\""), std::string::npos) << st;
  st = s4.RestoreCursorJson("{\"epoch\":0,");
  EXPECT_NE(st.message().find("malformed JSON"), std::string::npos) << st;
  std::string bad = s4.CursorJson();
  bad.replace(bad.find("\"position\":0"), 12, "\"position\":26");  // shard size is 25
  st = s4.RestoreCursorJson(bad);
  EXPECT_NE(st.message().find("position 26 outside [0, 25]"), std::string::npos) << st;
  bad = s4.CursorJson();
  bad.replace(bad.find("\"epoch\":0"), 9, "\"epoch\":\"0\"");
  st = s4.RestoreCursorJson(bad);
  EXPECT_NE(st.message().find("key \"epoch\": expected an integer"), std::string::npos) << st;
  EXPECT_EQ(s4.cursor(), (SamplerCursor{0, 0}));  // failed restores changed nothing
}

TEST(ShardedSamplerTest, InvalidConfigurationsAreRejected) {
  EXPECT_FALSE(ShardedSampler::Create(0, {}).ok());
  EXPECT_FALSE(ShardedSampler::Create(10, {0, 0, 0}).ok());
  EXPECT_FALSE(ShardedSampler::Create(10, {0, 2, 2}).ok());
  EXPECT_FALSE(ShardedSampler::Create(10, {0, 2, -1}).ok());
  absl::StatusOr<ShardedSampler> s = ShardedSampler::Create(3, {0, 4, 3, true, Remainder::kUneven});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("leave rank 3 none"), std::string::npos) << s.status();
  EXPECT_TRUE(ShardedSampler::Create(3, {0, 4, 3, true, Remainder::kPad}).ok());
  EXPECT_FALSE(ParseRemainder("drop").ok());
}

}  // namespace
}  // namespace reasonrl::data
