// libFuzzer target: loading tokenizer.json (file mode) from arbitrary bytes, then using what loaded.
// A load either succeeds or returns InvalidArgument naming "fuzz"; a tokenizer that loads must encode
// its own input text and a few fixed strings with every id below vocab_size(), and decode them, without
// crashing, hanging (the regexes run with PCRE2 match limits) or leaking.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "model/tokenizer/tokenizer.h"

namespace {

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  auto tokenizer = reasonrl::Tokenizer::FromJson(json, nullptr, "fuzz");
  if (!tokenizer.ok()) {
    Check(tokenizer.status().code() == absl::StatusCode::kInvalidArgument);
    Check(tokenizer.status().message().find("fuzz") != std::string_view::npos);
    return 0;
  }
  const reasonrl::Tokenizer& t = **tokenizer;
  const std::string_view texts[] = {json.substr(0, 512), "Hello world 123 <think>x</think>", "  \n\r\n\t中文 😀 ",
                                    "\xff\xfe invalid \xc3"};
  for (std::string_view text : texts) {
    for (bool special : {false, true}) {
      const std::vector<int32_t> ids = t.Encode(text, special);
      for (int32_t id : ids) Check(id >= 0 && id < t.vocab_size());
      (void)t.Decode(ids, false);
      (void)t.Decode(ids, true);
    }
  }
  return 0;
}
