/// Pearson correlation matrices through one BLAS syrk.
extension Matrix {
    /// The Pearson correlation matrix of the columns (rows are observations):
    /// the columns are z-scored with the population sd, then
    /// ``correlationOfStandardizedColumns()`` forms `R = ZᵀZ / m`.
    ///
    /// - Throws: ``LinalgError/zeroVariance(column:)`` for a constant column;
    ///   ``LinalgError/tooFewObservations(needed:actual:)`` without rows.
    /// - Complexity: mn² flops (one syrk, half a general product).
    public func correlation() throws(LinalgError) -> Matrix {
        try standardized(ddof: 0).z.correlationOfStandardizedColumns()
    }

    /// The correlation matrix of columns that are **already** z-scored with the
    /// population sd (ddof = 0, as ``standardized(ddof:)`` and
    /// ``standardizeColumnsInPlace()`` leave them):
    ///
    /// ```
    /// R = ZᵀZ / m,   rⱼⱼ = 1 exactly
    /// ```
    ///
    /// for m rows, by one BLAS syrk (both triangles filled). The diagonal is set
    /// to 1 rather than computed (`Σᵢ zᵢⱼ² / m` is 1 only to rounding), so
    /// eigenvalues sum to exactly p in exact arithmetic. This is the one place
    /// IRTKit forms a correlation matrix: ``correlation()``, Horn's real
    /// eigenvalues and every draw of its null all come here, so they round alike.
    ///
    /// The columns are not checked: columns z-scored otherwise (ddof = 1, or
    /// not at all) give `ZᵀZ / m` off the diagonal and 1 on it, not a correlation.
    ///
    /// - Complexity: mn² flops; allocates the n × n result
    ///   (see ``correlationOfStandardizedColumns(into:)`` for a hot loop).
    public func correlationOfStandardizedColumns() -> Matrix {
        var r = Matrix(rows: columns, columns: columns)
        correlationOfStandardizedColumns(into: &r)
        return r
    }

    /// Writes ``correlationOfStandardizedColumns()`` into `r`, reusing its
    /// storage: nothing is allocated when `r` is uniquely referenced, so a Monte
    /// Carlo loop keeps one buffer per thread.
    ///
    /// A matrix without rows gives the identity (no observations, no correlation).
    ///
    /// - Precondition: `r` is `columns × columns` (a caller's buffer, not user data).
    /// - Complexity: mn² flops.
    public func correlationOfStandardizedColumns(into r: inout Matrix) {
        precondition(r.rows == columns && r.columns == columns,
                     "correlationOfStandardizedColumns(into:) needs a \(columns)×\(columns) output")
        gram(alpha: 1 / Double(rows), into: &r)
        r.storage.withUnsafeMutableBufferPointer { p in
            for i in 0..<columns { p[i + i * columns] = 1 }
        }
    }
}
