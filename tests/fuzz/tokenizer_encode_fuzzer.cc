// libFuzzer target: encoding arbitrary bytes with the four real tokenizers (scripts/fetch_tokenizers.sh puts
// them in .cache/tokenizers; the path is the compile definition REASONRL_TOKENIZER_CACHE). The first input
// byte picks the tokenizer and the mode (file or directory), the rest is the text.
//
// Besides "never crash, hang or leak" it checks:
//   * every id is below vocab_size();
//   * directory mode = file mode with BOS in front for DeepSeek (add_bos_token), identical for Qwen3/Llama-3;
//   * round trip: for valid UTF-8 text, Decode(Encode(text)) == text for the tokenizers without a normalizer
//     (DeepSeek-V3/R1, Llama-3) and == NFC(text) for Qwen3 (its normalizer is NFC); for any bytes,
//     Encode(bytes) == Encode(lossy(bytes)), where lossy replaces invalid UTF-8 like Rust's from_utf8_lossy
//     (computed here independently, by decoding the string one scalar value at a time).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/tokenizer/tokenizer.h"
#include "utf8proc.h"

namespace {

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

struct Loaded {
  std::unique_ptr<reasonrl::Tokenizer> file, dir;
  bool nfc = false;        // normalizer NFC (Qwen3)
  bool bos_in_dir = false;  // directory mode prepends BOS
};

std::vector<Loaded>& Tokenizers() {
  static std::vector<Loaded>* loaded = [] {
    auto* v = new std::vector<Loaded>;
    const char* names[] = {"deepseek_v3", "deepseek_r1", "qwen3", "llama3"};
    for (const char* name : names) {
      const std::string dir = std::string(REASONRL_TOKENIZER_CACHE) + "/" + name;
      auto file = reasonrl::Tokenizer::Load(dir + "/tokenizer.json");
      auto directory = reasonrl::Tokenizer::Load(dir);
      if (!file.ok() || !directory.ok()) {
        std::fprintf(stderr, "tokenizer_encode_fuzzer: cannot load %s (run scripts/fetch_tokenizers.sh): %s\n",
                     dir.c_str(), std::string((file.ok() ? directory : file).status().message()).c_str());
        std::abort();
      }
      Loaded l;
      l.file = std::move(*file);
      l.dir = std::move(*directory);
      l.nfc = std::string_view(name) == "qwen3";
      l.bos_in_dir = std::string_view(name).substr(0, 8) == "deepseek";
      v->push_back(std::move(l));
    }
    return v;
  }();
  return *loaded;
}

// Rust's String::from_utf8_lossy, one scalar at a time: utf8proc_iterate reads the longest valid sequence or
// reports an error; on error, the maximal prefix of a valid sequence (Unicode's "maximal subpart") is
// replaced by one U+FFFD.
std::string Lossy(std::string_view s, bool* valid) {
  std::string out;
  *valid = true;
  size_t i = 0;
  while (i < s.size()) {
    utf8proc_int32_t cp;
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i);
    utf8proc_ssize_t n = utf8proc_iterate(p, static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n > 0) {
      out.append(s.data() + i, static_cast<size_t>(n));
      i += static_cast<size_t>(n);
      continue;
    }
    *valid = false;
    // Maximal subpart: the lead byte plus as many continuation bytes as stay a valid prefix.
    const unsigned char b0 = static_cast<unsigned char>(s[i]);
    size_t len = 1;
    unsigned char lo = 0x80, hi = 0xBF;
    size_t need = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) need = 1;
    else if (b0 >= 0xE0 && b0 <= 0xEF) { need = 2; if (b0 == 0xE0) lo = 0xA0; if (b0 == 0xED) hi = 0x9F; }
    else if (b0 >= 0xF0 && b0 <= 0xF4) { need = 3; if (b0 == 0xF0) lo = 0x90; if (b0 == 0xF4) hi = 0x8F; }
    for (size_t k = 0; k < need && i + len < s.size(); ++k) {
      const unsigned char b = static_cast<unsigned char>(s[i + len]);
      if (b < lo || b > hi) break;
      lo = 0x80, hi = 0xBF;
      ++len;
    }
    out += "\xEF\xBF\xBD";
    i += len;
  }
  return out;
}

std::string Nfc(const std::string& s) {
  utf8proc_uint8_t* out = utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t*>(s.c_str()));
  Check(out != nullptr);
  std::string r(reinterpret_cast<char*>(out));
  std::free(out);
  return r;
}

}  // namespace

// Loads the tokenizers before the first input, so that libFuzzer's per-input timeout does not count it.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  Tokenizers();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::vector<Loaded>& all = Tokenizers();
  const Loaded& t = all[data[0] % all.size()];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  const std::vector<int32_t> ids = t.file->Encode(text, /*add_special_tokens=*/false);
  for (int32_t id : ids) Check(id >= 0 && id < t.file->vocab_size());
  Check(t.file->Encode(text, true) == ids);  // the four post-processors are ByteLevel: they add nothing

  std::vector<int32_t> dir_ids = t.dir->Encode(text, true);
  if (t.bos_in_dir) {
    Check(!dir_ids.empty() && dir_ids.front() == 0);
    dir_ids.erase(dir_ids.begin());
  }
  Check(dir_ids == ids);

  bool valid = true;
  const std::string lossy = Lossy(text, &valid);
  if (!valid) {
    Check(t.file->Encode(lossy, false) == ids);
  } else if (lossy.find('\0') == std::string::npos) {  // NFC below works on C strings
    const std::string expected = t.nfc ? Nfc(lossy) : lossy;
    Check(t.file->Decode(ids, /*skip_special_tokens=*/false) == expected);
  }
  return 0;
}
