#include "model/tokenizer/pre_tokenizers.h"

#include <algorithm>
#include <functional>

#include "model/status_macros.h"
#include "model/tokenizer/byte_level.h"
#include "model/tokenizer/pattern.h"
#include "model/tokenizer/unicode.h"

namespace reasonrl::tokenizer {

void SplitByMatches(std::string_view piece, const std::vector<Span>& matches, bool invert, SplitBehavior behavior,
                    std::vector<std::pair<Span, bool>>* marked, std::vector<std::string_view>* out) {
  const auto len = static_cast<uint32_t>(piece.size());
  if (behavior == SplitBehavior::kIsolated) {
    // Every match and every gap is a piece of its own (the common case, without the parts list).
    uint32_t prev = 0;
    for (const Span& m : matches) {
      if (prev != m.start) out->push_back(piece.substr(prev, m.start - prev));
      if (m.end > m.start) out->push_back(piece.substr(m.start, m.end - m.start));
      prev = m.end;
    }
    if (prev < len) out->push_back(piece.substr(prev));
    return;
  }
  // tokenizers' Pattern::find_matches: the whole text as (range, is_match) parts, gaps included.
  marked->clear();
  if (len == 0) {
    marked->push_back({{0, 0}, invert});
  } else {
    uint32_t prev = 0;
    for (const Span& m : matches) {
      if (prev != m.start) marked->push_back({{prev, m.start}, invert});
      marked->push_back({m, !invert});
      prev = m.end;
    }
    if (prev != len) marked->push_back({{prev, len}, invert});
  }
  // The behaviour turns parts into (range, remove) splits.
  switch (behavior) {
    case SplitBehavior::kIsolated:
      for (auto& part : *marked) part.second = false;
      break;
    case SplitBehavior::kRemoved:
      break;
    case SplitBehavior::kContiguous:
    case SplitBehavior::kMergedWithPrevious: {
      size_t n = 0;
      bool previous_match = false;
      for (size_t i = 0; i < marked->size(); ++i) {
        const auto [range, is_match] = (*marked)[i];
        const bool merge = behavior == SplitBehavior::kContiguous ? is_match == previous_match
                                                                   : is_match && !previous_match;
        if (merge && n > 0) {
          (*marked)[n - 1].first.end = range.end;
        } else {
          (*marked)[n++] = {range, false};
        }
        previous_match = is_match;
      }
      marked->resize(n);
      break;
    }
    case SplitBehavior::kMergedWithNext: {
      std::reverse(marked->begin(), marked->end());
      size_t n = 0;
      bool previous_match = false;
      for (size_t i = 0; i < marked->size(); ++i) {
        const auto [range, is_match] = (*marked)[i];
        if (is_match && !previous_match && n > 0) {
          (*marked)[n - 1].first.start = range.start;
        } else {
          (*marked)[n++] = {range, false};
        }
        previous_match = is_match;
      }
      marked->resize(n);
      std::reverse(marked->begin(), marked->end());
      break;
    }
  }
  for (const auto& [range, remove] : *marked) {
    if (!remove && range.end > range.start) out->push_back(piece.substr(range.start, range.end - range.start));
  }
}

namespace {

// Each character satisfying `pred` is one match (tokenizers' Pattern for Fn(char) -> bool).
template <typename Pred>
void CharMatches(std::string_view text, Pred pred, std::vector<Span>* out) {
  for (size_t i = 0; i < text.size();) {
    char32_t c;
    const int len = DecodeUtf8(text.data() + i, &c);
    if (pred(c)) out->push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(i + len)});
    i += len;
  }
}

class SplitPreTokenizer : public PreTokenizer {
 public:
  SplitPreTokenizer(std::unique_ptr<Regex> regex, SplitBehavior behavior, bool invert)
      : regex_(std::move(regex)), behavior_(behavior), invert_(invert) {}
  void PreTokenize(const std::vector<std::string_view>& in, std::vector<std::string_view>* out,
                   PreTokenizeScratch* scratch) const override {
    for (const std::string_view piece : in) {
      scratch->matches.clear();
      regex_->FindAll(piece, &scratch->matches);
      SplitByMatches(piece, scratch->matches, invert_, behavior_, &scratch->marked, out);
    }
  }

 private:
  std::unique_ptr<Regex> regex_;
  SplitBehavior behavior_;
  bool invert_;
};

