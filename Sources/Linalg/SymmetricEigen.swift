/// The eigendecomposition `A = V · diag(λ) · Vᵀ` of a real symmetric matrix.
///
/// Computed by LAPACK's divide-and-conquer driver `dsyevd`, reading only the
/// triangle you name (the other one is ignored). Eigenvalues are in
/// **ascending** order, as LAPACK returns them; ``valuesDescending`` and
/// ``vectorsDescending`` give the order factor analysis uses.
///
/// Mathematical properties: `A·V = V·diag(λ)`, `VᵀV = I`, `λ₀ ≤ λ₁ ≤ … ≤ λₙ₋₁`.
///
/// ```swift
/// let eigen = try SymmetricEigen(correlation)
/// let largest = eigen.valuesDescending.first
/// ```
public struct SymmetricEigen: Sendable, Equatable {
    /// Eigenvalues in ascending order.
    public let values: [Double]
    /// Orthonormal eigenvectors: column `j` belongs to `values[j]`.
    public let vectors: Matrix

    /// Decomposes the symmetric matrix `a`.
    ///
    /// - Parameters:
    ///   - a: an n × n symmetric matrix.
    ///   - triangle: the triangle of `a` that is read.
    /// - Throws: ``LinalgError/shapeMismatch(operation:expected:actual:)`` for a
    ///   non-square matrix; ``LinalgError/noConvergence(count:)`` when LAPACK's
    ///   iteration fails (`info > 0`), e.g. on NaN input.
    /// - Complexity: O(n³).
    public init(_ a: Matrix, triangle: Triangle = .lower) throws(LinalgError) {
        let n = try requireSquare(a, "SymmetricEigen")
        var vectors = a
        var values = [Double](repeating: 0, count: n)
        if n > 0 {
            try runSyevd(.valuesAndVectors, triangle, n: n, a: &vectors, w: &values)
        }
        self.values = values
        self.vectors = vectors
    }

    /// Eigenvalues in descending order (`λ₀ ≥ λ₁ ≥ …`).
    public var valuesDescending: [Double] { values.reversed() }

    /// Eigenvectors in the order of ``valuesDescending``.
    public var vectorsDescending: Matrix {
        vectors.selectingColumns(Array((0..<vectors.columns).reversed()))
    }

    /// Eigenvalues only (jobz = N, dsyevd), in **ascending** order.
    ///
    /// - Throws: as ``init(_:triangle:)``.
    /// - Complexity: O(n³) with a smaller constant than the full decomposition.
    public static func values(of a: Matrix, triangle: Triangle = .lower) throws(LinalgError) -> [Double] {
        let n = try requireSquare(a, "SymmetricEigen.values")
        var work = a
        var values = [Double](repeating: 0, count: n)
        if n > 0 { try runSyevd(.valuesOnly, triangle, n: n, a: &work, w: &values) }
        return values
    }

    /// Eigenvalues with 0-based ascending indices in `indices` (dsyevr, range = I),
    /// e.g. the `k` largest as `(n − k)..<n`. Returned ascending.
    ///
    /// - Throws: as ``init(_:triangle:)``; ``LinalgError/invalidArgument(_:)`` when
    ///   `indices` is not within `0..<n`.
    public static func values(
        of a: Matrix, indices: Range<Int>, triangle: Triangle = .lower
    ) throws(LinalgError) -> [Double] {
        let n = try requireSquare(a, "SymmetricEigen.values(indices:)")
        guard indices.lowerBound >= 0, indices.upperBound <= n else {
            throw .invalidArgument("eigenvalue indices \(indices) outside 0..<\(n)")
        }
        if indices.isEmpty { return [] }
        var work = a
        let sizes = LAPACK.syevrWorkspace(n: n)
        var w = [Double](repeating: 0, count: n)
        var dwork = [Double](repeating: 0, count: sizes.work)
        var iwork = [Int32](repeating: 0, count: sizes.iwork)
        let (info, found) = work.storage.withUnsafeMutableBufferPointer { pa in
            LAPACK.syevrValues(triangle, n: n, a: pa.baseAddress!, lda: n, il: indices.lowerBound + 1,
                               iu: indices.upperBound, w: &w, work: &dwork, lwork: sizes.work,
                               iwork: &iwork, liwork: sizes.iwork)
        }
        if info > 0 { throw .noConvergence(count: info) }
        return Array(w.prefix(found))
    }
}

