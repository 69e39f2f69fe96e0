#include "model/tokenizer/bpe.h"

#include <atomic>
#include <cstdio>
#include <cstring>
#include <limits>
#include <queue>

#include "absl/strings/str_cat.h"
#include "model/status_macros.h"
#include "model/tokenizer/byte_level.h"
#include "model/tokenizer/unicode.h"

namespace reasonrl::tokenizer {
namespace {

constexpr uint32_t kNoRank = std::numeric_limits<uint32_t>::max();

// A per-thread, direct-mapped cache of word -> ids for one model: each word hashes to one 128-byte slot,
// which a different word simply overwrites. Words of up to kMaxKey bytes with up to kMaxIds ids are cached
// (nearly all pre-tokens; longer ones rarely repeat).
struct WordCache {
  static constexpr size_t kSlots = 1 << 14;
  static constexpr size_t kMaxKey = 46;
  static constexpr size_t kMaxIds = 16;
  struct Slot {
    uint64_t hash = 0;
    uint8_t key_len = 0;
    uint8_t num_ids = 0;  // 0: empty slot
    char key[kMaxKey];
    int32_t ids[kMaxIds];
  };
  uint64_t owner = 0;
  std::vector<Slot> slots;
  void Reset(uint64_t new_owner) {
    owner = new_owner;
    slots.assign(kSlots, Slot());
  }
};

// 64-bit hash of a short string (multiply-mix over 8-byte words).
inline uint64_t HashWord(std::string_view s) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  uint64_t h = s.size() * kMul;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  }
  if (i < s.size()) {
    uint64_t w = 0;
    std::memcpy(&w, s.data() + i, s.size() - i);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  }
  h *= kMul;
  return h ^ (h >> 32);
}

WordCache& CacheFor(uint64_t owner) {
  // A few caches per thread, so that threads which alternate between tokenizers keep theirs.
  thread_local std::array<WordCache, 4> caches;
  thread_local size_t next_victim = 0;
  for (WordCache& c : caches) {
    if (c.owner == owner) return c;
  }
  WordCache& c = caches[next_victim];
  next_victim = (next_victim + 1) % caches.size();
  c.Reset(owner);
  return c;
}

std::atomic<uint64_t> g_next_cache_owner{1};

std::string ByteFallbackToken(unsigned char b) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "<0x%02X>", b);
  return buf;
}

}  // namespace

BpeModel::BpeModel() : cache_owner_(g_next_cache_owner.fetch_add(1)) { byte_ids_.fill(-1); }

