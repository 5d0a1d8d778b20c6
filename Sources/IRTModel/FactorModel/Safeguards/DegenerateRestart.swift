import Linalg

/// A fit in which a factor's loadings collapsed to zero, and the restart that followed.
///
/// Λ with a zero column is a fixed point of EM: the column's cross-product
/// `S Ψ⁻¹ λ_j` is zero, so a factor whose loadings reach zero (or start there)
/// never moves again, and the stop rule sees a step of 0 — "converged" at a
/// point that is no fit (every score 0 ± 1, the leaderboard in file order).
/// A fit whose column j has `max_t |λ_tj| <` ``tolerance`` is therefore rerun
/// from a start that cannot collapse: the leading k eigenvectors of the
/// correlation matrix, made non-negative,
///
/// ```
/// Λ0_tj = clamp(|v_tj| · √max(d_j, 0), 0.01, 0.99)     (v_j, d_j: the j-th eigenpair of S)
/// ```
///
/// and the fit with the higher log-likelihood is kept. When the restart
/// collapses too, the zero column is the fit's own answer (S has no positive
/// correlation for the factor to carry — as for uncorrelated tasks), and
/// ``stillDegenerate`` says so. Either way the result says it (warning
/// `degenerate_fit_restarted`, `em.degenerate_restart` in result.json).
public struct DegenerateRestart: Sendable, Equatable, Codable {
    /// The collapsed factors of the first fit (1-based, in its column order).
    public let collapsedFactors: [Int]
    /// The first fit's log-likelihood.
    public let collapsedLogLikelihood: Double
    /// Map evaluations of the first fit (included in the fit's iterations).
    public let collapsedIterations: Int
    /// Whether the reported fit still has a factor with every loading below ``tolerance``.
    public let stillDegenerate: Bool

    /// A column whose largest |loading| is below this is collapsed.
    public static let tolerance = 1e-4

    enum CodingKeys: String, CodingKey {
        case collapsedFactors = "collapsed_factors", collapsedLogLikelihood = "collapsed_log_likelihood"
        case collapsedIterations = "collapsed_iterations", stillDegenerate = "still_degenerate"
    }

    /// The columns (0-based) of Λ (p × k, column-major) whose every |λ_tj| is below ``tolerance``.
    ///
    /// - Complexity: O(p k).
    static func collapsedColumns(_ lambda: [Double], p: Int, k: Int) -> [Int] {
        (0..<k).filter { j in (0..<p).allSatisfy { Swift.abs(lambda[$0 + j * p]) < tolerance } }
    }

    /// The non-negative eigenvector start (column-major p × k) from the k
    /// largest eigenpairs of S (``SymmetricEigen/init(_:largest:triangle:)``).
    ///
    /// - Throws: ``AnalysisError/numerical(_:)`` when the eigenvalue solve fails.
    /// - Complexity: O(p³).
    static func start(covariance s: Matrix, k: Int) throws(AnalysisError) -> [Double] {
        let p = s.rows
        let eigen = try numerical { () throws(LinalgError) in
            try BLASThreading.withThreadCount(1) { () throws(LinalgError) in try SymmetricEigen(s, largest: k) }
        }
        let values = eigen.valuesDescending, vectors = eigen.vectorsDescending
        return start(p: p, k: k) { t, j in Swift.abs(vectors[t, j]) * Swift.max(values[j], 0).squareRoot() }
    }

    /// The same start from n × p z-scores without forming S = ZᵀZ/n: with
    /// `ZZᵀ/n = U D Uᵀ`, S's eigenvectors are `Zᵀu_j / √(n d_j)`, so
    /// `|v_tj| √d_j = |(Zᵀu_j)_t| / √n`.
    ///
    /// - Complexity: O(n² p + n³).
    static func start(z: Matrix, k: Int) throws(AnalysisError) -> [Double] {
        let n = z.rows, p = z.columns
        let count = Swift.min(k, n)
        let columns = try numerical { () throws(LinalgError) -> Matrix in
            try BLASThreading.withThreadCount(1) { () throws(LinalgError) -> Matrix in
                var g = Matrix(rows: n, columns: n)
                z.rowGram(alpha: 1 / Double(n), into: &g)
                let eigen = try SymmetricEigen(g, largest: count)
                return try z.multiplied(by: eigen.vectorsDescending, transposingSelf: .transpose)
            }
        }
        let scale = 1 / Double(n).squareRoot()
        return start(p: p, k: k) { t, j in j < count ? Swift.abs(columns[t, j]) * scale : 0 }
    }

    /// Λ0 with entries `clamp(value(t, j), 0.01, 0.99)`, column-major p × k.
    private static func start(p: Int, k: Int, value: (Int, Int) -> Double) -> [Double] {
        var flat = [Double](repeating: 0, count: p * k)
        for j in 0..<k {
            for t in 0..<p {
                let v = value(t, j)
                flat[t + j * p] = v.isFinite ? Swift.min(Swift.max(v, 0.01), 0.99) : 0.01
            }
        }
        return flat
    }
}
