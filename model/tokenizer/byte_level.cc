#include "model/tokenizer/byte_level.h"

#include "model/tokenizer/unicode.h"

namespace reasonrl::tokenizer {

const ByteLevelMap& ByteLevelMap::Get() {
  static const ByteLevelMap* const kMap = [] {
    auto* m = new ByteLevelMap();
    m->char_to_byte.fill(-1);
    char32_t next = 0x100;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
      const char32_t c = printable ? static_cast<char32_t>(b) : next++;
      m->byte_to_char[b] = c;
      AppendUtf8(c, &m->byte_to_utf8[b]);
      m->char_to_byte[c] = static_cast<int16_t>(b);
    }
    return m;
  }();
  return *kMap;
}

}  // namespace reasonrl::tokenizer
