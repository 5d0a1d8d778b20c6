import Linalg

extension Reference {
    /// The mean of each column of an m × n data matrix (rows are observations):
    ///
    /// ```
    /// x̄ⱼ = (1/m) Σᵢ xᵢⱼ
    /// ```
    ///
    /// - Precondition: `x.rows > 0`.
    /// - Complexity: O(mn).
    public static func columnMeans(_ x: Matrix) -> [Double] {
        precondition(x.rows > 0, "columnMeans: no observations")
        return (0..<x.columns).map { j in
            var sum = 0.0
            for i in 0..<x.rows { sum += x[i, j] }
            return sum / Double(x.rows)
        }
    }

    /// The variance of each column, two-pass:
    ///
    /// ```
    /// s²ⱼ = Σᵢ (xᵢⱼ − x̄ⱼ)² / (m − ddof)
    /// ```
    ///
    /// - Parameter ddof: 0 for the population variance, 1 for the sample variance.
    /// - Precondition: `x.rows > ddof ≥ 0`.
    /// - Complexity: O(mn).
    public static func columnVariances(_ x: Matrix, ddof: Int) -> [Double] {
        precondition(ddof >= 0 && x.rows > ddof, "columnVariances: too few observations")
        let means = columnMeans(x)
        return (0..<x.columns).map { j in
            var sum = 0.0
            for i in 0..<x.rows { sum += (x[i, j] - means[j]) * (x[i, j] - means[j]) }
            return sum / Double(x.rows - ddof)
        }
    }

    /// Z-scores every column with the population standard deviation:
    ///
    /// ```
    /// zᵢⱼ = (xᵢⱼ − x̄ⱼ) / sⱼ,   sⱼ = √(Σᵢ (xᵢⱼ − x̄ⱼ)² / m)
    /// ```
    ///
    /// A constant column gives NaN (0 / 0); `Linalg` throws instead.
    ///
    /// - Precondition: `x.rows > 0`.
    /// - Complexity: O(mn).
    public static func standardize(_ x: Matrix) -> Matrix {
        let means = columnMeans(x)
        let sds = columnVariances(x, ddof: 0).map { $0.squareRoot() }
        return Matrix(rows: x.rows, columns: x.columns) { i, j in (x[i, j] - means[j]) / sds[j] }
    }

    /// The Pearson correlation matrix of the columns, one pair at a time:
    ///
    /// ```
    /// rᵢⱼ = Σₖ (xₖᵢ − x̄ᵢ)(xₖⱼ − x̄ⱼ) / √(Σₖ (xₖᵢ − x̄ᵢ)² · Σₖ (xₖⱼ − x̄ⱼ)²)
    /// ```
    ///
    /// The diagonal is set to exactly 1 and `rⱼᵢ = rᵢⱼ` is copied.
    ///
    /// - Precondition: `x.rows > 0`.
    /// - Complexity: O(mn²).
    public static func correlation(_ x: Matrix) -> Matrix {
        let means = columnMeans(x)
        let n = x.columns
        var r = Matrix(rows: n, columns: n)
        for i in 0..<n {
            r[i, i] = 1
            for j in 0..<i {
                var sxy = 0.0, sxx = 0.0, syy = 0.0
                for k in 0..<x.rows {
                    let dx = x[k, i] - means[i], dy = x[k, j] - means[j]
                    sxy += dx * dy
                    sxx += dx * dx
                    syy += dy * dy
                }
                r[i, j] = sxy / (sxx * syy).squareRoot()
                r[j, i] = r[i, j]
            }
        }
        return r
    }

    /// The `q`-th percentile by NumPy's default method (`method="linear"`,
    /// Hyndman & Fan type 7):
    ///
    /// ```
    /// h = (q / 100) · (n − 1),   i = ⌊h⌋,   t = h − i,
    /// P = x₍ᵢ₎ + t · (x₍ᵢ₊₁₎ − x₍ᵢ₎)        (t < 0.5)
    /// P = x₍ᵢ₊₁₎ − (1 − t) · (x₍ᵢ₊₁₎ − x₍ᵢ₎)  (t ≥ 0.5)
    /// ```
    ///
    /// with `x₍ᵢ₎` the sorted sample (0-based). The two forms of the
    /// interpolation, and the order of operations in `h`, are NumPy's
    /// (`numpy.lib._function_base_impl._lerp`), so results agree to the bit.
    ///
    /// - Precondition: `x` is non-empty, without NaN, and `0 ≤ q ≤ 100`.
    /// - Complexity: O(n log n).
    public static func percentile(_ x: [Double], _ q: Double) -> Double {
        precondition(!x.isEmpty && q >= 0 && q <= 100, "percentile: empty sample or q outside [0, 100]")
        let sorted = x.sorted()
        let h = (q / 100) * Double(sorted.count - 1)
        let i = Int(h.rounded(.down))
        let j = min(i + 1, sorted.count - 1)
        let t = h - Double(i)
        let a = sorted[i], b = sorted[j]
        let difference = b - a
        return t >= 0.5 ? b - difference * (1 - t) : a + difference * t
    }
}
