// The tokenizer's components on small hand-made tokenizer.json pieces, with expected values worked out by hand
// from tokenizers' rules (several are the examples of tokenizers' own unit tests).
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "model/tokenizer/decoders.h"
#include "model/tokenizer/normalizers.h"
#include "model/tokenizer/pre_tokenizers.h"
#include "model/tokenizer/regex.h"
#include "model/tokenizer/tokenizer.h"
#include "model/tokenizer/unicode.h"

namespace reasonrl::tokenizer {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Ids = std::vector<int32_t>;
using Strings = std::vector<std::string>;

// ---- pre-tokenizers ------------------------------------------------------------------------------------

Strings PreTokenize(const std::string& json, std::string_view text) {
  auto pt = ParsePreTokenizer(Json::parse(json), "t.json: pre_tokenizer");
  EXPECT_TRUE(pt.ok()) << pt.status();
  if (!pt.ok()) return {};
  PreTokenizeScratch scratch;
  std::vector<std::string_view> in{text}, out;
  (*pt)->PreTokenize(in, &out, &scratch);
  return Strings(out.begin(), out.end());
}

std::string SplitJson(const std::string& behavior, bool invert, const std::string& pattern = R"({"String": "-"})") {
  return R"({"type": "Split", "pattern": )" + pattern + R"(, "behavior": ")" + behavior + R"(", "invert": )" +
         (invert ? "true" : "false") + "}";
}

TEST(SplitPreTokenizerTest, EachBehaviorCutsTheTextAsTokenizersDoes) {
  const std::string text = "The-final--countdown";
  EXPECT_THAT(PreTokenize(SplitJson("Removed", false), text), ElementsAre("The", "final", "countdown"));
  EXPECT_THAT(PreTokenize(SplitJson("Isolated", false), text), ElementsAre("The", "-", "final", "-", "-", "countdown"));
  EXPECT_THAT(PreTokenize(SplitJson("MergedWithPrevious", false), text),
              ElementsAre("The-", "final-", "-", "countdown"));
  EXPECT_THAT(PreTokenize(SplitJson("MergedWithNext", false), text), ElementsAre("The", "-final", "-", "-countdown"));
  EXPECT_THAT(PreTokenize(SplitJson("Contiguous", false), text), ElementsAre("The", "-", "final", "--", "countdown"));
}

TEST(SplitPreTokenizerTest, InvertSwapsMatchesAndGaps) {
  const std::string text = "The-final--countdown";
  // Inverted, the words are the "matches": Removed drops them and keeps the dashes.
  EXPECT_THAT(PreTokenize(SplitJson("Removed", true), text), ElementsAre("-", "-", "-"));
  EXPECT_THAT(PreTokenize(SplitJson("Isolated", true), text), ElementsAre("The", "-", "final", "-", "-", "countdown"));
  // MergedWithPrevious on inverted parts: each word joins the dash run before it.
  EXPECT_THAT(PreTokenize(SplitJson("MergedWithPrevious", true), text), ElementsAre("The", "-final", "-", "-countdown"));
}

TEST(SplitPreTokenizerTest, RegexWhitespaceIncludesNextLineAsOniguruma) {
  // Oniguruma's \s is White_Space, which has U+0085 (NEL) and U+3000; PCRE2's \s alone would miss NEL.
  EXPECT_THAT(PreTokenize(SplitJson("Removed", false, R"({"Regex": "\\s+"})"), "a  b\u0085c\u3000d"),
              ElementsAre("a", "b", "c", "d"));
}

TEST(PreTokenizerTest, DigitsIsolatedOrContiguous) {
  EXPECT_THAT(PreTokenize(R"({"type": "Digits", "individual_digits": true})", "Call 123 please"),
              ElementsAre("Call ", "1", "2", "3", " please"));
  EXPECT_THAT(PreTokenize(R"({"type": "Digits", "individual_digits": false})", "Call 123 please"),
              ElementsAre("Call ", "123", " please"));
  // Numeric is Nd, Nl and No: "٣" (Arabic-Indic three, Nd) and "½" (No) count.
  EXPECT_THAT(PreTokenize(R"({"type": "Digits", "individual_digits": true})", "x٣½"), ElementsAre("x", "٣", "½"));
}

TEST(PreTokenizerTest, WhitespaceWhitespaceSplitAndPunctuation) {
  EXPECT_THAT(PreTokenize(R"({"type": "Whitespace"})", "How are you doing?"),
              ElementsAre("How", "are", "you", "doing", "?"));
  EXPECT_THAT(PreTokenize(R"({"type": "WhitespaceSplit"})", "Hey  man!\u00A0ok"), ElementsAre("Hey", "man!", "ok"));
  EXPECT_THAT(PreTokenize(R"({"type": "Punctuation"})", "Hey friend!     How are you?!?"),
              ElementsAre("Hey friend", "!", "     How are you", "?", "!", "?"));
}

TEST(PreTokenizerTest, ByteLevelSplitsWithTheGpt2RegexAndMapsBytes) {
  EXPECT_THAT(PreTokenize(R"({"type": "ByteLevel", "add_prefix_space": false})",
                          "Hello my friend, how is your day going?"),
              ElementsAre("Hello", "Ġmy", "Ġfriend", ",", "Ġhow", "Ġis", "Ġyour", "Ġday", "Ġgoing", "?"));
  EXPECT_THAT(PreTokenize(R"({"type": "ByteLevel", "add_prefix_space": false})", "Hello there       dear"),
              ElementsAre("Hello", "Ġthere", "ĠĠĠĠĠĠ", "Ġdear"));
  EXPECT_THAT(PreTokenize(R"({"type": "ByteLevel", "add_prefix_space": true})", "Hello there\nyou"),
              ElementsAre("ĠHello", "Ġthere", "Ċ", "you"));
  // Without the regex only the mapping remains: "é" is C3 A9 -> "Ã©".
  EXPECT_THAT(PreTokenize(R"({"type": "ByteLevel", "add_prefix_space": false, "use_regex": false})", "a é"),
              ElementsAre("aĠÃ©"));
}

TEST(PreTokenizerTest, SequenceAppliesEachStepToEveryPiece) {
  EXPECT_THAT(PreTokenize(R"({"type": "Sequence", "pretokenizers": [
                               {"type": "WhitespaceSplit"},
                               {"type": "Digits", "individual_digits": true},
                               {"type": "ByteLevel", "add_prefix_space": false, "use_regex": false}]})",
                          "ab12 c"),
              ElementsAre("ab", "1", "2", "c"));
}