absl::StatusOr<std::unique_ptr<BpeModel>> BpeModel::FromJson(const Json& j, const std::string& path,
                                                             BpeTables tables) {
  // Files from old tokenizers versions may leave out the model's "type"; tokenizers then recognises BPE by
  // its "merges".
  const bool untyped_bpe = j.is_object() && !j.contains("type") && j.contains("merges");
  if (!untyped_bpe) {
    ASSIGN_OR_RETURN(const std::string type, ComponentType(j, path));
    if (type != "BPE") return UnsupportedType(path, type);
  }
  std::unique_ptr<BpeModel> m(new BpeModel());

  const Json* dropout = JsonField(j, "dropout");
  if (dropout != nullptr && !dropout->is_null() && !(dropout->is_number() && dropout->get<double>() == 0.0)) {
    return JsonError(JsonChild(path, "dropout"),
                     absl::StrCat("BPE dropout ", JsonBrief(*dropout), " is not supported (only null or 0)"));
  }
  ASSIGN_OR_RETURN(m->continuing_subword_prefix_, OptionalString(j, "continuing_subword_prefix", path));
  ASSIGN_OR_RETURN(m->end_of_word_suffix_, OptionalString(j, "end_of_word_suffix", path));
  ASSIGN_OR_RETURN(m->fuse_unk_, OptionalBool(j, "fuse_unk", path, false));
  ASSIGN_OR_RETURN(m->byte_fallback_, OptionalBool(j, "byte_fallback", path, false));
  ASSIGN_OR_RETURN(m->ignore_merges_, OptionalBool(j, "ignore_merges", path, false));

  // vocab: {"token": id, ...}, streamed by ParseTokenizerJson.
  const std::string vocab_path = JsonChild(path, "vocab");
  if (!tables.has_vocab) {
    const Json* vocab = JsonField(j, "vocab");
    if (vocab == nullptr) return JsonError(path, "missing key \"vocab\"");
    return JsonError(vocab_path, absl::StrCat("expected an object of token -> id, got ", JsonBrief(*vocab)));
  }
  m->vocab_.reserve(tables.vocab.size());
  for (auto& [token, id] : tables.vocab) {
    if (id >= kMaxTokenIds) {
      return JsonError(vocab_path, absl::StrCat("id ", id, " of \"", token, "\" is too large (ids must be below ",
                                                kMaxTokenIds, ")"));
    }
    if (static_cast<size_t>(id) >= m->id_to_token_.size()) {
      m->id_to_token_.resize(id + 1);
      m->has_id_.resize(id + 1, false);
    }
    if (m->has_id_[id]) {
      return JsonError(vocab_path, absl::StrCat("id ", id, " is given to both \"", m->id_to_token_[id], "\" and \"",
                                                token, "\""));
    }
    // A token listed twice keeps its last id, as serde's HashMap does.
    if (auto it = m->vocab_.find(token); it != m->vocab_.end()) m->has_id_[it->second] = false;
    m->has_id_[id] = true;
    m->id_to_token_[id] = token;
    m->vocab_.insert_or_assign(std::move(token), id);
  }
  tables.vocab.clear();
  tables.vocab.shrink_to_fit();

  // merges: ["left right", ...] or [["left", "right"], ...]; rank = index.
  const std::string merges_path = JsonChild(path, "merges");
  if (!tables.has_merges) {
    const Json* merges = JsonField(j, "merges");
    if (merges == nullptr) return JsonError(path, "missing key \"merges\"");
    return JsonError(merges_path, absl::StrCat("expected an array, got ", JsonBrief(*merges)));
  }
  const size_t prefix_len = m->continuing_subword_prefix_ ? m->continuing_subword_prefix_->size() : 0;
  m->merges_.reserve(tables.merges.size());
  std::string merged;
  for (size_t i = 0; i < tables.merges.size(); ++i) {
    const auto& [left, right] = tables.merges[i];
    auto l = m->vocab_.find(left);
    auto r = m->vocab_.find(right);
    if (l == m->vocab_.end() || r == m->vocab_.end()) {
      return JsonError(JsonIndex(merges_path, i),
                       absl::StrCat("token \"", l == m->vocab_.end() ? left : right, "\" is not in model.vocab"));
    }
    if (right.size() < prefix_len) {
      return JsonError(JsonIndex(merges_path, i),
                       absl::StrCat("\"", right, "\" is shorter than continuing_subword_prefix"));
    }
    merged.assign(left);
    merged.append(right, prefix_len, std::string::npos);
    auto n = m->vocab_.find(merged);
    if (n == m->vocab_.end()) {
      return JsonError(JsonIndex(merges_path, i), absl::StrCat("merged token \"", merged, "\" is not in model.vocab"));
    }
    const uint64_t key = (static_cast<uint64_t>(static_cast<uint32_t>(l->second)) << 32) | static_cast<uint32_t>(r->second);
    m->merges_[key] = (static_cast<uint64_t>(i) << 32) | static_cast<uint32_t>(n->second);  // later ranks win
  }

  ASSIGN_OR_RETURN(const std::optional<std::string> unk, OptionalString(j, "unk_token", path));
  if (unk) {
    auto it = m->vocab_.find(*unk);
    if (it == m->vocab_.end()) {
      return JsonError(JsonChild(path, "unk_token"), absl::StrCat("\"", *unk, "\" is not in model.vocab"));
    }
    m->unk_id_ = it->second;
  }
  return m;
}

bool BpeModel::CanTakeByteInput() const {
  return !(continuing_subword_prefix_ && !continuing_subword_prefix_->empty()) &&
         !(end_of_word_suffix_ && !end_of_word_suffix_->empty());
}

