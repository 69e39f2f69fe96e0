#include "model/tokenizer/normalizers.h"

#include <cstdlib>
#include <vector>

#include <utf8proc.h>

#include "model/status_macros.h"
#include "model/tokenizer/byte_level.h"
#include "model/tokenizer/pattern.h"
#include "model/tokenizer/regex.h"
#include "model/tokenizer/unicode.h"

namespace reasonrl::tokenizer {
namespace {

class SequenceNormalizer : public Normalizer {
 public:
  explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> parts) : parts_(std::move(parts)) {}
  void Normalize(std::string* text) const override {
    for (const auto& p : parts_) p->Normalize(text);
  }
  bool IsNoOp() const override {
    for (const auto& p : parts_) {
      if (!p->IsNoOp()) return false;
    }
    return true;
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> parts_;
};

// NFC_inert[c]: a text made only of such characters is already NFC. c is inert when its canonical combining
// class is 0, NFC(c) == c, and neither c nor the first character of its canonical decomposition can be
// composed onto a preceding character (it is never a non-initial character of a canonical decomposition,
// nor a Hangul V or T jamo). Then NFD(text) is the concatenation of the NFD(c), each starting with a starter
// that blocks composition across the boundary, so NFC(text) is the concatenation of NFC(c) = c.
const std::vector<bool>& NfcInert() {
  static const std::vector<bool>* const kInert = [] {
    constexpr utf8proc_int32_t kEnd = 0x110000;
    auto* inert = new std::vector<bool>(kEnd, true);
    std::vector<bool> second(kEnd, false);
    std::vector<std::pair<utf8proc_int32_t, utf8proc_int32_t>> first_of;  // (c, first char of NFD(c))
    for (utf8proc_int32_t c = 0x1161; c <= 0x1175; ++c) second[c] = true;  // Hangul V
    // Hangul T, and U+11A7 (T_BASE itself): utf8proc, like the unicode-normalization releases of its day,
    // composes an LV syllable with U+11A7 (dropping it); marking it keeps both paths the same.
    for (utf8proc_int32_t c = 0x11A7; c <= 0x11C2; ++c) second[c] = true;
    for (utf8proc_int32_t c = 0; c < kEnd; ++c) {
      const utf8proc_property_t* p = utf8proc_get_property(c);
      if (p->combining_class != 0) (*inert)[c] = false;
      if (p->decomp_type != 0 || p->decomp_seqindex == UINT16_MAX) continue;  // no canonical decomposition
      utf8proc_int32_t seq[32];
      int boundclass = 0;
      const utf8proc_ssize_t n = utf8proc_decompose_char(c, seq, 32, UTF8PROC_DECOMPOSE, &boundclass);
      if (n <= 0 || n > 32) {
        (*inert)[c] = false;
        continue;
      }
      for (utf8proc_ssize_t k = 1; k < n; ++k) second[seq[k]] = true;
      first_of.emplace_back(c, seq[0]);
      std::string utf8;
      AppendUtf8(static_cast<char32_t>(c), &utf8);
      utf8proc_uint8_t* out = nullptr;
      const utf8proc_ssize_t m = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
                                              static_cast<utf8proc_ssize_t>(utf8.size()), &out,
                                              static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
      if (m < 0 || std::string(reinterpret_cast<const char*>(out), m) != utf8) (*inert)[c] = false;
      std::free(out);
    }
    for (utf8proc_int32_t c = 0; c < kEnd; ++c) {
      if (second[c]) (*inert)[c] = false;
    }
    for (const auto& [c, first] : first_of) {
      if (second[first]) (*inert)[c] = false;
    }
    return inert;
  }();
  return *kInert;
}

bool IsNfcInert(std::string_view text) {
  const std::vector<bool>& inert = NfcInert();
  for (size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    char32_t c;
    i += DecodeUtf8(text.data() + i, &c);
    if (!inert[c]) return false;
  }
  return true;
}

class UnicodeNormalizer : public Normalizer {
 public:
  UnicodeNormalizer(int options, bool nfc) : options_(options), nfc_(nfc) {}
  void Normalize(std::string* text) const override {
    if (text->empty()) return;
    // Fast path: text made only of code points below U+0300 (lead bytes below 0xCC) is NFC already
    // (NFC_Quick_Check is Yes for all of them and nothing composes without a character >= U+0300);
    // ASCII text is stable under every form.
    bool stable = true;
    for (const char c : *text) {
      const auto u = static_cast<unsigned char>(c);
      if (nfc_ ? u >= 0xCC : u >= 0x80) {
        stable = false;
        break;
      }
    }
    if (stable || (nfc_ && IsNfcInert(*text))) return;
    utf8proc_uint8_t* out = nullptr;
    const utf8proc_ssize_t n =
        utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text->data()), static_cast<utf8proc_ssize_t>(text->size()),
                     &out, static_cast<utf8proc_option_t>(options_));
    if (n >= 0) text->assign(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
    std::free(out);  // on error (only for invalid UTF-8, which never reaches here) the text stays as it was
  }

 private:
  int options_;
  bool nfc_;
};

class LowercaseNormalizer : public Normalizer {
 public:
  void Normalize(std::string* text) const override {
    bool ascii_upper_only = true;
    for (const char c : *text) {
      if (static_cast<unsigned char>(c) >= 0x80) {
        ascii_upper_only = false;
        break;
      }
    }
    if (ascii_upper_only) {
      for (char& c : *text) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
      }
      return;
    }
    std::string out;
    out.reserve(text->size());
    for (size_t i = 0; i < text->size();) {
      char32_t c;
      i += DecodeUtf8(text->data() + i, &c);
      if (c == 0x130) {  // the one unconditional multi-character lowercase mapping (SpecialCasing.txt)
        out += "i\xCC\x87";
        continue;
      }
      AppendUtf8(static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c))), &out);
    }
    *text = std::move(out);
  }
};