// ---- regex ---------------------------------------------------------------------------------------------

TEST(RegexTest, OnigurumaConstructsAreRewrittenForPcre2) {
  EXPECT_EQ(OnigurumaToPcre2(R"(\s+)").value(), R"([\t-\r\x{85}\p{Z}]+)");
  EXPECT_EQ(OnigurumaToPcre2(R"([^\s\p{L}])").value(), R"([^\t-\r\x{85}\p{Z}\p{L}])");
  EXPECT_EQ(OnigurumaToPcre2(R"(\S)").value(), R"([^\t-\r\x{85}\p{Z}])");
  EXPECT_EQ(OnigurumaToPcre2(R"((?m:.)\u00e9{,2})").value(), R"((?s:.)\x{00e9}{0,2})");
  EXPECT_EQ(OnigurumaToPcre2(R"([\]\\a-z])").value(), R"([\]\\a-z])");
  EXPECT_FALSE(OnigurumaToPcre2("[a[bc]]").ok());
  EXPECT_FALSE(OnigurumaToPcre2("[a-z&&[^aeiou]]").ok());
  EXPECT_FALSE(OnigurumaToPcre2(R"([\S])").ok());
  EXPECT_FALSE(OnigurumaToPcre2("[abc").ok());
}

std::vector<std::pair<uint32_t, uint32_t>> Matches(const std::string& pattern, std::string_view text) {
  auto re = Regex::FromOniguruma(pattern);
  EXPECT_TRUE(re.ok()) << re.status();
  std::vector<Span> spans;
  (*re)->FindAll(text, &spans);
  std::vector<std::pair<uint32_t, uint32_t>> out;
  for (const Span& s : spans) out.emplace_back(s.start, s.end);
  return out;
}

