#!/usr/bin/env python3
"""Independent reference for trainer/data/random.h and trainer/data/sampler.h.

Re-implements, in plain Python, std::mt19937_64 (the C++ standard's parameters, [rand.eng.mers] and
[rand.predef]), SplitMix64, MixSeed, UniformBelow (rejection sampling) and Fisher-Yates as the headers
document them, and writes random_golden.json next to this file. data_random_test.cc and
data_sampler_test.cc compare the C++ code with it.

    python3 tests/data/datasets/make_random_golden.py
"""
import json
import os

M64 = (1 << 64) - 1


class MT19937_64:
    n, m, r = 312, 156, 31
    a = 0xB5026F5AA96619E9
    u, d = 29, 0x5555555555555555
    s, b = 17, 0x71D67FFFEDA60000
    t, c = 37, 0xFFF7EEE000000000
    l = 43
    f = 6364136223846793005

    def __init__(self, seed=5489):
        self.mt = [0] * self.n
        self.mt[0] = seed & M64
        for i in range(1, self.n):
            prev = self.mt[i - 1]
            self.mt[i] = (self.f * (prev ^ (prev >> 62)) + i) & M64
        self.index = self.n

    def twist(self):
        upper = (~((1 << self.r) - 1)) & M64
        lower = (1 << self.r) - 1
        for i in range(self.n):
            y = (self.mt[i] & upper) | (self.mt[(i + 1) % self.n] & lower)
            v = self.mt[(i + self.m) % self.n] ^ (y >> 1)
            if y & 1:
                v ^= self.a
            self.mt[i] = v
        self.index = 0

    def __call__(self):
        if self.index >= self.n:
            self.twist()
        y = self.mt[self.index]
        self.index += 1
        y ^= (y >> self.u) & self.d
        y ^= (y << self.s) & self.b
        y ^= (y << self.t) & self.c
        y ^= y >> self.l
        return y & M64


def splitmix64(z):
    z = (z + 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def mix_seed(a, b):
    return splitmix64(splitmix64(a) ^ b)


def uniform_below(rng, n):
    lim = (1 << 64) - ((1 << 64) % n)  # the largest multiple of n not above 2^64
    while True:
        x = rng()
        if x < lim:
            return x % n


def fisher_yates(rng, v):
    v = list(v)
    for i in range(len(v) - 1, 0, -1):
        j = uniform_below(rng, i + 1)
        v[i], v[j] = v[j], v[i]
    return v


def epoch_order(n, seed, epoch):
    return fisher_yates(MT19937_64(mix_seed(seed, epoch)), range(n))


def shard(n, seed, epoch, world, rank, remainder):
    order = epoch_order(n, seed, epoch)
    floor, ceil = n // world, -(-n // world)
    size = {"uneven": ceil if rank < n % world else floor, "drop_last": floor, "pad": ceil}[remainder]
    return [order[(rank + k * world) % n] for k in range(size)]


def main():
    default = MT19937_64()
    for _ in range(9999):
        default()
    assert default() == 9981545732273789042, "mt19937_64 reference broken"

    out = {
        "mt19937_64_first5": {str(s): [g() for g in [MT19937_64(s)] for _ in range(5)] for s in [0, 1, 42, M64]},
        "splitmix64": {str(z): splitmix64(z) for z in [0, 1, 42, M64]},
        "mix_seed": [[a, b, mix_seed(a, b)] for a, b in [(0, 0), (0, 1), (42, 7), (M64, M64)]],
        # n = 2^63 + 1 rejects almost half of the draws; n = 2^64 - 1 rejects only x = 2^64 - 1.
        "uniform_below": [],
        "fisher_yates_10": {str(s): fisher_yates(MT19937_64(mix_seed(s, 0)), range(10)) for s in [0, 1, 2, 12345]},
        "shards": [],
    }
    for seed, n in [(7, 1), (7, 3), (7, 10), (123, (1 << 63) + 1), (123, M64), (99, 1000)]:
        rng = MT19937_64(seed)
        out["uniform_below"].append({"seed": seed, "n": str(n), "draws": [str(uniform_below(rng, n)) for _ in range(8)]})
    for n, seed, epoch, world, rank, remainder in [(10, 0, 0, 1, 0, "uneven"), (10, 0, 1, 3, 0, "uneven"),
                                                   (10, 0, 1, 3, 2, "uneven"), (10, 5, 2, 4, 3, "drop_last"),
                                                   (10, 5, 2, 4, 3, "pad"), (7, 99, 0, 3, 1, "pad")]:
        out["shards"].append({"n": n, "seed": seed, "epoch": epoch, "world_size": world, "rank": rank,
                              "remainder": remainder, "indices": shard(n, seed, epoch, world, rank, remainder)})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "random_golden.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
