import Foundation
import Linalg

/// One draw of Horn's null with every buffer allocated once: an n × p matrix
/// of independent standard normals (``ZigguratNormal``), standardized per column (population sd),
/// its correlation matrix `ZᵀZ / n` by syrk (`Matrix.correlationOfStandardizedColumns(into:)`,
/// as for the real data), and that matrix's eigenvalues by dsyevd with a
/// workspace queried once. Nothing is allocated per draw, so a Monte Carlo
/// loop keeps one per thread.
public struct NullDraw: Sendable {
    /// Rows n of each draw.
    public let rows: Int
    /// Columns p of each draw.
    public let columns: Int
    private var x: Matrix
    private var correlation: Matrix
    private var ascending: [Double]
    private var solver: SymmetricEigenvalueSolver

    /// Buffers for n × p draws.
    public init(rows n: Int, columns p: Int) {
        rows = n
        columns = p
        x = Matrix(rows: n, columns: p)
        correlation = Matrix(rows: p, columns: p)
        ascending = [Double](repeating: 0, count: p)
        solver = SymmetricEigenvalueSolver(order: p)
    }

    /// Draws with `rng` and writes the correlation matrix's eigenvalues,
    /// **descending**, into `values` (p entries).
    ///
    /// - Precondition: `values.count == columns` (a caller's buffer).
    /// - Throws: `LinalgError.noConvergence` (from Linalg) if dsyevd fails.
    /// - Complexity: n·p normals, 5np + np² flops (syrk) + O(p³) (eigenvalues).
    public mutating func eigenvalues(
        using rng: inout some RandomNumberGenerator, into values: inout [Double]
    ) throws(LinalgError) {
        precondition(values.count == columns, "values must hold one eigenvalue per column")
        var normal = ZigguratNormal()
        x.withMutableElements { span in
            for i in span.indices { span[i] = normal.next(using: &rng) }
        }
        x.standardizeColumnsInPlace()
        x.correlationOfStandardizedColumns(into: &correlation)
        try solver.eigenvalues(destroying: &correlation, into: &ascending)
        for r in 0..<columns { values[r] = ascending[columns - 1 - r] }
    }
}