TEST(RegexTest, FindAllSkipsEmptyMatchesRightAfterAMatch) {
  using P = std::pair<uint32_t, uint32_t>;
  EXPECT_THAT(Matches("a*", "baa"), ElementsAre(P{0, 0}, P{1, 3}));
  EXPECT_THAT(Matches("x*", "ab"), ElementsAre(P{0, 0}, P{1, 1}, P{2, 2}));
  EXPECT_THAT(Matches("(?i:'s|'t)", "it'S 'T"), ElementsAre(P{2, 4}, P{5, 7}));
  // A literal pattern is taken literally.
  auto literal = Regex::FromLiteral("a.b*");
  ASSERT_TRUE(literal.ok());
  std::vector<Span> spans;
  (*literal)->FindAll("aXb a.b* a.bb", &spans);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].start, 4u);
}

TEST(RegexTest, LongWhitespaceRunsDoNotExhaustTheMatcher) {
  const std::string spaces(200000, ' ');
  EXPECT_THAT(Matches(R"(\s+(?!\S)|\s+)", spaces + "x"),
              ElementsAre(std::pair<uint32_t, uint32_t>{0, 199999}, std::pair<uint32_t, uint32_t>{199999, 200000}));
}

// ---- normalizers ---------------------------------------------------------------------------------------

std::string Normalize(const std::string& json, std::string text) {
  auto n = ParseNormalizer(Json::parse(json), "t.json: normalizer");
  EXPECT_TRUE(n.ok()) << n.status();
  if (n.ok()) (*n)->Normalize(&text);
  return text;
}

TEST(NormalizerTest, UnicodeForms) {
  EXPECT_EQ(Normalize(R"({"type": "NFC"})", "e\u0301 \u212B \u1100\u1161"), "\u00E9 \u00C5 \uAC00");
  EXPECT_EQ(Normalize(R"({"type": "NFD"})", "\u00E9"), "e\u0301");
  EXPECT_EQ(Normalize(R"({"type": "NFKC"})", "\uFB01 \u2460 \uFF21"), "fi 1 A");
  EXPECT_EQ(Normalize(R"({"type": "NFKD"})", "\u00E9\u2460"), "e\u03011");
  EXPECT_EQ(Normalize(R"({"type": "NFC"})", "plain ascii"), "plain ascii");
}

TEST(NormalizerTest, NfcShortcutForAlreadyComposedTextAgreesWithFullNormalization) {
  // NFC skips text whose characters it knows to be stable; NFD-then-NFC always runs the full algorithm
  // (decomposed text is not stable), so both must agree on every character after every kind of starter.
  auto nfc = ParseNormalizer(Json::parse(R"({"type": "NFC"})"), "nfc");
  auto full = ParseNormalizer(Json::parse(R"({"type": "Sequence", "normalizers": [{"type": "NFD"}, {"type": "NFC"}]})"),
                              "full");
  ASSERT_TRUE(nfc.ok() && full.ok());
  int differences = 0;
  for (char32_t c = 0x80; c < 0x20000; ++c) {
    if (c >= 0xD800 && c < 0xE000) continue;
    for (const char* before : {"a", "e", "\u1100", "\uAC00", "\u00FC", "\u0B47"}) {
      std::string text = before;
      AppendUtf8(c, &text);
      std::string a = text, b = text;
      (*nfc)->Normalize(&a);
      (*full)->Normalize(&b);
      if (a != b && ++differences < 5) ADD_FAILURE() << "U+" << std::hex << static_cast<uint32_t>(c) << " after " << before;
    }
  }
  EXPECT_EQ(differences, 0);
}

