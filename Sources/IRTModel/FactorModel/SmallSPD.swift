import Foundation

/// In-place Cholesky of a small k × k symmetric positive-definite matrix
/// (column-major, lower triangle read), its inverse and log-determinant.
///
/// The EM's k × k systems (k ≤ a few dozen) are cheaper in plain Swift than
/// through a LAPACK call; this stays allocation-free in the iteration loop.
struct SmallSPD {
    /// Factors `a` (k × k, lower triangle) into `l` in place; returns false if a
    /// leading minor is not positive.
    static func cholesky(_ a: inout [Double], k: Int) -> Bool {
        for j in 0..<k {
            var d = a[j + j * k]
            for m in 0..<j { d -= a[j + m * k] * a[j + m * k] }
            guard d > 0 else { return false }
            let ljj = d.squareRoot()
            a[j + j * k] = ljj
            for i in (j + 1)..<max(k, j + 1) {
                var s = a[i + j * k]
                for m in 0..<j { s -= a[i + m * k] * a[j + m * k] }
                a[i + j * k] = s / ljj
            }
        }
        return true
    }

    /// `log|A| = 2 Σ log Lᵢᵢ` from the factor.
    static func logDeterminant(factor l: [Double], k: Int) -> Double {
        var s = 0.0
        for i in 0..<k { s += log(l[i + i * k]) }
        return 2 * s
    }

    /// Writes `A⁻¹` (full, symmetric) into `inverse` from the factor `l`, using
    /// `scratch` (k elements).
    static func inverse(factor l: [Double], k: Int, into inverse: inout [Double], scratch: inout [Double]) {
        for c in 0..<k {
            // Solve L y = e_c, then Lᵀ x = y.
            for i in 0..<k {
                var s = i == c ? 1.0 : 0.0
                for m in 0..<i { s -= l[i + m * k] * scratch[m] }
                scratch[i] = s / l[i + i * k]
            }
            for i in stride(from: k - 1, through: 0, by: -1) {
                var s = scratch[i]
                for m in (i + 1)..<max(k, i + 1) { s -= l[m + i * k] * scratch[m] }
                scratch[i] = s / l[i + i * k]
            }
            for i in 0..<k { inverse[i + c * k] = scratch[i] }
        }
    }
}
