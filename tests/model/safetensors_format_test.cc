// Tests for model/safetensors_format.{h,cc} and model/mapped_file.{h,cc}: the fixture files written by
// Python's safetensors.torch.save_file, byte-exact round trips, and one test per kind of bad header.
#include "model/safetensors_format.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/mapped_file.h"

namespace reasonrl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

std::string FixturePath(const std::string& name) {
  return std::string(REASONRL_TEST_DATA_DIR) + "/hf_tiny_deepseek_v3/" + name;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// A fresh empty directory under the test's temp dir.
std::string MakeTempDir() {
  std::string pattern = ::testing::TempDir() + "/safetensors_test_XXXXXX";
  char* dir = ::mkdtemp(pattern.data());
  EXPECT_NE(dir, nullptr);
  return pattern;
}

// A safetensors file: the 8-byte length of `json`, `json`, then `data_bytes` bytes of data.
std::string MakeFile(std::string_view json, size_t data_bytes) {
  std::string out(8, '\0');
  uint64_t n = json.size();
  for (int i = 0; i < 8; ++i, n >>= 8) out[i] = static_cast<char>(n & 0xFF);
  out.append(json);
  out.append(data_bytes, '\x5a');
  return out;
}

absl::StatusOr<SafetensorsHeader> Parse(std::string_view file) {
  return ParseSafetensorsHeader(file, file.size(), "bad.safetensors");
}

// Asserts that parsing `file` fails with InvalidArgument and a message holding every one of `parts`
// (and always the file name).
void ExpectRejected(std::string_view file, const std::vector<std::string>& parts) {
  absl::StatusOr<SafetensorsHeader> header = Parse(file);
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.status().code(), absl::StatusCode::kInvalidArgument) << header.status();
  const std::string message(header.status().message());
  EXPECT_THAT(message, HasSubstr("bad.safetensors: "));
  for (const std::string& part : parts) EXPECT_THAT(message, HasSubstr(part));
}

// TensorToWrite views of every tensor of a parsed file, in header order.
std::vector<TensorToWrite> TensorsOf(const SafetensorsHeader& header, std::string_view file) {
  std::vector<TensorToWrite> tensors;
  for (const TensorInfo& info : header.tensors) {
    tensors.push_back({info.name, info.dtype, info.shape, file.data() + header.data_start + info.begin,
                       static_cast<size_t>(info.end - info.begin)});
  }
  return tensors;
}

// ------------------------------------------------------------------------------------------------
// DType

TEST(DTypeTest, NamesAndSizesRoundTrip) {
  const std::vector<std::pair<std::string, size_t>> expected = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},   {"F8_E5M2", 1}, {"F8_E4M3", 1}, {"I16", 2}, {"U16", 2}, {"F16", 2},
      {"BF16", 2}, {"I32", 4}, {"U32", 4}, {"F32", 4},     {"F64", 8},     {"I64", 8}, {"U64", 8}};
  for (const auto& [name, size] : expected) {
    absl::StatusOr<DType> dtype = ParseDType(name);
    ASSERT_TRUE(dtype.ok()) << name;
    EXPECT_EQ(DTypeName(*dtype), name);
    EXPECT_EQ(DTypeSize(*dtype), size) << name;
  }
}

TEST(DTypeTest, RejectsUnknownAndLowercaseNames) {
  EXPECT_EQ(ParseDType("f32").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseDType("F8_E8M0").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseDType("").status().code(), absl::StatusCode::kInvalidArgument);
}

// ------------------------------------------------------------------------------------------------
// Parsing the fixtures