TEST(NormalizerTest, LowercaseStripPrependReplace) {
  // Per character, Rust's char::to_lowercase: Σ -> σ everywhere, İ -> "i̇" (two characters).
  EXPECT_EQ(Normalize(R"({"type": "Lowercase"})", "ÀB ΟΔΟΣ İ"), "àb οδοσ i\u0307");
  EXPECT_EQ(Normalize(R"({"type": "Strip", "strip_left": true, "strip_right": true})", " \t a b \u3000"), "a b");
  EXPECT_EQ(Normalize(R"({"type": "Strip", "strip_left": false, "strip_right": true})", "  a  "), "  a");
  EXPECT_EQ(Normalize(R"({"type": "Prepend", "prepend": "▁"})", "x"), "▁x");
  EXPECT_EQ(Normalize(R"({"type": "Prepend", "prepend": "▁"})", ""), "");
  EXPECT_EQ(Normalize(R"({"type": "Replace", "pattern": {"String": " "}, "content": "▁"})", "a b  c"), "a▁b▁▁c");
  EXPECT_EQ(Normalize(R"({"type": "Replace", "pattern": {"Regex": "[0-9]+"}, "content": "#"})", "a12b3"), "a#b#");
  EXPECT_EQ(Normalize(R"({"type": "Sequence", "normalizers": [{"type": "NFD"}, {"type": "StripAccents"},
                                                              {"type": "Lowercase"}]})",
                      "Crème BRÛLÉE"),
            "creme brulee");
}

// ---- whole tokenizers from small JSON ------------------------------------------------------------------

// A vocab of single characters: id = position in kChars.
const std::string kChars = "abcdefghijklmnopqrstuvwxyz <>.!?-";
const int32_t kN = static_cast<int32_t>(kChars.size());

Json CharVocab() {
  Json v = Json::object();
  for (size_t i = 0; i < kChars.size(); ++i) v[std::string(1, kChars[i])] = i;
  return v;
}

Ids CharIds(const std::string& s) {
  Ids ids;
  for (const char c : s) ids.push_back(static_cast<int32_t>(kChars.find(c)));
  return ids;
}

Json Added(const std::string& content, int id, bool special = false, bool normalized = false) {
  return {{"id", id},          {"content", content},       {"single_word", false}, {"lstrip", false},
          {"rstrip", false},   {"normalized", normalized}, {"special", special}};
}

Json WithModel(Json model) {
  return {{"version", "1.0"}, {"truncation", nullptr}, {"padding", nullptr}, {"added_tokens", Json::array()},
          {"normalizer", nullptr}, {"pre_tokenizer", nullptr}, {"post_processor", nullptr}, {"decoder", nullptr},
          {"model", std::move(model)}};
}

Json Bpe(Json vocab, Json merges) {
  return {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr}, {"continuing_subword_prefix", nullptr},
          {"end_of_word_suffix", nullptr}, {"fuse_unk", false}, {"byte_fallback", false}, {"vocab", std::move(vocab)},
          {"merges", std::move(merges)}};
}

