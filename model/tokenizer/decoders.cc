#include "model/tokenizer/decoders.h"

#include "model/status_macros.h"
#include "model/tokenizer/byte_level.h"
#include "model/tokenizer/pattern.h"
#include "model/tokenizer/regex.h"
#include "model/tokenizer/unicode.h"

namespace reasonrl::tokenizer {

std::string ByteLevelTokenBytes(const std::string& token) {
  const ByteLevelMap& map = ByteLevelMap::Get();
  std::string bytes;
  bytes.reserve(token.size());
  for (size_t i = 0; i < token.size();) {
    char32_t c;
    i += DecodeUtf8(token.data() + i, &c);
    const int b = map.ByteOf(c);
    if (b < 0) return token;
    bytes.push_back(static_cast<char>(b));
  }
  return bytes;
}

namespace {

class ByteLevelDecoder : public Decoder {
 public:
  void DecodeChain(std::vector<std::string>* tokens) const override {
    std::string bytes;
    for (const std::string& t : *tokens) bytes += ByteLevelTokenBytes(t);
    tokens->assign(1, Utf8Lossy(bytes));
  }
  bool IsByteLevel() const override { return true; }
};

class SequenceDecoder : public Decoder {
 public:
  explicit SequenceDecoder(std::vector<std::unique_ptr<Decoder>> parts) : parts_(std::move(parts)) {}
  void DecodeChain(std::vector<std::string>* tokens) const override {
    for (const auto& p : parts_) p->DecodeChain(tokens);
  }

 private:
  std::vector<std::unique_ptr<Decoder>> parts_;
};

class ReplaceDecoder : public Decoder {
 public:
  ReplaceDecoder(std::unique_ptr<Regex> regex, std::string content)
      : regex_(std::move(regex)), content_(std::move(content)) {}
  void DecodeChain(std::vector<std::string>* tokens) const override {
    std::vector<Span> matches;
    for (std::string& t : *tokens) {
      matches.clear();
      regex_->FindAll(t, &matches);
      if (matches.empty()) continue;
      std::string out;
      size_t prev = 0;
      for (const Span& m : matches) {
        out.append(t, prev, m.start - prev);
        out += content_;
        prev = m.end;
      }
      out.append(t, prev, std::string::npos);
      t = std::move(out);
    }
  }

 private:
  std::unique_ptr<Regex> regex_;
  std::string content_;
};

class StripDecoder : public Decoder {
 public:
  StripDecoder(char32_t content, size_t start, size_t stop) : content_(content), start_(start), stop_(stop) {}
  void DecodeChain(std::vector<std::string>* tokens) const override {
    for (std::string& t : *tokens) {
      std::vector<char32_t> chars;
      for (size_t i = 0; i < t.size();) {
        char32_t c;
        i += DecodeUtf8(t.data() + i, &c);
        chars.push_back(c);
      }
      size_t begin = 0;
      while (begin < start_ && begin < chars.size() && chars[begin] == content_) ++begin;
      size_t end = chars.size();
      for (size_t k = 0; k < stop_ && end > begin && chars[end - 1] == content_; ++k) --end;
      std::string out;
      for (size_t i = begin; i < end; ++i) AppendUtf8(chars[i], &out);
      t = std::move(out);
    }
  }

 private:
  char32_t content_;
  size_t start_, stop_;
};

class FuseDecoder : public Decoder {
 public:
  void DecodeChain(std::vector<std::string>* tokens) const override {
    std::string all;
    for (const std::string& t : *tokens) all += t;
    tokens->assign(1, std::move(all));
  }
};

class ByteFallbackDecoder : public Decoder {
 public:
  void DecodeChain(std::vector<std::string>* tokens) const override {
    std::vector<std::string> out;
    std::string pending;  // bytes of consecutive <0xHH> tokens
    size_t pending_count = 0;
    auto flush = [&] {
      if (pending_count == 0) return;
      if (IsValidUtf8(pending)) {
        out.push_back(pending);
      } else {
        for (size_t i = 0; i < pending_count; ++i) out.emplace_back("\xEF\xBF\xBD");
      }
      pending.clear();
      pending_count = 0;
    };
    for (std::string& t : *tokens) {
      int byte = -1;
      if (t.size() == 6 && t.compare(0, 3, "<0x") == 0 && t[5] == '>') byte = HexByte(t[3], t[4]);
      if (byte >= 0) {
        pending.push_back(static_cast<char>(byte));
        ++pending_count;
      } else {
        flush();
        out.push_back(std::move(t));
      }
    }
    flush();
    *tokens = std::move(out);
  }

 private:
  static int HexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  static int HexByte(char hi, char lo) {
    const int h = HexDigit(hi), l = HexDigit(lo);
    return h < 0 || l < 0 ? -1 : h * 16 + l;
  }
};

class MetaspaceDecoder : public Decoder {
 public:
  MetaspaceDecoder(char32_t replacement, bool strip_first) : replacement_(replacement), strip_first_(strip_first) {}
  void DecodeChain(std::vector<std::string>* tokens) const override {
    for (size_t k = 0; k < tokens->size(); ++k) {
      std::string& t = (*tokens)[k];
      std::string out;
      for (size_t i = 0; i < t.size();) {
        char32_t c;
        const int len = DecodeUtf8(t.data() + i, &c);
        if (c == replacement_) {
          if (!(k == 0 && strip_first_)) out += ' ';
        } else {
          out.append(t, i, len);
        }
        i += len;
      }
      t = std::move(out);
    }
  }

