// GPT-2's bytes_to_unicode, the byte <-> character map of the ByteLevel pre-tokenizer, normalizer and decoder:
// bytes 33-126, 161-172 and 174-255 map to the same code point; the other 68 bytes (0-32, 127-160, 173) map,
// in increasing order, to U+0100, U+0101, ... (so ' ' -> U+0120 'Ġ', '\n' -> U+010A 'Ċ').
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace reasonrl::tokenizer {

struct ByteLevelMap {
  std::array<char32_t, 256> byte_to_char;
  std::array<std::string, 256> byte_to_utf8;  // byte_to_char as UTF-8 (1 or 2 bytes)
  // Code point (< 0x144) -> byte, or -1 for characters outside the map.
  std::array<int16_t, 0x144> char_to_byte;

  static const ByteLevelMap& Get();

  // The byte of code point `c`, or -1.
  int ByteOf(char32_t c) const { return c < char_to_byte.size() ? char_to_byte[c] : -1; }
};

}  // namespace reasonrl::tokenizer
