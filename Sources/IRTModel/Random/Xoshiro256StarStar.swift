/// The xoshiro256** generator (Blackman & Vigna, 2018): 256 bits of state,
/// period 2²⁵⁶ − 1, seeded from one 64-bit number through SplitMix64.
///
/// ```
/// result = rotl(s₁ · 5, 7) · 9
/// ```
///
/// IRTKit's Monte Carlo code gives every draw its own stream: stream `d` is the
/// seed's generator advanced by `d` calls of ``jump()`` (2¹²⁸ steps each), so a
/// draw sees the same numbers whichever thread runs it.
///
/// ```swift
/// var rng = Xoshiro256StarStar(seed: 42)
/// let u = Double.random(in: 0..<1, using: &rng)
/// ```
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Equatable {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator whose state is filled by SplitMix64 from `seed`.
    public init(seed: UInt64) {
        var sm = SplitMix64(state: seed)
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
    }

    /// The next 64 random bits.
    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// Advances the state by 2¹²⁸ steps: 2¹²⁸ non-overlapping streams of 2¹²⁸ numbers.
    public mutating func jump() {
        let table: [UInt64] = [0x180ec6d33cfd0aba, 0xd5a61266f0c9392c, 0xa9582618e03fc9aa, 0x39abdc4529b1661c]
        var t0: UInt64 = 0, t1: UInt64 = 0, t2: UInt64 = 0, t3: UInt64 = 0
        for word in table {
            for b in 0..<64 {
                if word & (1 << UInt64(b)) != 0 {
                    t0 ^= s0; t1 ^= s1; t2 ^= s2; t3 ^= s3
                }
                _ = next()
            }
        }
        s0 = t0; s1 = t1; s2 = t2; s3 = t3
    }

    /// The generator for stream `index`: this generator jumped `index` times.
    public func stream(_ index: Int) -> Xoshiro256StarStar {
        var g = self
        for _ in 0..<index { g.jump() }
        return g
    }
}

@inlinable @inline(__always)
func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

/// SplitMix64 (Steele, Lea & Flood, 2014), used to expand one seed into a
/// full xoshiro state.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64
    public init(state: UInt64) { self.state = state }
    public mutating func next() -> UInt64 {
        state &+= 0x9e3779b97f4a7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58476d1ce4e5b9
        z = (z ^ (z >> 27)) &* 0x94d049bb133111eb
        return z ^ (z >> 31)
    }
}
