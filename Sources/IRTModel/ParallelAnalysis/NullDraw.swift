import Foundation
import Linalg

/// One draw of Horn's null with every buffer allocated once: the eigenvalues
/// of the correlation matrix of n × p independent standard normals,
/// standardized per column (population sd). Nothing is allocated per draw, so
/// a Monte Carlo loop keeps one per thread. How the draw is made follows the
/// shape (``Method``, ``method(runs:tasks:)``):
///
/// ```
/// .columnGram  Z (n × p, ZigguratNormal), R = ZᵀZ / n (p × p, syrk, unit diagonal)   → λ₁ ≥ … ≥ λ_p
/// .rowGram     n < p: Z as above, K = ZZᵀ / n (n × n, syrk) → λ₁ ≥ … ≥ λ_n, λ_{n+1} = … = λ_p = 0
/// .wishart     n large: W = LLᵀ ~ Wishart_p(n − 1, I) by Bartlett's factor L, R = D^(−1/2) W D^(−1/2)
/// ```
///
/// **Row Gram.** `ZᵀZ` and `ZZᵀ` have the same non-zero eigenvalues (the
/// squared singular values of Z), and R has rank at most n − 1 (centred
/// columns), so both give the same p eigenvalues up to rounding: in the p × p
/// path the p − n + 1 vanishing ones are rounding noise (≈ 1e-15), in the
/// n × n path one is and the rest are exact zeros. Same random stream.
///
/// **Wishart.** The centred cross products `A = Xᵀ(I − 11ᵀ/n)X` of n × p
/// standard normals are Wishart_p(n − 1, I) (`I − 11ᵀ/n` is a projection of
/// rank n − 1), and the null correlation is `R = D^(−1/2) A D^(−1/2)`,
/// `D = diag(A)`: only that law matters. Bartlett: `A = LLᵀ` with L lower
/// triangular, `l_ii² ~ χ²(n − i)` (i = 1…p) and `l_ij ~ N(0, 1)` below the
/// diagonal, all independent; then `R = MMᵀ` for M = L with unit rows. A draw
/// then costs p(p − 1)/2 normals, p χ² variates and p³ flops (syrk) instead of
/// n·p normals and n·p² flops: the same distribution, another stream (the
/// curves differ from ``Method/columnGram``'s by Monte Carlo error only).
public struct NullDraw: Sendable {
    /// How a null draw is made.
    public enum Method: Sendable, Equatable {
        /// n × p normals and the p × p correlation matrix (n ≥ p).
        case columnGram
        /// n × p normals and the n × n row Gram matrix (n < p); the same eigenvalues.
        case rowGram
        /// The p × p correlation of a Wishart_p(n − 1, I) by Bartlett's factor (n ≫ p); the same law.
        case wishart
    }

    /// Rows n of each draw.
    public let rows: Int
    /// Columns p of each draw.
    public let columns: Int
    /// How each draw is made (``method(runs:tasks:)``).
    public let method: Method
    /// The order of the matrix decomposed: n for ``Method/rowGram``, p otherwise.
    private let order: Int
    /// The normals: n × p, or Bartlett's p × p factor.
    private var x: Matrix
    private var product: Matrix
    private var ascending: [Double]
    private var solver: SymmetricEigenvalueSolver

    /// Whether a draw of n rows and p columns decomposes the n × n row Gram
    /// matrix `ZZᵀ/n` rather than the p × p correlation matrix: when `n < p`.
    public static func decomposesRowGram(runs n: Int, tasks p: Int) -> Bool { n < p }

    /// The method for n × p draws: ``Method/rowGram`` when n < p;
    /// ``Method/wishart`` when n ≥ 2p and a data draw would cost at least
    /// 10⁹ flops (`n p² ≥ 10⁹`, e.g. 20,000 × 250 or 4,000 × 500) or 10⁷
    /// normals (`n p ≥ 10⁷`, e.g. 2.5 million runs of 4 tasks), where it
    /// saves at least half of each draw's work — below that the draws are cheap
    /// and keep the data stream; ``Method/columnGram`` otherwise. So no draw
    /// costs more than about 10⁹ flops and 10⁷ normals, however large n is
    /// (a correlation matrix may come with any number of observations).
    public static func method(runs n: Int, tasks p: Int) -> Method {
        if decomposesRowGram(runs: n, tasks: p) { return .rowGram }
        if n >= 2 * p, Double(n) * Double(p) * Double(p) >= 1e9 || Double(n) * Double(p) >= 1e7 { return .wishart }
        return .columnGram
    }