#define MAKE_OR_FAIL(var, json)                                                     \
  auto var##_or = ::reasonrl::Tokenizer::FromJson((json).dump(), nullptr, "t.json"); \
  ASSERT_TRUE(var##_or.ok()) << var##_or.status();                                  \
  const ::reasonrl::Tokenizer& var = **var##_or

TEST(BpeTest, MergesApplyLowestRankFirst) {
  const Json vocab = {{"a", 0}, {"b", 1}, {"c", 2}, {"ab", 3}, {"bc", 4}, {"abc", 5}};
  {
    // (b,c) has rank 0 and goes first; (a,bc) is no merge.
    MAKE_OR_FAIL(tok, WithModel(Bpe(vocab, Json::array({"b c", "a b", "ab c"}))));
    EXPECT_THAT(tok.Encode("abc", false), ElementsAre(0, 4));
  }
  {
    // (a,b) first, then (ab,c); merges may also be written as pairs.
    MAKE_OR_FAIL(tok, WithModel(Bpe(vocab, Json::array({{"a", "b"}, {"b", "c"}, {"ab", "c"}}))));
    EXPECT_THAT(tok.Encode("abc", false), ElementsAre(5));
    EXPECT_THAT(tok.Encode("cab", false), ElementsAre(2, 3));
  }
}

TEST(BpeTest, AModelWithoutTypeIsBpeWhenItHasMerges) {
  Json model = Bpe({{"a", 0}, {"b", 1}, {"ab", 2}}, Json::array({"a b"}));
  model.erase("type");
  MAKE_OR_FAIL(tok, WithModel(model));
  EXPECT_THAT(tok.Encode("ab", false), ElementsAre(2));
  model.erase("merges");
  EXPECT_FALSE(::reasonrl::Tokenizer::FromJson(WithModel(model).dump(), nullptr, "t.json").ok());
}

TEST(BpeTest, EqualRanksMergeLeftmostFirstInShortAndLongWords) {
  MAKE_OR_FAIL(tok, WithModel(Bpe({{"a", 0}, {"aa", 1}}, Json::array({"a a"}))));
  EXPECT_THAT(tok.Encode("aaa", false), ElementsAre(1, 0));
  EXPECT_THAT(tok.Encode("aaaaa", false), ElementsAre(1, 1, 0));
  // 101 symbols take the heap path: 50 pairs and one left over.
  Ids expected(50, 1);
  expected.push_back(0);
  EXPECT_EQ(tok.Encode(std::string(101, 'a'), false), expected);
}

TEST(BpeTest, UnknownCharactersUseUnkFusedOrNotOrAreDropped) {
  Json model = Bpe({{"<unk>", 0}, {"a", 1}}, Json::array());
  {
    MAKE_OR_FAIL(tok, WithModel(model));
    EXPECT_THAT(tok.Encode("axya", false), ElementsAre(1, 1));  // no unk_token: dropped
  }
  model["unk_token"] = "<unk>";
  {
    MAKE_OR_FAIL(tok, WithModel(model));
    EXPECT_THAT(tok.Encode("axya", false), ElementsAre(1, 0, 0, 1));
  }
  model["fuse_unk"] = true;
  {
    MAKE_OR_FAIL(tok, WithModel(model));
    EXPECT_THAT(tok.Encode("axyaz", false), ElementsAre(1, 0, 1, 0));
  }
}

TEST(BpeTest, ByteFallbackSuffixAndPrefix) {
  {
    Json model = Bpe({{"a", 0}, {"<0xC3>", 1}, {"<0xA9>", 2}}, Json::array());
    model["byte_fallback"] = true;
    MAKE_OR_FAIL(tok, WithModel(model));
    EXPECT_THAT(tok.Encode("aé", false), ElementsAre(0, 1, 2));
  }
  {
    Json model = Bpe({{"a", 0}, {"##b", 1}, {"ab", 2}, {"b", 3}}, Json::array({"a ##b"}));
    model["continuing_subword_prefix"] = "##";
    MAKE_OR_FAIL(tok, WithModel(model));
    EXPECT_THAT(tok.Encode("ab", false), ElementsAre(2));
    EXPECT_THAT(tok.Encode("bb", false), ElementsAre(3, 1));
  }
  {
    Json model = Bpe({{"a", 0}, {"b</w>", 1}, {"ab</w>", 2}, {"b", 3}}, Json::array({"a b</w>"}));
    model["end_of_word_suffix"] = "</w>";
    MAKE_OR_FAIL(tok, WithModel(model));
    EXPECT_THAT(tok.Encode("ab", false), ElementsAre(2));
    EXPECT_THAT(tok.Encode("bab", false), ElementsAre(3, 2));
  }
}

TEST(AddedTokensTest, LeftmostLongestMatchOnRawText) {
  Json j = WithModel(Bpe(CharVocab(), Json::array()));
  // Ids as tokenizers assigns them: the vocab's size, then one more each.
  j["added_tokens"] = {Added("<a>", kN), Added("<a><b>", kN + 1), Added("ab", kN + 2), Added("bcd", kN + 3)};
  MAKE_OR_FAIL(tok, j);
  Ids expected = CharIds("x");
  expected.push_back(kN + 1);  // "<a><b>" beats "<a>" at the same start
  expected.push_back(CharIds("y")[0]);
  expected.push_back(kN);
  EXPECT_EQ(tok.Encode("x<a><b>y<a>", false), expected);
  // At position 0 only "ab" starts; the longer "bcd" starts later and loses.
  Ids abcd = {kN + 2};
  for (int32_t id : CharIds("cd")) abcd.push_back(id);
  EXPECT_EQ(tok.Encode("abcd", false), abcd);
  EXPECT_EQ(tok.TokenToId("<a><b>"), kN + 1);
  EXPECT_EQ(tok.vocab_size(), kN + 4);
}

TEST(AddedTokensTest, IdsFollowTokenizersAddTokensRule) {
  Json j = WithModel(Bpe(CharVocab(), Json::array()));
  // "a" is in the vocab and keeps id 0; new tokens count from the vocab size whatever the file says.
  j["added_tokens"] = {Added("a", 0, true), Added("<x>", 500), Added("<y>", 7)};
  MAKE_OR_FAIL(tok, j);
  EXPECT_EQ(tok.TokenToId("<x>"), kN);
  EXPECT_EQ(tok.TokenToId("<y>"), kN + 1);
  EXPECT_TRUE(tok.is_special(0));
  EXPECT_EQ(tok.Decode(Ids{0, 1, kN}, true), "b <x>");  // no decoder: tokens joined by spaces, "a" skipped
  EXPECT_EQ(tok.Decode(Ids{0, 1, kN}, false), "a b <x>");
}

TEST(AddedTokensTest, LstripRstripAndSingleWord) {
  Json j = WithModel(Bpe(CharVocab(), Json::array()));
  Json strip = Added("<m>", kN);
  strip["lstrip"] = true;
  strip["rstrip"] = true;
  Json word = Added("ab", kN + 1);
  word["single_word"] = true;
  j["added_tokens"] = {strip, word};
  MAKE_OR_FAIL(tok, j);
  Ids expected = CharIds("a");
  expected.push_back(kN);  // both runs of spaces are absorbed into the token
  expected.push_back(CharIds("b")[0]);
  EXPECT_EQ(tok.Encode("a  <m>  b", false), expected);
  // "ab" only as a whole word: not inside "cab", fine before "." and at the ends.
  Ids words = {kN + 1};
  for (int32_t id : CharIds(" cab ")) words.push_back(id);
  words.push_back(kN + 1);
  words.push_back(CharIds(".")[0]);
  EXPECT_EQ(tok.Encode("ab cab ab.", false), words);
}

TEST(AddedTokensTest, NormalizedTokensMatchTheNormalizedText) {
  Json j = WithModel(Bpe(CharVocab(), Json::array()));
  j["normalizer"] = {{"type", "Lowercase"}};
  j["added_tokens"] = {Added("HELLO", kN, false, /*normalized=*/true), Added("ABC", kN + 1, false, false)};
  MAKE_OR_FAIL(tok, j);
  Ids expected = CharIds("say ");
  expected.push_back(kN);  // "Hello" -> "hello" = the normalized content of HELLO
  EXPECT_EQ(tok.Encode("say Hello", false), expected);
  EXPECT_EQ(tok.Encode("ABC abc", false), (Ids{kN + 1, CharIds(" ")[0], 0, 1, 2}));  // raw match only for ABC
}

TEST(PostProcessorTest, TemplateBertRobertaAndSequence) {
  Json j = WithModel(Bpe(CharVocab(), Json::array()));
  j["added_tokens"] = {Added("<s>", kN, true), Added("</s>", kN + 1, true)};
  j["post_processor"] = {
      {"type", "TemplateProcessing"},
      {"single", {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}}, {{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
                  {{"SpecialToken", {{"id", "</s>"}, {"type_id", 0}}}}}},
      {"pair", Json::array()},
      {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {kN}}, {"tokens", {"<s>"}}}},
                          {"</s>", {{"id", "</s>"}, {"ids", {kN + 1}}, {"tokens", {"</s>"}}}}}}};
  {
    MAKE_OR_FAIL(tok, j);
    EXPECT_EQ(tok.Encode("ab", true), (Ids{kN, 0, 1, kN + 1}));
    EXPECT_EQ(tok.Encode("ab", false), (Ids{0, 1}));
  }
  j["post_processor"]["single"] = "<s>:0 $A:0 </s>:1";
  {
    MAKE_OR_FAIL(tok, j);
    EXPECT_EQ(tok.Encode("ab", true), (Ids{kN, 0, 1, kN + 1}));
  }
  j["post_processor"] = {{"type", "Sequence"},
                         {"processors", {{{"type", "ByteLevel"}, {"trim_offsets", false}},
                                         {{"type", "BertProcessing"}, {"cls", {"<s>", 7}}, {"sep", {"</s>", 9}}}}}};
  {
    MAKE_OR_FAIL(tok, j);
    EXPECT_EQ(tok.Encode("c", true), (Ids{7, 2, 9}));
    EXPECT_EQ(tok.Encode("c", false), (Ids{2}));
  }
}