TEST(SafetensorsHeaderTest, ParsesFixtureModel) {
  absl::StatusOr<SafetensorsFile> file = OpenSafetensors(FixturePath("model.safetensors"));
  ASSERT_TRUE(file.ok()) << file.status();
  const SafetensorsHeader& header = file->header;
  EXPECT_THAT(header.metadata, ElementsAre(Pair("format", "pt")));
  EXPECT_EQ(header.header_size, 9880u);
  EXPECT_EQ(header.data_start, 9888u);

  const TensorInfo* norm = header.Find("model.norm.weight");
  ASSERT_NE(norm, nullptr);
  EXPECT_EQ(norm->dtype, DType::kF32);
  EXPECT_THAT(norm->shape, ElementsAre(64));
  EXPECT_EQ(norm->numel(), 64);
  EXPECT_EQ(file->TensorBytes(*norm).size(), 256u);

  const TensorInfo* embed = header.Find("model.embed_tokens.weight");
  ASSERT_NE(embed, nullptr);
  EXPECT_THAT(embed->shape, ElementsAre(512, 64));
  EXPECT_EQ(header.Find("model.norm.bias"), nullptr);
  EXPECT_NE(header.Find("model.layers.1.mlp.gate.e_score_correction_bias"), nullptr);

  // Tensors come in data order and tile the buffer.
  uint64_t covered = 0;
  for (const TensorInfo& info : header.tensors) {
    EXPECT_EQ(info.begin, covered) << info.name;
    covered = info.end;
  }
  EXPECT_EQ(header.data_start + covered, file->file->bytes().size());
}

TEST(SafetensorsHeaderTest, ParsesFixtureReferenceWithoutMetadata) {
  absl::StatusOr<SafetensorsFile> file = OpenSafetensors(FixturePath("reference.safetensors"));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_TRUE(file->header.metadata.empty());
  const TensorInfo* ids = file->header.Find("input_ids");
  ASSERT_NE(ids, nullptr);
  EXPECT_EQ(ids->dtype, DType::kI64);
  EXPECT_THAT(ids->shape, ElementsAre(2, 24));
  const TensorInfo* logits = file->header.Find("logits");
  ASSERT_NE(logits, nullptr);
  EXPECT_EQ(logits->dtype, DType::kF32);
  EXPECT_THAT(logits->shape, ElementsAre(2, 24, 512));
}

TEST(SafetensorsHeaderTest, FindWorksWithoutNameIndex) {
  absl::StatusOr<SafetensorsFile> file = OpenSafetensors(FixturePath("reference.safetensors"));
  ASSERT_TRUE(file.ok()) << file.status();
  SafetensorsHeader header = file->header;
  header.name_index.clear();
  ASSERT_NE(header.Find("logits"), nullptr);
  EXPECT_EQ(header.Find("logits")->name, "logits");
  EXPECT_EQ(header.Find("nope"), nullptr);
}

// ------------------------------------------------------------------------------------------------
// Byte-exact round trips: our writer reproduces what Python's save_file wrote.

class FixtureRoundTripTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureRoundTripTest, ReserializesTheHeaderByteForByte) {
  const std::string bytes = ReadFile(FixturePath(GetParam()));
  absl::StatusOr<SafetensorsHeader> header = ParseSafetensorsHeader(bytes, bytes.size(), GetParam());
  ASSERT_TRUE(header.ok()) << header.status();
  std::vector<TensorToWrite> tensors = TensorsOf(*header, bytes);
  std::reverse(tensors.begin(), tensors.end());  // The writer must find the order itself.
  ASSERT_TRUE(ValidateTensorsToWrite(tensors, header->metadata).ok());
  const std::string serialized = SerializeSafetensorsHeader(tensors, header->metadata);
  EXPECT_EQ(serialized, bytes.substr(0, header->data_start));
  ASSERT_EQ(tensors.size(), header->tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) EXPECT_EQ(tensors[i].name, header->tensors[i].name);
}

TEST_P(FixtureRoundTripTest, RewritesTheFileByteForByte) {
  const std::string bytes = ReadFile(FixturePath(GetParam()));
  absl::StatusOr<SafetensorsHeader> header = ParseSafetensorsHeader(bytes, bytes.size(), GetParam());
  ASSERT_TRUE(header.ok()) << header.status();
  const std::string path = MakeTempDir() + "/" + GetParam();
  ASSERT_TRUE(WriteSafetensorsFile(path, TensorsOf(*header, bytes), header->metadata).ok());
  EXPECT_TRUE(ReadFile(path) == bytes);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FixtureRoundTripTest,
                         ::testing::Values("model.safetensors", "reference.safetensors"));

// ------------------------------------------------------------------------------------------------
// Valid edge cases