/// Eigenvalues of many symmetric matrices of one order with no allocation per
/// call: the LAPACK workspace is queried and allocated once, in `init`.
///
/// This is what a Monte Carlo loop (Horn's parallel analysis) wants; each
/// thread owns its own solver.
public struct SymmetricEigenvalueSolver: Sendable {
    /// The order n of the matrices this solver accepts.
    public let order: Int
    private var work: [Double]
    private var iwork: [Int32]

    /// A solver for n × n matrices.
    public init(order n: Int) {
        precondition(n >= 0, "order must be non-negative")
        order = n
        let sizes = LAPACK.syevdWorkspace(.valuesOnly, n: Swift.max(n, 1))
        work = [Double](repeating: 0, count: sizes.work)
        iwork = [Int32](repeating: 0, count: sizes.iwork)
    }

    /// Writes the eigenvalues of `a` in **ascending** order into `values`,
    /// destroying `a` (dsyevd, jobz = N, lower triangle read).
    ///
    /// - Precondition: `a` is `order × order` and `values.count == order`
    ///   (buffers the caller allocated, not user data).
    /// - Throws: ``LinalgError/noConvergence(count:)`` when LAPACK fails.
    public mutating func eigenvalues(destroying a: inout Matrix, into values: inout [Double]) throws(LinalgError) {
        precondition(a.rows == order && a.columns == order && values.count == order, "solver buffers have the wrong size")
        let n = order
        if n == 0 { return }
        let lwork = work.count, liwork = iwork.count
        let info = a.withUnsafeMutableStorage { pa in
            values.withUnsafeMutableBufferPointer { pw in
                work.withUnsafeMutableBufferPointer { pwork in
                    iwork.withUnsafeMutableBufferPointer { piwork in
                        LAPACK.syevd(.valuesOnly, .lower, n: n, a: pa, lda: n, w: pw.baseAddress!,
                                     work: pwork.baseAddress!, lwork: lwork, iwork: piwork.baseAddress!, liwork: liwork)
                    }
                }
            }
        }
        if info > 0 { throw .noConvergence(count: info) }
    }
}

/// Runs dsyevd with a freshly queried workspace.
private func runSyevd(_ job: EigenJob, _ triangle: Triangle, n: Int, a: inout Matrix, w: inout [Double]) throws(LinalgError) {
    let sizes = LAPACK.syevdWorkspace(job, n: n)
    var work = [Double](repeating: 0, count: sizes.work)
    var iwork = [Int32](repeating: 0, count: sizes.iwork)
    let info = a.withUnsafeMutableStorage { pa in
        LAPACK.syevd(job, triangle, n: n, a: pa, lda: n, w: &w, work: &work, lwork: sizes.work,
                     iwork: &iwork, liwork: sizes.iwork)
    }
    if info > 0 { throw .noConvergence(count: info) }
}

/// The order of a square matrix, or a shape error naming the operation.
func requireSquare(_ a: Matrix, _ operation: String) throws(LinalgError) -> Int {
    guard a.isSquare else {
        throw .shapeMismatch(operation: "\(operation) (square matrix)", expected: Shape(rows: a.rows, columns: a.rows),
                             actual: a.shape)
    }
    return a.rows
}

extension Matrix {
    /// Internal: a mutable pointer to the storage for one LAPACK call. The
    /// storage must be non-empty.
    mutating func withUnsafeMutableStorage<R>(_ body: (UnsafeMutablePointer<Double>) -> R) -> R {
        storage.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    }
}