// ---- decoders ------------------------------------------------------------------------------------------

std::string DecodeWith(const std::string& json, Strings tokens) {
  auto d = ParseDecoder(Json::parse(json), "t.json: decoder");
  EXPECT_TRUE(d.ok()) << d.status();
  if (!d.ok()) return "";
  (*d)->DecodeChain(&tokens);
  std::string out;
  for (const auto& t : tokens) out += t;
  return out;
}

TEST(DecoderTest, EachDecoderAsTokenizers) {
  EXPECT_EQ(DecodeWith(R"({"type": "ByteLevel"})", {"Hello", "Ġthere", "Ġdear", "Ġfriend!", "Ġ", "[PA D]"}),
            "Hello there dear friend! [PA D]");
  EXPECT_EQ(DecodeWith(R"({"type": "ByteFallback"})", {"<0x41>", "<0x42>", "x", "<0xE4>", "<0xB8>", "<0xAD>", "<0xFF>"}),
            "ABx\uFFFD\uFFFD\uFFFD\uFFFD");
  EXPECT_EQ(DecodeWith(R"({"type": "ByteFallback"})", {"<0xE4>", "<0xB8>", "<0xAD>"}), "中");
  EXPECT_EQ(DecodeWith(R"({"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always"})", {"▁Hey", "▁friend!"}),
            "Hey friend!");
  EXPECT_EQ(DecodeWith(R"({"type": "Metaspace", "replacement": "▁", "prepend_scheme": "never"})", {"▁Hey", "▁friend!"}),
            " Hey friend!");
  EXPECT_EQ(DecodeWith(R"({"type": "Strip", "content": " ", "start": 1, "stop": 0})", {"  a", " b "}), " ab ");
  EXPECT_EQ(DecodeWith(R"({"type": "BPEDecoder", "suffix": "</w>"})", {"hel", "lo</w>", "wor", "ld</w>"}),
            "hello world");
  // Llama-2's decoder chain.
  EXPECT_EQ(DecodeWith(R"({"type": "Sequence", "decoders": [
                            {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
                            {"type": "ByteFallback"}, {"type": "Fuse"},
                            {"type": "Strip", "content": " ", "start": 1, "stop": 0}]})",
                       {"▁Hello", "▁wor", "ld", "<0x21>"}),
            "Hello world!");
}