TEST(SafetensorsHeaderTest, AcceptsScalarsEmptyTensorsAndAnyListingOrder) {
  const std::string file = MakeFile(
      R"({"b":{"dtype":"U8","shape":[3],"data_offsets":[4,7]},"e":{"dtype":"F32","shape":[0,5],"data_offsets":[7,7]},)"
      R"("a":{"dtype":"I32","shape":[],"data_offsets":[0,4]}} )",
      7);
  absl::StatusOr<SafetensorsHeader> header = Parse(file);
  ASSERT_TRUE(header.ok()) << header.status();
  ASSERT_EQ(header->tensors.size(), 3u);
  EXPECT_EQ(header->tensors[0].name, "a");  // Sorted by offsets.
  EXPECT_EQ(header->tensors[0].numel(), 1);
  EXPECT_EQ(header->tensors[2].name, "e");
  EXPECT_EQ(header->tensors[2].numel(), 0);
}

TEST(SafetensorsHeaderTest, AcceptsAnEmptyFileOfTensors) {
  absl::StatusOr<SafetensorsHeader> header = Parse(MakeFile("{}      ", 0));
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_TRUE(header->tensors.empty());
}

TEST(SafetensorsHeaderTest, ReadsEscapedNames) {
  const std::string file = MakeFile(R"({"a\"\\\n\u00e9":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})", 1);
  absl::StatusOr<SafetensorsHeader> header = Parse(file);
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_NE(header->Find("a\"\\\n\xc3\xa9"), nullptr);
}

// ------------------------------------------------------------------------------------------------
// Bad files: one test per kind, each checking the code, the file name and the culprit.

TEST(SafetensorsHeaderTest, RejectsFileShorterThanEightBytes) {
  ExpectRejected(std::string("\x08\0\0\0", 4), {"holds 4 bytes, fewer than the 8"});
}

TEST(SafetensorsHeaderTest, RejectsHeaderLengthAboveLimit) {
  std::string file = MakeFile("{}", 0);
  file[4] = '\x01';  // N = 2^32 + 2.
  ExpectRejected(file, {"header length N = 4294967298 exceeds the limit of 100000000"});
}

TEST(SafetensorsHeaderTest, RejectsTruncatedHeader) {
  const std::string file = MakeFile(R"({"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})", 1);
  ExpectRejected(file.substr(0, 20), {"header length N = 53 needs 8 + N = 61 bytes but the file holds only 20"});
}

TEST(SafetensorsHeaderTest, RejectsInvalidJson) {
  ExpectRejected(MakeFile(R"({"a":{"dtype":"U8",})", 0), {"header is not valid JSON"});
  ExpectRejected(MakeFile(R"({} x)", 0), {"header is not valid JSON"});
}

TEST(SafetensorsHeaderTest, RejectsInvalidUtf8) {
  ExpectRejected(MakeFile("{\"\xc3\x28\":{}}", 0), {"not valid UTF-8 (byte 2 of the header)"});
}

TEST(SafetensorsHeaderTest, RejectsHeaderNotStartingWithBrace) {
  ExpectRejected(MakeFile(" {}", 0), {"must start with '{'"});
  ExpectRejected(MakeFile("", 0), {"must start with '{', found an empty header"});
}

TEST(SafetensorsHeaderTest, RejectsDuplicateTensor) {
  ExpectRejected(MakeFile(R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},)"
                          R"("w":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}})",
                          2),
                 {"duplicate tensor \"w\""});
}

TEST(SafetensorsHeaderTest, RejectsDuplicateKeyInsideTensor) {
  ExpectRejected(MakeFile(R"({"w":{"dtype":"U8","dtype":"I8","shape":[1],"data_offsets":[0,1]}})", 1),
                 {"tensor \"w\": duplicate key \"dtype\""});
}

TEST(SafetensorsHeaderTest, RejectsDuplicateMetadata) {
  ExpectRejected(MakeFile(R"({"__metadata__":{"k":"a","k":"b"}})", 0), {"\"__metadata__\": duplicate key \"k\""});
  ExpectRejected(MakeFile(R"({"__metadata__":{},"__metadata__":{}})", 0), {"duplicate key \"__metadata__\""});
}

TEST(SafetensorsHeaderTest, RejectsUnknownDtype) {
  ExpectRejected(MakeFile(R"({"w":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}})", 16),
                 {"tensor \"w\": \"dtype\": unknown dtype \"F128\", expected one of BOOL"});
  ExpectRejected(MakeFile(R"({"w":{"dtype":4,"shape":[1],"data_offsets":[0,4]}})", 4),
                 {"tensor \"w\": \"dtype\": expected a string such as \"F32\", found the number 4"});
}