void BpeModel::EnableByteInput() {
  const ByteLevelMap& map = ByteLevelMap::Get();
  // For ignore_merges: raw-byte keys for every vocab token made only of bytes_to_unicode characters (no
  // other token can be produced from byte-level pre-tokens).
  if (ignore_merges_) byte_vocab_.reserve(vocab_.size());
  for (const auto& [token, id] : vocab_) {
    if (!ignore_merges_) break;
    std::string raw;
    bool ok = true;
    for (size_t i = 0; i < token.size() && ok;) {
      char32_t c;
      i += DecodeUtf8(token.data() + i, &c);
      const int b = map.ByteOf(c);
      if (b < 0) ok = false;
      raw.push_back(static_cast<char>(b));
    }
    if (ok && IsValidUtf8(token)) byte_vocab_.emplace(std::move(raw), id);
  }
  for (int b = 0; b < 256; ++b) {
    auto it = vocab_.find(map.byte_to_utf8[b]);
    byte_ids_[b] = it == vocab_.end() ? -1 : it->second;
    if (byte_fallback_) {
      std::vector<int32_t> ids;
      for (const char c : map.byte_to_utf8[b]) {
        auto f = vocab_.find(ByteFallbackToken(static_cast<unsigned char>(c)));
        if (f == vocab_.end()) {
          ids.clear();
          break;
        }
        ids.push_back(f->second);
      }
      byte_fallback_ids_[b] = std::move(ids);
    }
  }
  byte_input_ = true;
}

std::optional<int32_t> BpeModel::TokenToId(std::string_view token) const {
  auto it = vocab_.find(AbslView(token));
  if (it == vocab_.end()) return std::nullopt;
  return it->second;
}

const std::string* BpeModel::IdToToken(int32_t id) const {
  if (id < 0 || static_cast<size_t>(id) >= id_to_token_.size() || !has_id_[id]) return nullptr;
  return &id_to_token_[id];
}

void BpeModel::InitialSymbols(std::string_view word, std::vector<int32_t>* symbols) const {
  // tokenizers' BPE::merge_word, without offsets. An unknown character becomes a pending unk that the next
  // known character (or the end) flushes; with fuse_unk consecutive unks stay one.
  bool pending_unk = false;
  auto flush_unk = [&] {
    if (pending_unk) symbols->push_back(*unk_id_);
    pending_unk = false;
  };
  auto unknown = [&](const std::vector<int32_t>* fallback_ids) {
    if (fallback_ids != nullptr && !fallback_ids->empty()) {
      symbols->insert(symbols->end(), fallback_ids->begin(), fallback_ids->end());
      return;
    }
    if (!unk_id_) return;  // no unk token: the character is dropped
    if (pending_unk && !fuse_unk_) symbols->push_back(*unk_id_);
    pending_unk = true;
  };
  if (byte_input_) {
    for (const char c : word) {
      const auto b = static_cast<unsigned char>(c);
      if (byte_ids_[b] >= 0) {
        flush_unk();
        symbols->push_back(byte_ids_[b]);
      } else {
        unknown(byte_fallback_ ? &byte_fallback_ids_[b] : nullptr);
      }
    }
    flush_unk();
    return;
  }
  std::string s;
  std::vector<int32_t> fallback;
  for (size_t i = 0; i < word.size();) {
    const int len = Utf8Length(static_cast<unsigned char>(word[i]));
    const bool first = i == 0, last = i + len >= word.size();
    s.clear();
    if (!first && continuing_subword_prefix_) s += *continuing_subword_prefix_;
    s.append(word.data() + i, len);
    if (last && end_of_word_suffix_) s += *end_of_word_suffix_;
    i += len;
    auto it = vocab_.find(s);
    if (it != vocab_.end()) {
      flush_unk();
      symbols->push_back(it->second);
      continue;
    }
    fallback.clear();
    if (byte_fallback_) {
      for (const char c : s) {
        auto f = vocab_.find(ByteFallbackToken(static_cast<unsigned char>(c)));
        if (f == vocab_.end()) {
          fallback.clear();
          break;
        }
        fallback.push_back(f->second);
      }
    }
    unknown(&fallback);
  }
  flush_unk();
}