// Splits on characters chosen by a predicate (Digits, WhitespaceSplit, Punctuation).
class CharSplitPreTokenizer : public PreTokenizer {
 public:
  CharSplitPreTokenizer(std::function<bool(char32_t)> pred, SplitBehavior behavior)
      : pred_(std::move(pred)), behavior_(behavior) {}
  void PreTokenize(const std::vector<std::string_view>& in, std::vector<std::string_view>* out,
                   PreTokenizeScratch* scratch) const override {
    for (const std::string_view piece : in) {
      scratch->matches.clear();
      CharMatches(piece, pred_, &scratch->matches);
      SplitByMatches(piece, scratch->matches, false, behavior_, &scratch->marked, out);
    }
  }

 private:
  std::function<bool(char32_t)> pred_;
  SplitBehavior behavior_;
};

class ByteLevelPreTokenizer : public PreTokenizer {
 public:
  ByteLevelPreTokenizer(bool add_prefix_space, bool use_regex)
      : add_prefix_space_(add_prefix_space), use_regex_(use_regex) {}

  void PreTokenize(const std::vector<std::string_view>& in, std::vector<std::string_view>* out,
                   PreTokenizeScratch* scratch) const override {
    const size_t first_out = out->size();
    for (std::string_view piece : in) {
      if (add_prefix_space_ && piece[0] != ' ') {
        scratch->arena.push_back(" ");
        scratch->arena.back().append(piece);
        piece = scratch->arena.back();
      }
      if (use_regex_) {
        scratch->matches.clear();
        Gpt2Regex().FindAll(piece, &scratch->matches);
        SplitByMatches(piece, scratch->matches, false, SplitBehavior::kIsolated, &scratch->marked, out);
      } else {
        out->push_back(piece);
      }
    }
    if (defer_mapping_) return;
    const ByteLevelMap& map = ByteLevelMap::Get();
    for (size_t i = first_out; i < out->size(); ++i) {
      std::string mapped;
      mapped.reserve((*out)[i].size() * 2);
      for (const char c : (*out)[i]) mapped += map.byte_to_utf8[static_cast<unsigned char>(c)];
      scratch->arena.push_back(std::move(mapped));
      (*out)[i] = scratch->arena.back();
    }
  }

  bool DeferFinalByteLevelMapping() override {
    defer_mapping_ = true;
    return true;
  }

 private:
  static const Regex& Gpt2Regex() {
    static const Regex* const kRegex =
        Regex::FromOniguruma(R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)")
            .value()
            .release();
    return *kRegex;
  }

  bool add_prefix_space_;
  bool use_regex_;
  bool defer_mapping_ = false;
};

class SequencePreTokenizer : public PreTokenizer {
 public:
  explicit SequencePreTokenizer(std::vector<std::unique_ptr<PreTokenizer>> parts) : parts_(std::move(parts)) {}

  void PreTokenize(const std::vector<std::string_view>& in, std::vector<std::string_view>* out,
                   PreTokenizeScratch* scratch) const override {
    if (parts_.empty()) {
      out->insert(out->end(), in.begin(), in.end());
      return;
    }
    // Two buffers from the scratch stack (indices, since `temp` may grow while nested sequences run).
    const size_t a = scratch->temp_depth, b = a + 1;
    scratch->temp_depth += 2;
    if (scratch->temp.size() < scratch->temp_depth) scratch->temp.resize(scratch->temp_depth);
    scratch->temp[a].assign(in.begin(), in.end());
    size_t cur = a, next = b;
    for (size_t i = 0; i + 1 < parts_.size(); ++i) {
      scratch->temp[next].clear();
      std::vector<std::string_view> src = std::move(scratch->temp[cur]);
      std::vector<std::string_view> dst = std::move(scratch->temp[next]);
      parts_[i]->PreTokenize(src, &dst, scratch);
      scratch->temp[cur] = std::move(src);
      scratch->temp[next] = std::move(dst);
      std::swap(cur, next);
    }
    std::vector<std::string_view> src = std::move(scratch->temp[cur]);
    parts_.back()->PreTokenize(src, out, scratch);
    scratch->temp[cur] = std::move(src);
    scratch->temp_depth -= 2;
  }

