import Foundation
import Linalg

/// One draw of Horn's null with every buffer allocated once: an n × p matrix
/// of independent standard normals (``ZigguratNormal``), standardized per
/// column (population sd), and the eigenvalues of its correlation matrix
/// `R = ZᵀZ / n`, by dsyevd with a workspace queried once. Nothing is
/// allocated per draw, so a Monte Carlo loop keeps one per thread.
///
/// The matrix decomposed follows the shape (``decomposesRowGram(runs:tasks:)``):
///
/// ```
/// n ≥ p:  R = ZᵀZ / n      (p × p, syrk, unit diagonal set exactly)          → λ₁ ≥ … ≥ λ_p
/// n < p:  K = Z Zᵀ / n     (n × n, syrk)  → λ₁ ≥ … ≥ λ_n, then λ_{n+1} = … = λ_p = 0
/// ```
///
/// `ZᵀZ` and `ZZᵀ` have the same non-zero eigenvalues (the squared singular
/// values of Z), and R has rank at most n − 1 (centred columns), so both give
/// the same p eigenvalues up to rounding: in the p × p path the p − n + 1
/// vanishing ones are rounding noise (≈ 1e-15), in the n × n path one is and
/// the rest are exact zeros. The random stream is the same either way.
public struct NullDraw: Sendable {
    /// Rows n of each draw.
    public let rows: Int
    /// Columns p of each draw.
    public let columns: Int
    /// The order of the matrix decomposed: `min(n, p)`.
    private let order: Int
    private var x: Matrix
    private var product: Matrix
    private var ascending: [Double]
    private var solver: SymmetricEigenvalueSolver

    /// Whether a draw of n rows and p columns decomposes the n × n row Gram
    /// matrix `ZZᵀ/n` rather than the p × p correlation matrix: when `n < p`.
    public static func decomposesRowGram(runs n: Int, tasks p: Int) -> Bool { n < p }

    /// Buffers for n × p draws.
    public init(rows n: Int, columns p: Int) {
        rows = n
        columns = p
        order = Self.decomposesRowGram(runs: n, tasks: p) ? n : p
        x = Matrix(rows: n, columns: p)
        product = Matrix(rows: order, columns: order)
        ascending = [Double](repeating: 0, count: order)
        solver = SymmetricEigenvalueSolver(order: order)
    }

    /// Draws with `rng` and writes the correlation matrix's eigenvalues,
    /// **descending**, into `values` (p entries).
    ///
    /// - Precondition: `values.count == columns` (a caller's buffer).
    /// - Throws: `LinalgError.noConvergence` (from Linalg) if dsyevd fails.
    /// - Complexity: n·p normals, 5np flops, then `min(n, p)² · max(n, p)` flops (syrk)
    ///   + O(min(n, p)³) (eigenvalues).
    public mutating func eigenvalues(
        using rng: inout some RandomNumberGenerator, into values: inout [Double]
    ) throws(LinalgError) {
        precondition(values.count == columns, "values must hold one eigenvalue per column")
        var normal = ZigguratNormal()
        x.withMutableElements { span in
            for i in span.indices { span[i] = normal.next(using: &rng) }
        }
        x.standardizeColumnsInPlace()
        try Self.correlationEigenvalues(of: x, product: &product, solver: &solver, ascending: &ascending,
                                        into: &values)
    }

    /// The descending eigenvalues of the correlation matrix `ZᵀZ / n` of
    /// standardized columns (p of them), through whichever of `ZᵀZ/n` and
    /// `ZZᵀ/n` is smaller; the buffers must be of order `min(n, p)`.
    static func correlationEigenvalues(
        of z: Matrix, product: inout Matrix, solver: inout SymmetricEigenvalueSolver, ascending: inout [Double],
        into values: inout [Double]
    ) throws(LinalgError) {
        let n = z.rows, p = z.columns
        if decomposesRowGram(runs: n, tasks: p) {
            z.rowGram(alpha: 1 / Double(n), into: &product)
            try solver.eigenvalues(destroying: &product, into: &ascending)
            for r in 0..<n { values[r] = ascending[n - 1 - r] }
            for r in n..<p { values[r] = 0 }
        } else {
            z.correlationOfStandardizedColumns(into: &product)
            try solver.eigenvalues(destroying: &product, into: &ascending)
            for r in 0..<p { values[r] = ascending[p - 1 - r] }
        }
    }

    /// ``correlationEigenvalues(of:product:solver:ascending:into:)`` with buffers of its own:
    /// the real eigenvalues of Horn's analysis.
    static func correlationEigenvalues(of z: Matrix) throws(LinalgError) -> [Double] {
        let order = decomposesRowGram(runs: z.rows, tasks: z.columns) ? z.rows : z.columns
        var product = Matrix(rows: order, columns: order)
        var solver = SymmetricEigenvalueSolver(order: order)
        var ascending = [Double](repeating: 0, count: order)
        var values = [Double](repeating: 0, count: z.columns)
        try correlationEigenvalues(of: z, product: &product, solver: &solver, ascending: &ascending, into: &values)
        return values
    }
}
