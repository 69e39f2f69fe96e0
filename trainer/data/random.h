// Portable deterministic randomness for datasets and task generators: the same seed gives the same
// numbers with every compiler, standard library and platform.
//
//   Engine      std::mt19937_64. Its output sequence is fixed by the C++ standard ([rand.predef]: the
//               10000th output of a default-constructed engine is 9981545732273789042), and so is
//               seed(uint64_t). The distributions of <random> are not (their algorithms are
//               implementation-defined), so none is used; neither is std::shuffle.
//   MixSeed     MixSeed(a, b) = SplitMix64(SplitMix64(a) ^ b), with SplitMix64 the finaliser of
//               Steele, Lea & Flood (2014):  z += 0x9E3779B97F4A7C15;
//               z = (z ^ z>>30) * 0xBF58476D1CE4E5B9;  z = (z ^ z>>27) * 0x94D049BB133111EB;  z ^= z>>31.
//               Streams seeded with MixSeed(seed, 0), MixSeed(seed, 1), ... are unrelated.
//   UniformBelow(rng, n), n >= 1: exactly uniform on [0, n). Draw 64-bit x until x < lim, where
//               lim = 2^64 - (2^64 mod n) is the largest multiple of n that fits; return x mod n.
//   FisherYates(rng, v): for i = n-1 down to 1: j = UniformBelow(rng, i + 1); swap(v[i], v[j]).
//
// Thread safety: plain functions over a caller-owned engine.
#pragma once

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace reasonrl::data {

using Rng = std::mt19937_64;

inline uint64_t SplitMix64(uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

inline uint64_t MixSeed(uint64_t a, uint64_t b) { return SplitMix64(SplitMix64(a) ^ b); }

// REQUIRES: n >= 1.
inline uint64_t UniformBelow(Rng& rng, uint64_t n) {
  // 2^64 mod n, computed in 64 bits: (2^64 - n) mod n == (-n) mod n.
  const uint64_t rem = (0 - n) % n;
  const uint64_t lim = 0 - rem;  // 2^64 - rem (wraps to 0 when rem == 0, meaning "accept everything")
  while (true) {
    const uint64_t x = rng();
    if (rem == 0 || x < lim) return x % n;
  }
}

// Uniform on the closed range [lo, hi]. REQUIRES: lo <= hi.
inline int64_t UniformInt(Rng& rng, int64_t lo, int64_t hi) {
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);  // hi - lo, mod 2^64
  if (span == UINT64_MAX) return static_cast<int64_t>(rng());                   // the whole int64 range
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + UniformBelow(rng, span + 1));
}

template <typename T>
void FisherYates(Rng& rng, std::vector<T>& v) {
  for (size_t i = v.size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(UniformBelow(rng, i));
    std::swap(v[i - 1], v[j]);
  }
}

}  // namespace reasonrl::data
