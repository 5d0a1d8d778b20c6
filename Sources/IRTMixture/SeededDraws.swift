import IRTModel

/// The mixture step's random draws, each purpose on its own stream of the seed so that
/// changing how many of one are drawn leaves the others unchanged.
enum DrawStream: Int {
    case folds = 0, permutation = 1, bootstrap = 2, thompson = 3, innerFolds = 4
}

extension Xoshiro256StarStar {
    /// A uniform draw in [0, 1) from the top 53 bits.
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A uniform integer in 0..<n (n ≥ 1).
    mutating func index(below n: Int) -> Int { Int(uniform() * Double(n)) % n }

    /// The seeded generator of one purpose.
    static func mixtureStream(_ seed: UInt64, _ stream: DrawStream, _ index: Int = 0) -> Xoshiro256StarStar {
        Xoshiro256StarStar(seed: seed ^ (UInt64(stream.rawValue + 1) << 56) ^ (UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15))
    }

    /// A Fisher–Yates permutation of 0..<n.
    mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, index(below: i + 1)) }
        }
        return p
    }

    /// n indices drawn with replacement from 0..<n.
    mutating func resample(_ n: Int) -> [Int] { (0..<n).map { _ in index(below: n) } }
}

/// The folds of k-fold cross-validation over n items, shuffled: fold f holds the
/// shuffled positions f, f + k, f + 2k, … (sizes differ by at most 1).
///
/// - Returns: for each fold, the sorted indices it leaves out.
func shuffledFolds(count n: Int, folds k: Int, rng: inout Xoshiro256StarStar) -> [[Int]] {
    let order = rng.permutation(n)
    var out = [[Int]](repeating: [], count: k)
    for (position, i) in order.enumerated() { out[position % k].append(i) }
    return out.map { $0.sorted() }
}
