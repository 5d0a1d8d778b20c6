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

    /// The `count` largest eigenpairs of the symmetric matrix `a` (dsyevr,
    /// range = I), for when only a few of many are wanted: ``values`` holds them
    /// in **ascending** order and ``vectors`` is n × `count`, column `j`
    /// belonging to `values[j]` (so the largest is last, as in the full decomposition).
    ///
    /// ```
    /// A·v_j = λ_j v_j,   VᵀV = I_count,   λ_{n−count} ≤ … ≤ λ_{n−1}
    /// ```
    ///
    /// - Parameters:
    ///   - a: an n × n symmetric matrix.
    ///   - count: how many of the largest eigenpairs, `0...n`.
    ///   - triangle: the triangle of `a` that is read.
    /// - Throws: as ``init(_:triangle:)``; ``LinalgError/invalidArgument(_:)``
    ///   when `count` is not within `0...n`.
    /// - Complexity: O(n³) for the reduction to tridiagonal form (4n³/3 flops),
    ///   then O(n · count) per eigenpair and 2n²·count for the back-transformation:
    ///   for `count ≪ n` about a third of the full decomposition.
    public init(_ a: Matrix, largest count: Int, triangle: Triangle = .lower) throws(LinalgError) {
        let n = try requireSquare(a, "SymmetricEigen(largest:)")
        guard count >= 0, count <= n else {
            throw .invalidArgument("asked for the \(count) largest eigenpairs of a \(n) × \(n) matrix")
        }
        var vectors = Matrix(rows: n, columns: count)
        var w = [Double](repeating: 0, count: n)
        if count > 0 {
            var work = a
            let sizes = LAPACK.syevrWorkspace(.valuesAndVectors, n: n)
            var isuppz = [Int32](repeating: 0, count: 2 * count)
            var dwork = [Double](repeating: 0, count: sizes.work)
            var iwork = [Int32](repeating: 0, count: sizes.iwork)
            let (info, found) = work.storage.withUnsafeMutableBufferPointer { pa in
                vectors.storage.withUnsafeMutableBufferPointer { pz in
                    LAPACK.syevr(.valuesAndVectors, triangle, n: n, a: pa.baseAddress!, lda: n, il: n - count + 1,
                                 iu: n, w: &w, z: pz.baseAddress!, ldz: n, isuppz: &isuppz, work: &dwork,
                                 lwork: sizes.work, iwork: &iwork, liwork: sizes.iwork)
                }
            }
            if info > 0 || found != count { throw .noConvergence(count: Swift.max(info, 1)) }
        }
        values = Array(w.prefix(count))
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
        let sizes = LAPACK.syevrWorkspace(.valuesOnly, n: n)
        var w = [Double](repeating: 0, count: n)
        var z = 0.0
        var isuppz: Int32 = 0
        var dwork = [Double](repeating: 0, count: sizes.work)
        var iwork = [Int32](repeating: 0, count: sizes.iwork)
        let (info, found) = work.storage.withUnsafeMutableBufferPointer { pa in
            LAPACK.syevr(.valuesOnly, triangle, n: n, a: pa.baseAddress!, lda: n, il: indices.lowerBound + 1,
                         iu: indices.upperBound, w: &w, z: &z, ldz: 1, isuppz: &isuppz, work: &dwork,
                         lwork: sizes.work, iwork: &iwork, liwork: sizes.iwork)
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
