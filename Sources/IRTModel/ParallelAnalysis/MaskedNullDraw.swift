import Linalg

/// One draw of Horn's null for a sweep with gaps: an n × p matrix of
/// independent standard normals (the same stream as ``NullDraw``), the
/// sweep's missing cells blanked out, and the eigenvalues of its
/// **pairwise-complete** correlation matrix — the same statistic as the real
/// eigenvalues of a sweep with gaps (``pairwiseCorrelation(_:observed:)``).
///
/// With `M` the 0/1 mask, `X₀` the draw with zeros at missing cells and
/// `N = MᵀM` (pairwise counts, fixed), three products give every pair's sums
/// over the runs observing both tasks:
///
/// ```
/// P  = X₀ᵀX₀          Σ x_ij x_il        (syrk, n p² flops)
/// S  = X₀ᵀM           Σ x_ij   (j given l observed)      (gemm, 2 n p²)
/// Q  = (X₀∘X₀)ᵀM      Σ x_ij²  (j given l observed)      (gemm, 2 n p²)
/// r_jl = (P_jl − S_jl S_lj / N_jl) / √((Q_jl − S_jl² / N_jl)(Q_lj − S_lj² / N_jl))
/// ```
///
/// so a draw costs about 5× the products of a complete draw, plus the same
/// eigenvalue solve. A pair observed together on fewer than 2 runs (or with
/// no spread there) has r = 0, in the real matrix and in every draw alike.
/// Buffers are allocated once; a Monte Carlo loop keeps one per thread.
public struct MaskedNullDraw: Sendable {
    /// Rows n of each draw.
    public var rows: Int { mask.rows }
    /// Columns p of each draw.
    public var columns: Int { mask.columns }
    private let mask: Matrix
    private let counts: Matrix
    private var x: Matrix
    private var squares: Matrix
    private var products: Matrix
    private var sums: Matrix
    private var sumsOfSquares: Matrix
    private var correlation: Matrix
    private var ascending: [Double]
    private var solver: SymmetricEigenvalueSolver

    /// Buffers for draws with the gaps of `observed`.
    public init(observed: ObservedMask) {
        let n = observed.rows, p = observed.columns
        mask = observed.indicator
        counts = mask.gram()
        x = Matrix(rows: n, columns: p)
        squares = Matrix(rows: n, columns: p)
        products = Matrix(rows: p, columns: p)
        sums = Matrix(rows: p, columns: p)
        sumsOfSquares = Matrix(rows: p, columns: p)
        correlation = Matrix(rows: p, columns: p)
        ascending = [Double](repeating: 0, count: p)
        solver = SymmetricEigenvalueSolver(order: p)
    }

    /// Draws with `rng` and writes the pairwise-complete correlation matrix's
    /// eigenvalues, **descending**, into `values` (p entries).
    ///
    /// - Precondition: `values.count == columns`.
    /// - Throws: `LinalgError.noConvergence` if dsyevd fails.
    public mutating func eigenvalues(
        using rng: inout some RandomNumberGenerator, into values: inout [Double]
    ) throws(LinalgError) {
        precondition(values.count == columns, "values must hold one eigenvalue per column")
        var normal = ZigguratNormal()
        let m = mask
        x.withMutableElements { span in
            m.withElements { keep in
                for i in span.indices {
                    let value = normal.next(using: &rng)   // drawn for every cell: one stream, whatever the mask
                    span[i] = keep[i] * value
                }
            }
        }
        try Self.pairwiseCorrelation(x, mask: mask, counts: counts, squares: &squares, products: &products,
                                     sums: &sums, sumsOfSquares: &sumsOfSquares, into: &correlation)
        try solver.eigenvalues(destroying: &correlation, into: &ascending)
        let p = columns
        for r in 0..<p { values[r] = ascending[p - 1 - r] }
    }

    /// The pairwise-complete correlation matrix of `x` (p × p, unit diagonal):
    /// Pearson's r of each pair of columns over the rows observing both, with
    /// means and sds of those rows (R's `cor(use = "pairwise.complete.obs")`).
    /// Missing cells of `x` are ignored whatever they hold.
    ///
    /// - Precondition: `observed` has the shape of `x`.
    /// - Throws: a Linalg error if a product fails (it cannot for matching shapes).
    /// - Complexity: 5 n p² flops.
    public static func pairwiseCorrelation(_ x: Matrix, observed: ObservedMask) throws(LinalgError) -> Matrix {
        precondition(x.rows == observed.rows && x.columns == observed.columns, "mask and data differ in shape")
        let mask = observed.indicator
        let p = x.columns
        var blanked = x
        blanked.withMutableElements { span in
            mask.withElements { keep in
                for i in span.indices where keep[i] == 0 { span[i] = 0 }
            }
        }
        var squares = Matrix(rows: x.rows, columns: p)
        var products = Matrix(rows: p, columns: p), sums = Matrix(rows: p, columns: p)
        var sumsOfSquares = Matrix(rows: p, columns: p), r = Matrix(rows: p, columns: p)
        try pairwiseCorrelation(blanked, mask: mask, counts: mask.gram(), squares: &squares, products: &products,
                                sums: &sums, sumsOfSquares: &sumsOfSquares, into: &r)
        return r
    }

    /// The assembly of ``pairwiseCorrelation(_:observed:)`` into caller buffers;
    /// `x` must hold 0 at missing cells.
    private static func pairwiseCorrelation(
        _ x: Matrix, mask: Matrix, counts: Matrix, squares: inout Matrix, products: inout Matrix,
        sums: inout Matrix, sumsOfSquares: inout Matrix, into r: inout Matrix
    ) throws(LinalgError) {
        let p = x.columns
        squares.withMutableElements { out in
            x.withElements { v in for i in v.indices { out[i] = v[i] * v[i] } }
        }
        x.gram(into: &products)
        try Matrix.multiply(x, .transpose, mask, .none, into: &sums)
        try Matrix.multiply(squares, .transpose, mask, .none, into: &sumsOfSquares)
        for l in 0..<p {
            for j in 0..<p {
                if j == l { r[j, j] = 1; continue }
                let count = counts[j, l]
                guard count >= 2 else { r[j, l] = 0; continue }
                let sj = sums[j, l], sl = sums[l, j]
                let covariance = products[j, l] - sj * sl / count
                let vj = sumsOfSquares[j, l] - sj * sj / count
                let vl = sumsOfSquares[l, j] - sl * sl / count
                let value = covariance / (vj * vl).squareRoot()
                r[j, l] = vj > 0 && vl > 0 && value.isFinite ? Swift.min(Swift.max(value, -1), 1) : 0
            }
        }
    }
}
