// ShardedSampler: which dataset index each rank takes next, epoch after epoch, reproducibly.
//
// Epoch order. Epoch e visits the N samples in the order P_e, a permutation of [0, N):
//   shuffle:  P_e = FisherYates(std::mt19937_64(MixSeed(seed, e)), [0, 1, ..., N-1])   (random.h)
//   no shuffle: P_e = [0, 1, ..., N-1].
// Sharding. Rank r of W takes every W-th position of P_e, starting at r (strided, like torch's
// DistributedSampler): shard_r = P_e[r], P_e[r + W], P_e[r + 2W], ... What happens to the N mod W left
// over depends on `remainder`:
//   kUneven    (default) every sample exactly once per epoch over all ranks; ranks r < N mod W get
//              ceil(N/W) samples, the others floor(N/W). Ranks then run out at different times, so
//              lock-step data-parallel training must use kDropLast or kPad (or handle a short last batch).
//   kDropLast  every rank gets floor(N/W): the last N mod W positions of P_e are not used in epoch e (a
//              different random tail each epoch when shuffling). No sample twice; N mod W missing.
//   kPad       every rank gets ceil(N/W): P_e is extended cyclically to W*ceil(N/W) positions, i.e. by
//              its own first W*ceil(N/W) - N entries when N >= W (what torch's DistributedSampler does).
//              Every sample at least once; those few twice.
// Every rank must see N >= 1 samples in its shard: kUneven and kDropLast need N >= W.
//
// Cursor. {epoch, position}: `position` samples of this rank's shard of `epoch` have been taken. Next()
// returns shard_r(epoch)[position] and advances; past the shard's end it moves to {epoch + 1, 0}. A cursor
// saved with CursorJson() and restored with RestoreCursorJson() on a sampler with the same N, seed,
// world_size, rank, shuffle and remainder yields exactly the stream the uninterrupted sampler would have.
//
// Thread safety: const methods may run concurrently; Next(), Seek() and RestoreCursorJson() need
// exclusive access.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace reasonrl::data {

enum class Remainder { kUneven, kDropLast, kPad };

// "uneven" | "drop_last" | "pad".
absl::StatusOr<Remainder> ParseRemainder(std::string_view name);
const char* RemainderName(Remainder remainder);

struct SamplerCursor {
  int64_t epoch = 0;     // >= 0
  int64_t position = 0;  // samples of this rank's shard already taken in `epoch`, 0..ShardSize()
  bool operator==(const SamplerCursor& o) const { return epoch == o.epoch && position == o.position; }
};

class ShardedSampler {
 public:
  struct Config {
    uint64_t seed = 0;                      // shuffle seed; epoch e uses MixSeed(seed, e)
    int64_t world_size = 1;                 // W >= 1
    int64_t rank = 0;                       // 0 <= rank < W
    bool shuffle = true;                    // false: P_e = identity every epoch
    Remainder remainder = Remainder::kUneven;
  };

  // Errors: num_samples < 1, world_size < 1, rank outside [0, W), a rank whose shard would be empty.
  static absl::StatusOr<ShardedSampler> Create(int64_t num_samples, Config config);

  // P_e: the epoch's global order, a permutation of [0, N).
  std::vector<int64_t> EpochOrder(int64_t epoch) const;
  // This rank's indices in epoch `epoch`, in the order Next() returns them.
  std::vector<int64_t> ShardIndices(int64_t epoch) const;
  // |shard|, the same in every epoch.
  int64_t ShardSize() const { return shard_size_; }
  int64_t num_samples() const { return num_samples_; }
  const Config& config() const { return config_; }

  // The next index of this rank's stream; crosses into the next epoch after the shard's last index.
  int64_t Next();

  SamplerCursor cursor() const { return cursor_; }
  // Error: epoch < 0 or position outside [0, ShardSize()].
  absl::Status Seek(SamplerCursor cursor);

  // {"epoch":E,"position":P,"num_samples":N,"seed":S,"world_size":W,"rank":R,"shuffle":true,
  //  "remainder":"uneven"}: the cursor plus what it is only valid with.
  std::string CursorJson() const;
  // Restores a CursorJson(). Errors: malformed JSON, a missing or mistyped key, or a key that differs from
  // this sampler's (e.g. "cursor was saved with world_size 4, this sampler has 2").
  absl::Status RestoreCursorJson(std::string_view json);

 private:
  ShardedSampler(int64_t num_samples, Config config, int64_t shard_size)
      : num_samples_(num_samples), config_(config), shard_size_(shard_size) {}

  int64_t num_samples_;
  Config config_;
  int64_t shard_size_;
  SamplerCursor cursor_;
  int64_t cached_epoch_ = -1;       // epoch whose shard `cached_shard_` holds
  std::vector<int64_t> cached_shard_;
};

}  // namespace reasonrl::data