    /// Buffers for n × p draws made by ``method(runs:tasks:)``.
    public init(rows n: Int, columns p: Int) {
        self.init(rows: n, columns: p, method: Self.method(runs: n, tasks: p))
    }

    /// Buffers for n × p draws made by `method`.
    ///
    /// - Precondition: n < p for ``Method/rowGram``; n − 1 ≥ p for ``Method/wishart``.
    public init(rows n: Int, columns p: Int, method: Method) {
        precondition(method != .rowGram || n < p, "the row Gram path needs n < p")
        precondition(method != .wishart || n - 1 >= p, "a Wishart draw needs n − 1 ≥ p degrees of freedom")
        rows = n
        columns = p
        self.method = method
        order = method == .rowGram ? n : p
        x = method == .wishart ? Matrix(rows: p, columns: p) : Matrix(rows: n, columns: p)
        product = Matrix(rows: order, columns: order)
        ascending = [Double](repeating: 0, count: order)
        solver = SymmetricEigenvalueSolver(order: order)
    }

    /// Draws with `rng` and writes the correlation matrix's eigenvalues,
    /// **descending**, into `values` (p entries).
    ///
    /// - Precondition: `values.count == columns` (a caller's buffer).
    /// - Throws: `LinalgError.noConvergence` (from Linalg) if dsyevd fails.
    /// - Complexity: data draws: n·p normals, 5np flops, then `min(n, p)² · max(n, p)` flops
    ///   (syrk) + O(min(n, p)³) (eigenvalues); Wishart draws: p²/2 normals, p χ², p³ flops
    ///   (syrk) + O(p³) (eigenvalues).
    public mutating func eigenvalues(
        using rng: inout some RandomNumberGenerator, into values: inout [Double]
    ) throws(LinalgError) {
        precondition(values.count == columns, "values must hold one eigenvalue per column")
        if method == .wishart {
            try wishartEigenvalues(using: &rng, into: &values)
            return
        }
        var normal = ZigguratNormal()
        x.withMutableElements { span in
            for i in span.indices { span[i] = normal.next(using: &rng) }
        }
        x.standardizeColumnsInPlace()
        try Self.correlationEigenvalues(of: x, product: &product, solver: &solver, ascending: &ascending,
                                        into: &values)
    }

    /// A Wishart draw (see the type): Bartlett's factor L in `x` (strict lower
    /// triangle by columns, then the diagonal), its rows scaled to unit length,
    /// `R = MMᵀ` with the diagonal set to 1, eigenvalues descending.
    private mutating func wishartEigenvalues(
        using rng: inout some RandomNumberGenerator, into values: inout [Double]
    ) throws(LinalgError) {
        let p = columns, nu = rows - 1
        var normal = ZigguratNormal()
        var chiSquare = ChiSquareSampler()
        x.withMutableElements { l in
            for j in 0..<p {
                for i in (j + 1)..<Swift.max(p, j + 1) { l[i + j * p] = normal.next(using: &rng) }
            }
            for i in 0..<p {
                l[i + i * p] = chiSquare.next(degreesOfFreedom: Double(nu - i), using: &rng).squareRoot()
            }
            // Unit rows: M = D^(−1/2) L, D_ii = Σ_j l_ij² (the strict upper triangle stays 0).
            for i in 0..<p {
                var sum = 0.0
                for j in 0...i { sum += l[i + j * p] * l[i + j * p] }
                let scale = 1 / sum.squareRoot()
                for j in 0...i { l[i + j * p] *= scale }
            }
        }
        x.rowGram(into: &product)
        product.withMutableElements { r in for i in 0..<p { r[i + i * p] = 1 } }
        try solver.eigenvalues(destroying: &product, into: &ascending)
        for r in 0..<p { values[r] = ascending[p - 1 - r] }
    }

    /// The descending eigenvalues of the correlation matrix `ZᵀZ / n` of
    /// standardized columns (p of them), through whichever of `ZᵀZ/n` and
    /// `ZZᵀ/n` is smaller; the buffers must be of order `min(n, p)`.
    static func correlationEigenvalues(
        of z: Matrix, product: inout Matrix, solver: inout SymmetricEigenvalueSolver, ascending: inout [Double],
        into values: inout [Double]
    ) throws(LinalgError) {
        let n = z.rows, p = z.columns
        // The buffer says which path its owner chose (n × n: the row Gram
        // matrix; p × p: the correlation), so a draw made with
        // ``Method/columnGram`` at n < p takes the p × p path it allocated for.
        if product.rows < p {
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
