// Tests for model/checkpoint_index.{h,cc}: parsing, transformers-identical serialization, shard listing.
#include "model/checkpoint_index.h"

#include <stdlib.h>

#include <fstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reasonrl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

std::string MakeTempDir() {
  std::string pattern = ::testing::TempDir() + "/checkpoint_index_test_XXXXXX";
  EXPECT_NE(::mkdtemp(pattern.data()), nullptr);
  return pattern;
}

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary);
  out << contents;
}

// Asserts that `json` is rejected with InvalidArgument and a message holding the file name and `part`.
void ExpectRejected(const std::string& json, const std::string& part) {
  absl::StatusOr<CheckpointIndex> index = ParseCheckpointIndex(json, "model.safetensors.index.json");
  ASSERT_FALSE(index.ok()) << json;
  EXPECT_EQ(index.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(index.status().message(), HasSubstr("model.safetensors.index.json: "));
  EXPECT_THAT(index.status().message(), HasSubstr(part));
}

TEST(CheckpointIndexTest, ParsesTotalSizeAndWeightMap) {
  absl::StatusOr<CheckpointIndex> index = ParseCheckpointIndex(
      R"({"metadata": {"total_size": 1234, "total_parameters": 7},
          "weight_map": {"lm_head.weight": "model-00002-of-00002.safetensors",
                         "model.norm.weight": "model-00001-of-00002.safetensors"}})",
      "index.json");
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_EQ(index->total_size, 1234u);
  EXPECT_THAT(index->weight_map, ElementsAre(Pair("lm_head.weight", "model-00002-of-00002.safetensors"),
                                             Pair("model.norm.weight", "model-00001-of-00002.safetensors")));
}

TEST(CheckpointIndexTest, AcceptsEmptyOrMissingMetadata) {
  // DeepSeek's fp8_cast_bf16.py writes "metadata": {}.
  absl::StatusOr<CheckpointIndex> index = ParseCheckpointIndex(R"({"metadata": {}, "weight_map": {}})", "i");
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_FALSE(index->total_size.has_value());
  EXPECT_TRUE(ParseCheckpointIndex(R"({"weight_map": {}})", "i").ok());
  EXPECT_EQ(ParseCheckpointIndex(R"({"metadata": {"total_size": 5.0}, "weight_map": {}})", "i")->total_size, 5u);
}

TEST(CheckpointIndexTest, SerializesLikeTransformersSavePretrained) {
  // Expected strings from Python: json.dumps(index, indent=2, sort_keys=True) + "\n".
  CheckpointIndex index;
  index.total_size = 1234;
  index.weight_map = {{"model.norm.weight", "model-00002-of-00002.safetensors"},
                      {"lm_head.weight", "model-00001-of-00002.safetensors"},
                      {"caf\xc3\xa9.\xf0\x9f\x98\x80\t\"q\"\x7f", "model-00001-of-00002.safetensors"}};
  EXPECT_EQ(SerializeCheckpointIndex(index),
            "{\n  \"metadata\": {\n    \"total_size\": 1234\n  },\n  \"weight_map\": {\n"
            "    \"caf\\u00e9.\\ud83d\\ude00\\t\\\"q\\\"\\u007f\": \"model-00001-of-00002.safetensors\",\n"
            "    \"lm_head.weight\": \"model-00001-of-00002.safetensors\",\n"
            "    \"model.norm.weight\": \"model-00002-of-00002.safetensors\"\n  }\n}\n");
  EXPECT_EQ(SerializeCheckpointIndex(CheckpointIndex()), "{\n  \"metadata\": {},\n  \"weight_map\": {}\n}\n");
}

TEST(CheckpointIndexTest, RoundTripsThroughSerialization) {
  CheckpointIndex index;
  index.total_size = 99;
  index.weight_map = {{"a\n\xc3\xa9", "s1.safetensors"}, {"b", "s2.safetensors"}};
  absl::StatusOr<CheckpointIndex> parsed = ParseCheckpointIndex(SerializeCheckpointIndex(index), "i");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->total_size, index.total_size);
  EXPECT_EQ(parsed->weight_map, index.weight_map);
}

TEST(CheckpointIndexTest, RejectsInvalidJson) { ExpectRejected(R"({"weight_map": {)", "not valid JSON"); }

TEST(CheckpointIndexTest, RejectsMissingWeightMap) {
  ExpectRejected(R"({"metadata": {"total_size": 1}})", "missing key \"weight_map\"");
}