void BpeModel::MergeAll(std::vector<int32_t>* symbols) const {
  std::vector<int32_t>& ids = *symbols;
  size_t n = ids.size();
  if (n < 2) return;
  if (n > 64) {
    MergeAllHeap(symbols);
    return;
  }
  // ranks[i] / merged[i]: the merge of the pair (ids[i], ids[i+1]).
  uint32_t ranks[64];
  int32_t merged[64];
  auto compute = [&](size_t i) {
    const uint64_t* m = FindMerge(ids[i], ids[i + 1]);
    ranks[i] = m ? static_cast<uint32_t>(*m >> 32) : kNoRank;
    merged[i] = m ? static_cast<int32_t>(*m & 0xFFFFFFFFu) : -1;
  };
  for (size_t i = 0; i + 1 < n; ++i) compute(i);
  while (n >= 2) {
    size_t best = 0;
    for (size_t i = 1; i + 1 < n; ++i) {
      if (ranks[i] < ranks[best]) best = i;  // strict: the leftmost of equal ranks
    }
    if (ranks[best] == kNoRank) break;
    ids[best] = merged[best];
    for (size_t i = best + 1; i + 1 < n; ++i) ids[i] = ids[i + 1];
    for (size_t i = best + 1; i + 2 < n; ++i) {
      ranks[i] = ranks[i + 1];
      merged[i] = merged[i + 1];
    }
    --n;
    if (best > 0) compute(best - 1);
    if (best + 1 < n) {
      compute(best);
    } else {
      ranks[best] = kNoRank;
    }
  }
  ids.resize(n);
}

void BpeModel::MergeAllHeap(std::vector<int32_t>* symbols) const {
  // tokenizers' Word::merge_all: a min-heap of (rank, position) over a doubly linked list of symbols.
  std::vector<int32_t>& ids = *symbols;
  const int n = static_cast<int>(ids.size());
  std::vector<int> prev(n), next(n);
  std::vector<bool> alive(n, true);
  for (int i = 0; i < n; ++i) {
    prev[i] = i - 1;
    next[i] = i + 1 < n ? i + 1 : -1;
  }
  struct Entry {
    uint32_t rank;
    int pos;
    int32_t new_id;
    bool operator>(const Entry& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
  };
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> queue;
  auto push = [&](int pos) {
    if (pos < 0 || next[pos] < 0) return;
    const uint64_t* m = FindMerge(ids[pos], ids[next[pos]]);
    if (m) queue.push({static_cast<uint32_t>(*m >> 32), pos, static_cast<int32_t>(*m & 0xFFFFFFFFu)});
  };
  for (int i = 0; i + 1 < n; ++i) push(i);
  while (!queue.empty()) {
    const Entry top = queue.top();
    queue.pop();
    if (!alive[top.pos] || next[top.pos] < 0) continue;
    const int right = next[top.pos];
    const uint64_t* m = FindMerge(ids[top.pos], ids[right]);
    if (m == nullptr || static_cast<int32_t>(*m & 0xFFFFFFFFu) != top.new_id) continue;  // stale entry
    ids[top.pos] = top.new_id;
    alive[right] = false;
    next[top.pos] = next[right];
    if (next[right] >= 0) prev[next[right]] = top.pos;
    push(prev[top.pos]);
    push(top.pos);
  }
  size_t k = 0;
  for (int i = 0; i < n; ++i) {
    if (alive[i]) ids[k++] = ids[i];
  }
  ids.resize(k);
}

void BpeModel::Tokenize(std::string_view word, std::vector<int32_t>* out) const {
  if (word.empty()) return;
  if (ignore_merges_) {
    const auto& vocab = byte_input_ ? byte_vocab_ : vocab_;
    auto it = vocab.find(AbslView(word));
    if (it != vocab.end()) {
      out->push_back(it->second);
      return;
    }
  }
  WordCache::Slot* slot = nullptr;
  uint64_t hash = 0;
  if (word.size() <= WordCache::kMaxKey) {
    hash = HashWord(word);
    slot = &CacheFor(cache_owner_).slots[hash & (WordCache::kSlots - 1)];
    if (slot->num_ids > 0 && slot->hash == hash && slot->key_len == word.size() &&
        std::memcmp(slot->key, word.data(), word.size()) == 0) {
      out->insert(out->end(), slot->ids, slot->ids + slot->num_ids);
      return;
    }
  }
  thread_local std::vector<int32_t> symbols;
  symbols.clear();
  InitialSymbols(word, &symbols);
  MergeAll(&symbols);
  out->insert(out->end(), symbols.begin(), symbols.end());
  if (slot != nullptr && !symbols.empty() && symbols.size() <= WordCache::kMaxIds) {
    slot->hash = hash;
    slot->key_len = static_cast<uint8_t>(word.size());
    slot->num_ids = static_cast<uint8_t>(symbols.size());
    std::memcpy(slot->key, word.data(), word.size());
    std::memcpy(slot->ids, symbols.data(), symbols.size() * sizeof(int32_t));
  }
}

}  // namespace reasonrl::tokenizer