// ---- errors --------------------------------------------------------------------------------------------

std::string LoadError(const Json& j) {
  auto tok = ::reasonrl::Tokenizer::FromJson(j.dump(), nullptr, "t.json");
  return tok.ok() ? "(loaded)" : std::string(tok.status().message());
}

TEST(TokenizerErrorTest, UnsupportedComponentsAreNamedWithTheirPath) {
  Json j = WithModel(Bpe(CharVocab(), Json::array()));
  j["pre_tokenizer"] = {{"type", "Sequence"},
                        {"pretokenizers", {{{"type", "Digits"}}, {{"type", "Whitespace"}},
                                           {{"type", "Metaspace"}, {"replacement", "▁"}}}}};
  EXPECT_EQ(LoadError(j), "t.json: pre_tokenizer.pretokenizers[2]: unsupported type \"Metaspace\"");
  j["pre_tokenizer"] = nullptr;
  j["normalizer"] = {{"type", "BertNormalizer"}};
  EXPECT_EQ(LoadError(j), "t.json: normalizer: unsupported type \"BertNormalizer\"");
  j["normalizer"] = nullptr;
  j["decoder"] = {{"type", "WordPiece"}};
  EXPECT_EQ(LoadError(j), "t.json: decoder: unsupported type \"WordPiece\"");
  j["decoder"] = nullptr;
  j["post_processor"] = {{"type", "Magic"}};
  EXPECT_EQ(LoadError(j), "t.json: post_processor: unsupported type \"Magic\"");
  j["post_processor"] = nullptr;
  j["model"]["type"] = "WordPiece";
  EXPECT_EQ(LoadError(j), "t.json: model: unsupported type \"WordPiece\"");
}