 private:
  char32_t replacement_;
  bool strip_first_;
};

class BpeDecoder : public Decoder {
 public:
  explicit BpeDecoder(std::string suffix) : suffix_(std::move(suffix)) {}
  void DecodeChain(std::vector<std::string>* tokens) const override {
    if (suffix_.empty()) return;
    for (size_t k = 0; k < tokens->size(); ++k) {
      std::string& t = (*tokens)[k];
      const std::string replacement = k + 1 == tokens->size() ? "" : " ";
      std::string out;
      size_t prev = 0;
      for (size_t at = t.find(suffix_); at != std::string::npos; at = t.find(suffix_, prev)) {
        out.append(t, prev, at - prev);
        out += replacement;
        prev = at + suffix_.size();
      }
      out.append(t, prev, std::string::npos);
      t = std::move(out);
    }
  }

 private:
  std::string suffix_;
};

// A JSON string holding exactly one character.
absl::StatusOr<char32_t> SingleChar(const Json& j, std::string_view key, const std::string& path) {
  ASSIGN_OR_RETURN(const std::string s, RequiredString(j, key, path));
  if (s.empty() || !IsValidUtf8(s) || static_cast<size_t>(Utf8Length(static_cast<unsigned char>(s[0]))) != s.size()) {
    return JsonError(JsonChild(path, key), absl::StrCat("expected exactly one character, got \"", s, "\""));
  }
  return FirstChar(s);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Decoder>> ParseDecoder(const Json& j, const std::string& path) {
  ASSIGN_OR_RETURN(const std::string type, ComponentType(j, path));
  if (type == "ByteLevel") return std::unique_ptr<Decoder>(new ByteLevelDecoder());
  if (type == "Sequence") {
    const std::string list_path = JsonChild(path, "decoders");
    const Json* list = JsonField(j, "decoders");
    if (list == nullptr || !list->is_array()) return JsonError(list_path, "expected an array");
    std::vector<std::unique_ptr<Decoder>> parts;
    for (size_t i = 0; i < list->size(); ++i) {
      ASSIGN_OR_RETURN(auto part, ParseDecoder((*list)[i], JsonIndex(list_path, i)));
      parts.push_back(std::move(part));
    }
    return std::unique_ptr<Decoder>(new SequenceDecoder(std::move(parts)));
  }
  if (type == "Replace") {
    const Json* pattern = JsonField(j, "pattern");
    if (pattern == nullptr) return JsonError(path, "missing key \"pattern\"");
    ASSIGN_OR_RETURN(auto regex, ParsePattern(*pattern, JsonChild(path, "pattern")));
    ASSIGN_OR_RETURN(std::string content, RequiredString(j, "content", path));
    return std::unique_ptr<Decoder>(new ReplaceDecoder(std::move(regex), std::move(content)));
  }
  if (type == "Strip") {
    ASSIGN_OR_RETURN(const char32_t content, SingleChar(j, "content", path));
    ASSIGN_OR_RETURN(const uint64_t start, OptionalUnsigned(j, "start", path, 0));
    ASSIGN_OR_RETURN(const uint64_t stop, OptionalUnsigned(j, "stop", path, 0));
    return std::unique_ptr<Decoder>(new StripDecoder(content, start, stop));
  }
  if (type == "Fuse") return std::unique_ptr<Decoder>(new FuseDecoder());
  if (type == "ByteFallback") return std::unique_ptr<Decoder>(new ByteFallbackDecoder());
  if (type == "Metaspace") {
    ASSIGN_OR_RETURN(const char32_t replacement, SingleChar(j, "replacement", path));
    bool strip_first = true;
    ASSIGN_OR_RETURN(const std::optional<std::string> scheme, OptionalString(j, "prepend_scheme", path));
    if (scheme) {
      if (*scheme != "always" && *scheme != "first" && *scheme != "never") {
        return JsonError(JsonChild(path, "prepend_scheme"),
                         absl::StrCat("expected always, first or never, got \"", *scheme, "\""));
      }
      strip_first = *scheme != "never";
    } else {
      ASSIGN_OR_RETURN(strip_first, OptionalBool(j, "add_prefix_space", path, true));
    }
    return std::unique_ptr<Decoder>(new MetaspaceDecoder(replacement, strip_first));
  }
  if (type == "BPEDecoder") {
    ASSIGN_OR_RETURN(const std::optional<std::string> suffix, OptionalString(j, "suffix", path));
    return std::unique_ptr<Decoder>(new BpeDecoder(suffix.value_or("</w>")));
  }
  return UnsupportedType(path, type);
}

}  // namespace reasonrl::tokenizer