TEST(CheckpointIndexTest, RejectsWrongTypes) {
  ExpectRejected(R"([1, 2])", "expected a JSON object at the top level, found an array");
  ExpectRejected(R"({"weight_map": []})", "\"weight_map\": expected an object of tensor name to file name");
  ExpectRejected(R"({"weight_map": {"w": 3}})", "\"weight_map\": tensor \"w\": expected a file name string");
  ExpectRejected(R"({"metadata": [], "weight_map": {}})", "\"metadata\": expected an object, found an array");
  ExpectRejected(R"({"metadata": {"total_size": -1}, "weight_map": {}})",
                 "\"total_size\": expected a non-negative integer, found a negative number");
  ExpectRejected(R"({"metadata": {"total_size": "12"}, "weight_map": {}})",
                 "\"total_size\": expected a non-negative integer, found a string");
}

TEST(CheckpointIndexTest, RejectsShardNamesOutsideTheDirectory) {
  for (const std::string shard : {"../model.safetensors", "sub/model.safetensors", "/etc/passwd", "..", "",
                                  "a\\\\b.safetensors"}) {
    ExpectRejected(R"({"weight_map": {"w": ")" + shard + R"("}})", "tensor \"w\": shard \"");
  }
}

TEST(CheckpointIndexTest, RejectsDuplicateKeys) {
  ExpectRejected(R"({"weight_map": {"w": "a.safetensors", "w": "b.safetensors"}})", "duplicate key \"w\"");
  ExpectRejected(R"({"weight_map": {}, "weight_map": {}})", "duplicate key \"weight_map\"");
}

TEST(CheckpointIndexTest, ReadsIndexFromFile) {
  const std::string path = MakeTempDir() + "/model.safetensors.index.json";
  WriteFile(path, R"({"metadata": {"total_size": 8}, "weight_map": {"w": "a.safetensors"}})");
  absl::StatusOr<CheckpointIndex> index = ReadCheckpointIndex(path);
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_EQ(index->weight_map.at("w"), "a.safetensors");
}

TEST(CheckpointIndexTest, ReportsMissingIndexFileWithPath) {
  const std::string path = MakeTempDir() + "/model.safetensors.index.json";
  absl::StatusOr<CheckpointIndex> index = ReadCheckpointIndex(path);
  EXPECT_EQ(index.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(index.status().message(), HasSubstr(path));
}

TEST(ListCheckpointShardsTest, ReturnsTheSingleFileOfTheFixture) {
  absl::StatusOr<std::vector<std::string>> shards =
      ListCheckpointShards(std::string(REASONRL_TEST_DATA_DIR) + "/hf_tiny_deepseek_v3");
  ASSERT_TRUE(shards.ok()) << shards.status();
  EXPECT_THAT(*shards, ElementsAre("model.safetensors"));
}

TEST(ListCheckpointShardsTest, ReturnsDistinctSortedShardsOfTheIndex) {
  const std::string dir = MakeTempDir();
  WriteFile(dir + "/model.safetensors.index.json",
            R"({"metadata": {"total_size": 8}, "weight_map": {"a": "model-00002-of-00002.safetensors",
               "b": "model-00001-of-00002.safetensors", "c": "model-00002-of-00002.safetensors"}})");
  WriteFile(dir + "/model-00001-of-00002.safetensors", "");
  WriteFile(dir + "/model-00002-of-00002.safetensors", "");
  absl::StatusOr<std::vector<std::string>> shards = ListCheckpointShards(dir + "/");
  ASSERT_TRUE(shards.ok()) << shards.status();
  EXPECT_THAT(*shards, ElementsAre("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"));
}

TEST(ListCheckpointShardsTest, ReportsShardMissingFromDirectory) {
  const std::string dir = MakeTempDir();
  WriteFile(dir + "/model.safetensors.index.json", R"({"weight_map": {"a": "model-00001-of-00002.safetensors"}})");
  absl::StatusOr<std::vector<std::string>> shards = ListCheckpointShards(dir);
  EXPECT_EQ(shards.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(shards.status().message(), HasSubstr("model-00001-of-00002.safetensors"));
}

TEST(ListCheckpointShardsTest, ReportsDirectoryWithoutCheckpoint) {
  const std::string dir = MakeTempDir();
  absl::StatusOr<std::vector<std::string>> shards = ListCheckpointShards(dir);
  EXPECT_EQ(shards.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(shards.status().message(), HasSubstr(dir));
  EXPECT_THAT(shards.status().message(), HasSubstr("neither model.safetensors nor model.safetensors.index.json"));
}

}  // namespace
}  // namespace reasonrl