TEST(SafetensorsHeaderTest, RejectsBadShape) {
  ExpectRejected(MakeFile(R"({"w":{"dtype":"U8","shape":[2,-1],"data_offsets":[0,1]}})", 1),
                 {"tensor \"w\": \"shape\": dim 1: expected a non-negative integer, found the number -1"});
  ExpectRejected(MakeFile(R"({"w":{"dtype":"U8","shape":[1.5],"data_offsets":[0,1]}})", 1),
                 {"tensor \"w\": \"shape\": dim 0: expected a non-negative integer, found the number 1.5"});
  ExpectRejected(MakeFile(R"({"w":{"dtype":"U8","shape":[[1]],"data_offsets":[0,1]}})", 1),
                 {"tensor \"w\": \"shape\": dim 0: expected a non-negative integer, found an array"});
  ExpectRejected(MakeFile(R"({"w":{"dtype":"U8","shape":"1","data_offsets":[0,1]}})", 1),
                 {"tensor \"w\": \"shape\": expected an array of non-negative integers, found the string \"1\""});
  ExpectRejected(MakeFile(R"({"w":{"dtype":"U8","shape":[9223372036854775808],"data_offsets":[0,1]}})", 1),
                 {"tensor \"w\": \"shape\": dim 0 is 9223372036854775808"});
}

TEST(SafetensorsHeaderTest, RejectsBadDataOffsets) {
  ExpectRejected(MakeFile(R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[0]}})", 1),
                 {"tensor \"w\": \"data_offsets\": expected two non-negative integers [begin, end], found 1"});
  ExpectRejected(MakeFile(R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}})", 1),
                 {"tensor \"w\": \"data_offsets\": expected two", "more than two"});
  ExpectRejected(MakeFile(R"({"w":{"dtype":"U8","shape":[0],"data_offsets":[1,0]}})", 1),
                 {"tensor \"w\": data_offsets [1,0] are not ordered"});
  ExpectRejected(MakeFile(R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[-1,0]}})", 1),
                 {"tensor \"w\": \"data_offsets\": element 0: expected a non-negative integer, found the number -1"});
}

TEST(SafetensorsHeaderTest, RejectsMissingAndUnknownKeys) {
  ExpectRejected(MakeFile(R"({"w":{"dtype":"U8","shape":[1]}})", 1), {"tensor \"w\": missing key \"data_offsets\""});
  ExpectRejected(MakeFile(R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"x":1}})", 1),
                 {"tensor \"w\": unknown key \"x\""});
  ExpectRejected(MakeFile(R"({"w":[1]})", 0), {"tensor \"w\": expected an object with \"dtype\""});
}

TEST(SafetensorsHeaderTest, RejectsOffsetsThatDisagreeWithShape) {
  ExpectRejected(MakeFile(R"({"model.norm.weight":{"dtype":"F32","shape":[64],"data_offsets":[0,100]}})", 100),
                 {"tensor \"model.norm.weight\": data_offsets [0,100] hold 100 bytes but shape [64] of F32 needs 256"});
}

TEST(SafetensorsHeaderTest, RejectsShapeWhoseByteCountOverflows) {
  ExpectRejected(MakeFile(R"({"w":{"dtype":"F64","shape":[4294967296,4294967296,0],"data_offsets":[0,0]}})", 0),
                 {"tensor \"w\": shape [4294967296,4294967296,0] of F64 has more bytes than fit in 64 bits"});
  ExpectRejected(MakeFile(R"({"w":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,0]}})", 0),
                 {"tensor \"w\": shape [4611686018427387904] of F64 has more bytes than fit in 64 bits"});
}

TEST(SafetensorsHeaderTest, RejectsHoleBetweenTensors) {
  ExpectRejected(MakeFile(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},)"
                          R"("b":{"dtype":"U8","shape":[4],"data_offsets":[6,10]}})",
                          10),
                 {"tensor \"b\": data_offsets [6,10] leave a hole of 2 bytes after tensor \"a\", which ends at 4"});
}

TEST(SafetensorsHeaderTest, RejectsHoleAtStartOfBuffer) {
  ExpectRejected(MakeFile(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}})", 6),
                 {"tensor \"a\": data_offsets [2,6] leave a hole of 2 bytes at the start"});
}