class ReplaceNormalizer : public Normalizer {
 public:
  ReplaceNormalizer(std::unique_ptr<Regex> regex, std::string content)
      : regex_(std::move(regex)), content_(std::move(content)) {}
  void Normalize(std::string* text) const override {
    std::vector<Span> matches;
    regex_->FindAll(*text, &matches);
    if (matches.empty()) return;
    std::string out;
    size_t prev = 0;
    for (const Span& m : matches) {
      out.append(*text, prev, m.start - prev);
      out += content_;
      prev = m.end;
    }
    out.append(*text, prev, std::string::npos);
    *text = std::move(out);
  }

 private:
  std::unique_ptr<Regex> regex_;
  std::string content_;
};

class StripNormalizer : public Normalizer {
 public:
  StripNormalizer(bool left, bool right) : left_(left), right_(right) {}
  void Normalize(std::string* text) const override {
    size_t begin = 0, end = text->size();
    if (left_) {
      while (begin < end) {
        char32_t c;
        const int len = DecodeUtf8(text->data() + begin, &c);
        if (!IsWhiteSpace(c)) break;
        begin += len;
      }
    }
    if (right_) {
      while (end > begin) {
        const char32_t c = LastChar(std::string_view(text->data() + begin, end - begin));
        if (!IsWhiteSpace(c)) break;
        end -= c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      }
    }
    *text = text->substr(begin, end - begin);
  }

 private:
  bool left_, right_;
};

class PrependNormalizer : public Normalizer {
 public:
  explicit PrependNormalizer(std::string prepend) : prepend_(std::move(prepend)) {}
  void Normalize(std::string* text) const override {
    if (!text->empty()) text->insert(0, prepend_);
  }

 private:
  std::string prepend_;
};

class StripAccentsNormalizer : public Normalizer {
 public:
  void Normalize(std::string* text) const override {
    std::string out;
    out.reserve(text->size());
    for (size_t i = 0; i < text->size();) {
      char32_t c;
      const int len = DecodeUtf8(text->data() + i, &c);
      const utf8proc_category_t cat = utf8proc_category(static_cast<utf8proc_int32_t>(c));
      if (cat != UTF8PROC_CATEGORY_MN && cat != UTF8PROC_CATEGORY_MC && cat != UTF8PROC_CATEGORY_ME) {
        out.append(*text, i, len);
      }
      i += len;
    }
    *text = std::move(out);
  }
};

class ByteLevelNormalizer : public Normalizer {
 public:
  void Normalize(std::string* text) const override {
    const ByteLevelMap& map = ByteLevelMap::Get();
    std::string out;
    out.reserve(text->size() * 2);
    for (const char c : *text) out += map.byte_to_utf8[static_cast<unsigned char>(c)];
    *text = std::move(out);
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<Normalizer>> ParseNormalizer(const Json& j, const std::string& path) {
  ASSIGN_OR_RETURN(const std::string type, ComponentType(j, path));
  if (type == "Sequence") {
    const Json* list = JsonField(j, "normalizers");
    if (list == nullptr || !list->is_array()) return JsonError(JsonChild(path, "normalizers"), "expected an array");
    std::vector<std::unique_ptr<Normalizer>> parts;
    for (size_t i = 0; i < list->size(); ++i) {
      ASSIGN_OR_RETURN(auto part, ParseNormalizer((*list)[i], JsonIndex(JsonChild(path, "normalizers"), i)));
      parts.push_back(std::move(part));
    }
    return std::unique_ptr<Normalizer>(new SequenceNormalizer(std::move(parts)));
  }
  if (type == "NFC") return std::unique_ptr<Normalizer>(new UnicodeNormalizer(UTF8PROC_STABLE | UTF8PROC_COMPOSE, true));
  if (type == "NFD") return std::unique_ptr<Normalizer>(new UnicodeNormalizer(UTF8PROC_STABLE | UTF8PROC_DECOMPOSE, false));
  if (type == "NFKC") {
    return std::unique_ptr<Normalizer>(
        new UnicodeNormalizer(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT, false));
  }
  if (type == "NFKD") {
    return std::unique_ptr<Normalizer>(
        new UnicodeNormalizer(UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT, false));
  }
  if (type == "Lowercase") return std::unique_ptr<Normalizer>(new LowercaseNormalizer());
  if (type == "Replace") {
    const Json* pattern = JsonField(j, "pattern");
    if (pattern == nullptr) return JsonError(path, "missing key \"pattern\"");
    ASSIGN_OR_RETURN(auto regex, ParsePattern(*pattern, JsonChild(path, "pattern")));
    ASSIGN_OR_RETURN(std::string content, RequiredString(j, "content", path));
    return std::unique_ptr<Normalizer>(new ReplaceNormalizer(std::move(regex), std::move(content)));
  }
  if (type == "Strip") {
    ASSIGN_OR_RETURN(const bool left, OptionalBool(j, "strip_left", path, true));
    ASSIGN_OR_RETURN(const bool right, OptionalBool(j, "strip_right", path, true));
    return std::unique_ptr<Normalizer>(new StripNormalizer(left, right));
  }
  if (type == "Prepend") {
    ASSIGN_OR_RETURN(std::string prepend, RequiredString(j, "prepend", path));
    return std::unique_ptr<Normalizer>(new PrependNormalizer(std::move(prepend)));
  }
  if (type == "StripAccents") return std::unique_ptr<Normalizer>(new StripAccentsNormalizer());
  if (type == "ByteLevel") return std::unique_ptr<Normalizer>(new ByteLevelNormalizer());
  return UnsupportedType(path, type);
}

}  // namespace reasonrl::tokenizer
