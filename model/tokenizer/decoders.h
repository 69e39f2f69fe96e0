// tokenizer.json "decoder": turns the token strings of Decode into text (tokenizers' Decoder::decode_chain,
// then the parts are concatenated).
//
//   ByteLevel     each token whose characters are all bytes_to_unicode characters -> those bytes, any other
//                 token -> its own UTF-8; all bytes together -> text, invalid UTF-8 -> U+FFFD (from_utf8_lossy)
//   Sequence      {"decoders": [...]}: each in order
//   Replace       {"pattern", "content"}: in every token, every match -> content
//   Strip         {"content": c, "start": n, "stop": m}: up to n leading / m trailing c removed per token
//   Fuse          all tokens -> one
//   ByteFallback  runs of <0xHH> tokens -> their bytes as UTF-8, or one U+FFFD per byte if invalid
//   Metaspace     {"replacement", "prepend_scheme"}: replacement -> " ", except in the first token where it
//                 is dropped (unless prepend_scheme is "never")
//   BPEDecoder    {"suffix"}: suffix -> " " (-> "" in the last token)
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/tokenizer/json_util.h"

namespace reasonrl::tokenizer {

class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual void DecodeChain(std::vector<std::string>* tokens) const = 0;
  // True for the ByteLevel decoder alone (Decode then takes a table-driven fast path).
  virtual bool IsByteLevel() const { return false; }
};

// `j` is the (non-null) decoder object at `path`.
absl::StatusOr<std::unique_ptr<Decoder>> ParseDecoder(const Json& j, const std::string& path);

// The ByteLevel decoder's bytes for one token: its bytes_to_unicode bytes, or the token itself when some
// character is not in the map.
std::string ByteLevelTokenBytes(const std::string& token);

}  // namespace reasonrl::tokenizer