  bool DeferFinalByteLevelMapping() override {
    return !parts_.empty() && parts_.back()->DeferFinalByteLevelMapping();
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> parts_;
};

absl::StatusOr<SplitBehavior> ParseBehavior(const Json& j, const std::string& path, SplitBehavior default_value) {
  const Json* v = JsonField(j, "behavior");
  if (v == nullptr || v->is_null()) return default_value;
  const std::string where = JsonChild(path, "behavior");
  if (!v->is_string()) return JsonError(where, absl::StrCat("expected a string, got ", JsonBrief(*v)));
  const std::string s = v->get<std::string>();
  if (s == "Removed") return SplitBehavior::kRemoved;
  if (s == "Isolated") return SplitBehavior::kIsolated;
  if (s == "MergedWithPrevious") return SplitBehavior::kMergedWithPrevious;
  if (s == "MergedWithNext") return SplitBehavior::kMergedWithNext;
  if (s == "Contiguous") return SplitBehavior::kContiguous;
  return JsonError(where, absl::StrCat("unsupported behavior \"", s,
                                       "\" (expected Removed, Isolated, MergedWithPrevious, MergedWithNext or "
                                       "Contiguous)"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<PreTokenizer>> ParsePreTokenizer(const Json& j, const std::string& path) {
  ASSIGN_OR_RETURN(const std::string type, ComponentType(j, path));
  if (type == "Sequence") {
    const std::string list_path = JsonChild(path, "pretokenizers");
    const Json* list = JsonField(j, "pretokenizers");
    if (list == nullptr || !list->is_array()) return JsonError(list_path, "expected an array");
    std::vector<std::unique_ptr<PreTokenizer>> parts;
    for (size_t i = 0; i < list->size(); ++i) {
      ASSIGN_OR_RETURN(auto part, ParsePreTokenizer((*list)[i], JsonIndex(list_path, i)));
      parts.push_back(std::move(part));
    }
    return std::unique_ptr<PreTokenizer>(new SequencePreTokenizer(std::move(parts)));
  }
  if (type == "Split") {
    const Json* pattern = JsonField(j, "pattern");
    if (pattern == nullptr) return JsonError(path, "missing key \"pattern\"");
    ASSIGN_OR_RETURN(auto regex, ParsePattern(*pattern, JsonChild(path, "pattern")));
    if (JsonField(j, "behavior") == nullptr) return JsonError(path, "missing key \"behavior\"");
    ASSIGN_OR_RETURN(const SplitBehavior behavior, ParseBehavior(j, path, SplitBehavior::kRemoved));
    ASSIGN_OR_RETURN(const bool invert, OptionalBool(j, "invert", path, false));
    return std::unique_ptr<PreTokenizer>(new SplitPreTokenizer(std::move(regex), behavior, invert));
  }
  if (type == "ByteLevel") {
    ASSIGN_OR_RETURN(const bool add_prefix_space, OptionalBool(j, "add_prefix_space", path, true));
    ASSIGN_OR_RETURN(const bool use_regex, OptionalBool(j, "use_regex", path, true));
    return std::unique_ptr<PreTokenizer>(new ByteLevelPreTokenizer(add_prefix_space, use_regex));
  }
  if (type == "Digits") {
    ASSIGN_OR_RETURN(const bool individual, OptionalBool(j, "individual_digits", path, false));
    return std::unique_ptr<PreTokenizer>(new CharSplitPreTokenizer(
        IsNumeric, individual ? SplitBehavior::kIsolated : SplitBehavior::kContiguous));
  }
  if (type == "Whitespace") {
    auto regex = Regex::FromOniguruma(R"(\w+|[^\w\s]+)");
    if (!regex.ok()) return JsonError(path, std::string(regex.status().message()));
    return std::unique_ptr<PreTokenizer>(new SplitPreTokenizer(*std::move(regex), SplitBehavior::kRemoved, true));
  }
  if (type == "WhitespaceSplit") {
    return std::unique_ptr<PreTokenizer>(new CharSplitPreTokenizer(IsWhiteSpace, SplitBehavior::kRemoved));
  }
  if (type == "Punctuation") {
    ASSIGN_OR_RETURN(const SplitBehavior behavior, ParseBehavior(j, path, SplitBehavior::kIsolated));
    return std::unique_ptr<PreTokenizer>(new CharSplitPreTokenizer(IsPunctuation, behavior));
  }
  return UnsupportedType(path, type);
}

}  // namespace reasonrl::tokenizer