TEST(TokenizerErrorTest, BadModelFieldsAreNamed) {
  Json j = WithModel(Bpe(CharVocab(), Json::array()));
  j["model"]["dropout"] = 0.1;
  EXPECT_THAT(LoadError(j), HasSubstr("t.json: model.dropout: BPE dropout 0.1 is not supported"));
  j["model"]["dropout"] = 0.0;
  EXPECT_EQ(LoadError(j), "(loaded)");
  j["model"]["merges"] = Json::array({"a zz"});
  EXPECT_EQ(LoadError(j), "t.json: model.merges[0]: token \"zz\" is not in model.vocab");
  j["model"]["merges"] = Json::array({"c d", "a b"});
  EXPECT_EQ(LoadError(j), "t.json: model.merges[0]: merged token \"cd\" is not in model.vocab");
  j["model"]["merges"] = Json::array({"ab"});
  EXPECT_THAT(LoadError(j), HasSubstr("t.json: model.merges[0]: expected \"left right\""));
  j["model"]["merges"] = Json::array();
  j["model"]["vocab"]["bad"] = "x";
  EXPECT_EQ(LoadError(j), "t.json: model.vocab.bad: expected an id");
  j["model"].erase("vocab");
  EXPECT_EQ(LoadError(j), "t.json: model: missing key \"vocab\"");
  Json k = WithModel(Bpe(CharVocab(), Json::array()));
  k["model"]["unk_token"] = "<unk>";
  EXPECT_EQ(LoadError(k), "t.json: model.unk_token: \"<unk>\" is not in model.vocab");
  k["model"]["unk_token"] = nullptr;
  k["pre_tokenizer"] = {{"type", "Split"}, {"pattern", {{"Regex", "(unclosed"}}}, {"behavior", "Isolated"}};
  EXPECT_THAT(LoadError(k), HasSubstr("t.json: pre_tokenizer.pattern.Regex: regex \"(unclosed\" does not compile"));
  k["pre_tokenizer"] = {{"type", "Split"}, {"pattern", {{"String", "-"}}}, {"behavior", "Sideways"}};
  EXPECT_THAT(LoadError(k), HasSubstr("t.json: pre_tokenizer.behavior: unsupported behavior \"Sideways\""));
}

TEST(TokenizerErrorTest, DirectoryConfigErrorsNameTheConfig) {
  const std::string json = WithModel(Bpe(CharVocab(), Json::array())).dump();
  const std::string config = R"({"add_bos_token": true, "bos_token": "<nope>"})";
  auto tok = ::reasonrl::Tokenizer::FromJson(json, &config, "m");
  ASSERT_FALSE(tok.ok());
  EXPECT_THAT(std::string(tok.status().message()), HasSubstr("bos_token \"<nope>\" is not a token"));
  const std::string no_bos = R"({"add_bos_token": true})";
  tok = ::reasonrl::Tokenizer::FromJson(json, &no_bos, "m");
  ASSERT_FALSE(tok.ok());
  EXPECT_THAT(std::string(tok.status().message()), HasSubstr("add_bos_token is true but there is no bos_token"));
  const std::string bad = R"({"chat_template": 5})";
  tok = ::reasonrl::Tokenizer::FromJson(json, &bad, "m");
  ASSERT_FALSE(tok.ok());
  EXPECT_THAT(std::string(tok.status().message()), HasSubstr("chat_template"));
  const std::string listed = R"({"chat_template": [{"name": "tool_use", "template": "T"},
                                                  {"name": "default", "template": "D"}],
                                 "eos_token": {"__type": "AddedToken", "content": "!"}, "add_eos_token": true})";
  tok = ::reasonrl::Tokenizer::FromJson(json, &listed, "m");
  ASSERT_TRUE(tok.ok()) << tok.status();
  EXPECT_EQ((*tok)->chat_template(), "D");
  EXPECT_EQ((*tok)->eos_id(), CharIds("!")[0]);
  EXPECT_EQ((*tok)->Encode("a", true), (Ids{0, CharIds("!")[0]}));
}

}  // namespace
}  // namespace reasonrl::tokenizer
