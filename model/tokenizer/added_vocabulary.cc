#include "model/tokenizer/added_vocabulary.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "model/status_macros.h"
#include "model/tokenizer/unicode.h"

namespace reasonrl::tokenizer {

AddedVocabulary::AddedVocabulary() {
  raw_.terminal.push_back(-1);
  normalized_.terminal.push_back(-1);
}

absl::Status AddedVocabulary::AddFromJson(const Json& list, const std::string& path, const BpeModel& model,
                                          const Normalizer* normalizer) {
  if (list.is_null()) return absl::OkStatus();
  if (!list.is_array()) return JsonError(path, "expected an array");
  std::vector<AddedToken> tokens;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string p = JsonIndex(path, i);
    const Json& e = list[i];
    RETURN_IF_ERROR(RequireObject(e, p));
    AddedToken t;
    ASSIGN_OR_RETURN(t.content, RequiredString(e, "content", p));
    if (!IsValidUtf8(t.content)) return JsonError(JsonChild(p, "content"), "not valid UTF-8");
    ASSIGN_OR_RETURN(t.single_word, OptionalBool(e, "single_word", p, false));
    ASSIGN_OR_RETURN(t.lstrip, OptionalBool(e, "lstrip", p, false));
    ASSIGN_OR_RETURN(t.rstrip, OptionalBool(e, "rstrip", p, false));
    ASSIGN_OR_RETURN(t.normalized, OptionalBool(e, "normalized", p, true));
    ASSIGN_OR_RETURN(t.special, OptionalBool(e, "special", p, false));
    const Json* id = JsonField(e, "id");
    if (id == nullptr || !id->is_number_integer() || id->get<int64_t>() < 0) {
      return JsonError(JsonChild(p, "id"), "expected a non-negative integer");
    }
    tokens.push_back(std::move(t));
  }
  AddTokens(tokens, model, normalizer);
  return absl::OkStatus();
}

void AddedVocabulary::AddTokens(const std::vector<AddedToken>& tokens, const BpeModel& model,
                                const Normalizer* normalizer) {
  for (const AddedToken& t : tokens) {
    if (t.special && !t.content.empty() && special_set_.insert(t.content).second) special_.push_back(t);
  }
  const auto vocab_size = static_cast<int64_t>(model.vocab_entries());
  for (const AddedToken& t : tokens) {
    if (t.content.empty()) continue;
    bool duplicate = false;
    for (const auto& [id, existing] : id_to_token_) {
      if (existing == t) {
        duplicate = true;
        break;
      }
    }
    if (duplicate) continue;
    int32_t id;
    if (auto known = TokenToId(t.content)) {
      id = *known;
    } else if (auto in_model = model.TokenToId(t.content)) {
      id = *in_model;
    } else {
      int64_t max = -1;
      for (const auto& [content, i] : content_to_id_) max = std::max<int64_t>(max, i);
      id = static_cast<int32_t>(max < 0 ? vocab_size : (max >= vocab_size || vocab_size == 0) ? max + 1 : vocab_size);
    }
    content_to_id_[t.content] = id;
    id_to_token_[id] = t;
    if (!special_set_.contains(t.content)) classic_.push_back(t);
  }
  Rebuild(model, normalizer);
}

void AddedVocabulary::Rebuild(const BpeModel& model, const Normalizer* normalizer) {
  std::vector<std::pair<std::string, int32_t>> raw, normalized;
  auto add = [&](const AddedToken& t) {
    std::optional<int32_t> id = TokenToId(t.content);
    if (!id) id = model.TokenToId(t.content);
    if (!id) return;
    if (t.normalized) {
      std::string content = t.content;
      if (normalizer != nullptr) normalizer->Normalize(&content);
      normalized.emplace_back(std::move(content), *id);
    } else {
      raw.emplace_back(t.content, *id);
    }
  };
  for (const AddedToken& t : special_) add(t);
  for (const AddedToken& t : classic_) add(t);
  raw_ = Matcher();
  normalized_ = Matcher();
  raw_.Build(raw);
  normalized_.Build(normalized);
}

