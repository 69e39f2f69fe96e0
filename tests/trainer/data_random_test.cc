// trainer/data/random.h against an independent Python implementation of the same documented rules
// (tests/data/datasets/make_random_golden.py -> random_golden.json), and against the C++ standard's
// fixed mt19937_64 value.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <numeric>
#include <string>

#include "nlohmann/json.hpp"
#include "trainer/data/random.h"

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

nlohmann::json Golden() {
  std::ifstream in(std::string(REASONRL_TEST_DATA_DIR) + "/datasets/random_golden.json");
  EXPECT_TRUE(in.good());
  return nlohmann::json::parse(in);
}

TEST(RandomTest, Mt19937_64MatchesTheStandardsTenThousandthValue) {
  Rng rng;  // default seed 5489
  rng.discard(9999);
  EXPECT_EQ(rng(), 9981545732273789042ULL);
}

TEST(RandomTest, EngineAndSeedMixingMatchThePythonReference) {
  nlohmann::json g = Golden();
  for (const auto& [seed, values] : NonEmpty(g, "mt19937_64_first5").items()) {
    Rng rng(std::stoull(seed));
    for (const auto& v : values) EXPECT_EQ(rng(), v.get<uint64_t>()) << "seed " << seed;
  }
  for (const auto& [z, value] : NonEmpty(g, "splitmix64").items()) EXPECT_EQ(SplitMix64(std::stoull(z)), value.get<uint64_t>());
  for (const auto& row : NonEmpty(g, "mix_seed")) {
    EXPECT_EQ(MixSeed(row[0].get<uint64_t>(), row[1].get<uint64_t>()), row[2].get<uint64_t>());
  }
}

TEST(RandomTest, UniformBelowRejectsExactlyAsDocumented) {
  nlohmann::json g = Golden();
  for (const auto& c : NonEmpty(g, "uniform_below")) {
    Rng rng(c["seed"].get<uint64_t>());
    const uint64_t n = std::stoull(c["n"].get<std::string>());
    for (const auto& d : c["draws"]) EXPECT_EQ(UniformBelow(rng, n), std::stoull(d.get<std::string>())) << "n " << n;
  }
}

TEST(RandomTest, FisherYatesMatchesThePythonReference) {
  nlohmann::json g = Golden();
  for (const auto& [seed, expected] : NonEmpty(g, "fisher_yates_10").items()) {
    std::vector<int64_t> v(10);
    std::iota(v.begin(), v.end(), 0);
    Rng rng(MixSeed(std::stoull(seed), 0));
    FisherYates(rng, v);
    EXPECT_EQ(v, expected.get<std::vector<int64_t>>()) << "seed " << seed;
  }
}

TEST(RandomTest, UniformIntCoversItsClosedRangeEvenly) {
  Rng rng(3);
  std::map<int64_t, int> counts;
  for (int i = 0; i < 70000; ++i) counts[UniformInt(rng, -3, 3)]++;
  ASSERT_EQ(counts.size(), 7u);
  EXPECT_EQ(counts.begin()->first, -3);
  EXPECT_EQ(counts.rbegin()->first, 3);
  // Each count is Binomial(70000, 1/7): mean 10000, sd 90.6; 5 sd either side.
  for (const auto& [value, count] : counts) EXPECT_NEAR(count, 10000, 453) << value;
  EXPECT_EQ(UniformInt(rng, 5, 5), 5);
  // The whole int64 range is one raw draw.
  Rng a(9), b(9);
  EXPECT_EQ(UniformInt(a, INT64_MIN, INT64_MAX), static_cast<int64_t>(b()));
}

}  // namespace
}  // namespace reasonrl::data