TEST(SafetensorsHeaderTest, RejectsOverlappingTensors) {
  ExpectRejected(MakeFile(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},)"
                          R"("b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}})",
                          6),
                 {"tensor \"b\": data_offsets [2,6] overlap tensor \"a\" at [0,4]"});
}

TEST(SafetensorsHeaderTest, RejectsTrailingBytes) {
  ExpectRejected(MakeFile(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})", 7),
                 {"3 trailing bytes", "up to the end of tensor \"a\""});
  ExpectRejected(MakeFile("{}", 1), {"1 trailing bytes", "no tensors"});
}

TEST(SafetensorsHeaderTest, RejectsTensorsPastEndOfFile) {
  ExpectRejected(MakeFile(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})", 3),
                 {"tensor \"a\": data_offsets [0,4] end past the data buffer, which holds only 3 bytes"});
}

TEST(SafetensorsHeaderTest, RejectsBadMetadata) {
  ExpectRejected(MakeFile(R"({"__metadata__":["pt"]})", 0),
                 {"\"__metadata__\": expected an object of strings, found an array"});
  ExpectRejected(MakeFile(R"({"__metadata__":{"format":1}})", 0),
                 {"\"__metadata__\": key \"format\": expected a string value, found the number 1"});
  ExpectRejected(MakeFile(R"({"__metadata__":null})", 0),
                 {"\"__metadata__\": expected an object of strings, found null"});
}

TEST(SafetensorsHeaderTest, RejectsTopLevelArray) {
  ExpectRejected(MakeFile("[]", 0), {"must start with '{', found \"[\""});
}

TEST(SafetensorsHeaderTest, RejectsPrefixShorterThanHeader) {
  const std::string file = MakeFile(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})", 4);
  absl::StatusOr<SafetensorsHeader> header = ParseSafetensorsHeader(file.substr(0, 12), file.size(), "x");
  EXPECT_EQ(header.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(header.status().message(), HasSubstr("only 12 bytes of the file were given"));
}

TEST(SafetensorsHeaderTest, ParsesFromHeaderPrefixAlone) {
  const std::string file = MakeFile(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})", 4);
  absl::StatusOr<SafetensorsHeader> header = ParseSafetensorsHeader(file.substr(0, file.size() - 4), file.size(), "x");
  EXPECT_TRUE(header.ok()) << header.status();
}

// ------------------------------------------------------------------------------------------------
// Writing

TEST(SafetensorsWriterTest, MatchesTheRustCrateTestVectors) {
  // From huggingface/safetensors tensor.rs: test_serialization and test_empty.
  const float values[6] = {0, 1, 2, 3, 4, 5};
  std::vector<TensorToWrite> tensors = {{"attn.0", DType::kF32, {1, 2, 3}, values, sizeof(values)}};
  EXPECT_EQ(SerializeSafetensorsHeader(tensors, {}),
            MakeFile(R"({"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}})", 0));
  std::vector<TensorToWrite> none;
  EXPECT_EQ(SerializeSafetensorsHeader(none, {}), MakeFile("{}      ", 0));
  EXPECT_EQ(SerializeSafetensorsHeader(none, {{"framework", "pt"}}),
            MakeFile(R"({"__metadata__":{"framework":"pt"}}     )", 0));
}

TEST(SafetensorsWriterTest, OrdersByDtypeEnumDescendingThenName) {
  const char bytes[64] = {};
  std::vector<TensorToWrite> tensors = {
      {"a_f64", DType::kF64, {1}, bytes, 8},   {"z_i64", DType::kI64, {1}, bytes, 8},
      {"b_bf16", DType::kBF16, {1}, bytes, 2}, {"a_f16", DType::kF16, {1}, bytes, 2},
      {"m_bool", DType::kBool, {3}, bytes, 3}, {"b_f32", DType::kF32, {1}, bytes, 4},
      {"a_f32", DType::kF32, {1}, bytes, 4}};
  SerializeSafetensorsHeader(tensors, {});
  std::vector<std::string> names;
  for (const TensorToWrite& t : tensors) names.push_back(t.name);
  // Like the Rust crate: I64 sorts above F64 (enum order), BF16 above F16, even though the sizes tie.
  EXPECT_THAT(names, ElementsAre("z_i64", "a_f64", "a_f32", "b_f32", "b_bf16", "a_f16", "m_bool"));
}

