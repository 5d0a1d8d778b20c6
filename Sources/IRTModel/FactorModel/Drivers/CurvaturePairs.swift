import Linalg

/// The curvature pairs `(s_j, y_j)` of a limited-memory BFGS matrix, kept in
/// flat ring storage, and its two-loop recursion (Nocedal & Wright, Alg. 7.4):
///
/// ```
/// q ← g;  for j newest … oldest:  α_j = ρ_j s_jᵀq,  q ← q − α_j y_j
/// r ← H₀ q
/// for j oldest … newest:  β = ρ_j y_jᵀr,  r ← r + (α_j − β) s_j          (ρ_j = 1/(y_jᵀs_j))
/// ```
///
/// restricted to the coordinates a mask marks free (1) — fixed ones (0) stay 0.
///
/// - Complexity: O(m n) per recursion for m pairs of n coordinates, no allocation.
struct CurvaturePairs {
    /// Coordinates n.
    let count: Int
    /// Pairs kept at most, m.
    let memory: Int
    private var s: [Double]
    private var y: [Double]
    private var rho: [Double]
    private var alphas: [Double]
    /// Slot of the oldest pair, and how many are stored.
    private var oldest = 0
    private(set) var stored = 0

    init(count: Int, memory: Int) {
        self.count = count
        self.memory = Swift.max(memory, 1)
        s = [Double](repeating: 0, count: count * self.memory)
        y = s
        rho = [Double](repeating: 0, count: self.memory)
        alphas = rho
    }

    var isEmpty: Bool { stored == 0 }

    /// Forgets every pair.
    mutating func removeAll() { oldest = 0; stored = 0 }

    /// Stores `(s, y)` with `ρ = 1/(yᵀs)`, dropping the oldest pair when full.
    mutating func append(s newS: [Double], y newY: [Double], rho newRho: Double) {
        let slot: Int
        if stored < memory { slot = (oldest + stored) % memory; stored += 1 } else { slot = oldest; oldest = (oldest + 1) % memory }
        let n = count
        s.withUnsafeMutableBufferPointer { sp in
            y.withUnsafeMutableBufferPointer { yp in
                newS.withUnsafeBufferPointer { ns in
                    newY.withUnsafeBufferPointer { ny in
                        for i in 0..<n { sp[slot * n + i] = ns[i]; yp[slot * n + i] = ny[i] }
                    }
                }
            }
        }
        rho[slot] = newRho
    }

    /// `q ← H q` on the free coordinates, with `initial` applying `H₀` in place
    /// between the two loops. `q` must be 0 on fixed coordinates.
    mutating func apply(to q: inout [Double], mask: [Double], initial: (inout [Double]) -> Void) {
        let n = count, m = memory
        let order = (0..<stored).map { (oldest + $0) % m }
        s.withUnsafeBufferPointer { sp in
            y.withUnsafeBufferPointer { yp in
                mask.withUnsafeBufferPointer { mp in
                    q.withUnsafeMutableBufferPointer { qp in
                        for slot in order.reversed() {
                            let a = dot(sp, from: slot * n, UnsafeBufferPointer(qp), from: 0, count: n) * rho[slot]
                            alphas[slot] = a
                            for i in 0..<n { qp[i] -= a * yp[slot * n + i] * mp[i] }
                        }
                    }
                }
            }
        }
        initial(&q)
        s.withUnsafeBufferPointer { sp in
            y.withUnsafeBufferPointer { yp in
                mask.withUnsafeBufferPointer { mp in
                    q.withUnsafeMutableBufferPointer { qp in
                        for slot in order {
                            let b = dot(yp, from: slot * n, UnsafeBufferPointer(qp), from: 0, count: n) * rho[slot]
                            let w = alphas[slot] - b
                            for i in 0..<n { qp[i] += w * sp[slot * n + i] * mp[i] }
                        }
                    }
                }
            }
        }
    }
}