void AddedVocabulary::Matcher::Build(const std::vector<std::pair<std::string, int32_t>>& contents) {
  terminal.assign(1, -1);
  for (const auto& [content, id] : contents) {
    if (content.empty()) continue;  // an empty pattern would match everywhere and nothing
    int32_t node = 0;
    for (const char c : content) {
      const uint64_t key = (static_cast<uint64_t>(node) << 8) | static_cast<unsigned char>(c);
      auto it = edges.find(key);
      if (it == edges.end()) {
        const auto child = static_cast<int32_t>(terminal.size());
        terminal.push_back(-1);
        edges.emplace(key, child);
        node = child;
      } else {
        node = it->second;
      }
    }
    if (terminal[node] < 0) {  // with duplicate contents, the first pattern wins
      terminal[node] = static_cast<int32_t>(patterns.size());
    }
    patterns.push_back(id);
    first_byte[static_cast<unsigned char>(content[0])] = true;
  }
  int distinct = 0;
  for (int b = 0; b < 256; ++b) {
    if (first_byte[b]) {
      ++distinct;
      single_first_byte = b;
    }
  }
  if (distinct != 1) single_first_byte = -1;
}

int AddedVocabulary::Matcher::LongestAt(std::string_view text, size_t pos, size_t* length) const {
  int best = -1;
  int32_t node = 0;
  for (size_t i = pos; i < text.size(); ++i) {
    auto it = edges.find((static_cast<uint64_t>(node) << 8) | static_cast<unsigned char>(text[i]));
    if (it == edges.end()) break;
    node = it->second;
    if (terminal[node] >= 0) {
      best = terminal[node];
      *length = i + 1 - pos;
    }
  }
  return best;
}

void AddedVocabulary::Split(const Matcher& matcher, std::string_view text, std::vector<TextSegment>* out) const {
  const size_t n = text.size();
  auto emit_text = [&](size_t begin, size_t end) {
    if (end > begin) out->push_back({text.substr(begin, end - begin), -1});
  };
  if (matcher.patterns.empty()) {
    emit_text(0, n);
    return;
  }
  size_t start_offset = 0;  // end of the last emitted segment
  size_t pos = 0;           // where the scan for the next raw match resumes
  while (pos < n) {
    // The leftmost match, longest at that position.
    size_t s = pos, len = 0;
    int pattern = -1;
    while (s < n) {
      if (matcher.single_first_byte >= 0) {
        const void* hit = std::memchr(text.data() + s, matcher.single_first_byte, n - s);
        if (hit == nullptr) break;
        s = static_cast<const char*>(hit) - text.data();
      } else if (!matcher.first_byte[static_cast<unsigned char>(text[s])]) {
        ++s;
        continue;
      }
      pattern = matcher.LongestAt(text, s, &len);
      if (pattern >= 0) break;
      ++s;
    }
    if (pattern < 0) break;
    size_t start = s, stop = s + len;
    pos = stop;
    const int32_t id = matcher.patterns[pattern];
    const AddedToken* token = Token(id);
    if (token != nullptr && token->single_word) {
      const bool start_space = start == 0 || !IsWordChar(LastChar(text.substr(0, start)));
      const bool stop_space = stop == n || !IsWordChar(FirstChar(text.substr(stop)));
      if (!start_space || !stop_space) continue;
    }
    if (token != nullptr && token->lstrip) {
      size_t new_start = start;
      while (new_start > 0) {
        const char32_t c = LastChar(text.substr(0, new_start));
        if (!IsWhiteSpace(c)) break;
        new_start -= c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      }
      start = std::max(new_start, start_offset);
    }
    if (token != nullptr && token->rstrip) {
      while (stop < n) {
        char32_t c;
        const int l = DecodeUtf8(text.data() + stop, &c);
        if (!IsWhiteSpace(c)) break;
        stop += l;
      }
    }
    if (start_offset < start) emit_text(start_offset, start);
    out->push_back({text.substr(start, stop - start), id});
    start_offset = stop;
  }
  if (start_offset < n) emit_text(start_offset, n);
}

std::optional<int32_t> AddedVocabulary::TokenToId(std::string_view content) const {
  auto it = content_to_id_.find(AbslView(content));
  if (it == content_to_id_.end()) return std::nullopt;
  return it->second;
}

const AddedToken* AddedVocabulary::Token(int32_t id) const {
  auto it = id_to_token_.find(id);
  return it == id_to_token_.end() ? nullptr : &it->second;
}

int32_t AddedVocabulary::max_id() const {
  int32_t m = -1;
  for (const auto& [id, t] : id_to_token_) m = std::max(m, id);
  return m;
}

}  // namespace reasonrl::tokenizer