TEST(SafetensorsWriterTest, EscapesNamesAndMetadataSoTheyParseBack) {
  const char byte = 7;
  const std::string name = "q\"\\\n\t\x01\x7f\xc3\xa9/\xf0\x9f\x98\x80";
  std::vector<TensorToWrite> tensors = {{name, DType::kU8, {1}, &byte, 1}};
  const std::vector<std::pair<std::string, std::string>> metadata = {{"k\x1f", "v\"\b\f\r"}};
  ASSERT_TRUE(ValidateTensorsToWrite(tensors, metadata).ok());
  const std::string file = SerializeSafetensorsHeader(tensors, metadata) + std::string(1, byte);
  EXPECT_THAT(file, HasSubstr(R"("q\"\\\n\t\u0001)"));
  absl::StatusOr<SafetensorsHeader> header = Parse(file);
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_NE(header->Find(name), nullptr);
  EXPECT_EQ(header->metadata, metadata);
}

TEST(SafetensorsWriterTest, RejectsInconsistentTensorsAndLeavesNoFile) {
  const std::string dir = MakeTempDir();
  const std::string path = dir + "/out.safetensors";
  const char bytes[8] = {};
  const std::vector<std::vector<TensorToWrite>> bad = {
      {{"w", DType::kF32, {3}, bytes, 8}},                                  // nbytes != 12
      {{"w", DType::kU8, {1}, bytes, 1}, {"w", DType::kU8, {1}, bytes, 1}},  // duplicate
      {{"__metadata__", DType::kU8, {1}, bytes, 1}},                        // reserved name
      {{"w", DType::kU8, {-1}, bytes, 0}},                                  // negative dim
      {{"w", DType::kU8, {1}, nullptr, 1}},                                 // null data
      {{"\xff", DType::kU8, {1}, bytes, 1}},                                // not UTF-8
  };
  for (const std::vector<TensorToWrite>& tensors : bad) {
    absl::Status status = WriteSafetensorsFile(path, tensors, {});
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    EXPECT_THAT(status.message(), HasSubstr(path));
  }
  EXPECT_EQ(WriteSafetensorsFile(path, {}, {{"k", "a"}, {"k", "b"}}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(::access(path.c_str(), F_OK), 0);
  EXPECT_NE(::access((path + ".tmp." + std::to_string(::getpid())).c_str(), F_OK), 0);
}

TEST(SafetensorsWriterTest, ReportsUnwritableDirectory) {
  absl::Status status = WriteSafetensorsFile(MakeTempDir() + "/missing/out.safetensors", {}, {});
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
  EXPECT_THAT(status.message(), HasSubstr("missing/out.safetensors.tmp."));
}

// ------------------------------------------------------------------------------------------------
// MappedFile

TEST(MappedFileTest, MapsAnEmptyFile) {
  const std::string path = MakeTempDir() + "/empty";
  std::ofstream(path).close();
  absl::StatusOr<std::unique_ptr<MappedFile>> file = MappedFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_TRUE((*file)->bytes().empty());
  EXPECT_EQ(Parse((*file)->bytes()).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(MappedFileTest, MapsTheFixtureBytes) {
  absl::StatusOr<std::unique_ptr<MappedFile>> file = MappedFile::Open(FixturePath("reference.safetensors"));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_TRUE((*file)->bytes() == ReadFile(FixturePath("reference.safetensors")));
}

TEST(MappedFileTest, NamesPathAndErrnoForMissingFile) {
  const std::string path = MakeTempDir() + "/nope.safetensors";
  absl::StatusOr<std::unique_ptr<MappedFile>> file = MappedFile::Open(path);
  EXPECT_EQ(file.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(file.status().message(), HasSubstr(path));
  EXPECT_THAT(file.status().message(), HasSubstr("No such file or directory"));
  EXPECT_EQ(OpenSafetensors(path).status().code(), absl::StatusCode::kNotFound);
}

TEST(MappedFileTest, RejectsDirectory) {
  const std::string dir = MakeTempDir();
  absl::StatusOr<std::unique_ptr<MappedFile>> file = MappedFile::Open(dir);
  EXPECT_EQ(file.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(file.status().message(), HasSubstr(dir));
}

}  // namespace
}  // namespace reasonrl
