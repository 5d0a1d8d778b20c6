/// Borrowed access to a matrix's storage, valid only inside the closure.
extension Matrix {
    /// Calls `body` with a read-only `Span` over column `j` (no copy).
    public func withColumn<R, E: Error>(_ j: Int, _ body: (Span<Double>) throws(E) -> R) throws(E) -> R {
        precondition(j >= 0 && j < columns, "Column index out of range")
        let span = elements.span.extracting((j * rows)..<((j + 1) * rows))
        return try body(span)
    }

    /// Calls `body` with a read-only `Span` over all elements in column-major order.
    public func withElements<R, E: Error>(_ body: (Span<Double>) throws(E) -> R) throws(E) -> R {
        try body(elements.span)
    }

    /// Calls `body` with a mutable `MutableSpan` over column `j` (no copy;
    /// triggers copy-on-write first if the storage is shared).
    public mutating func withMutableColumn<R, E: Error>(
        _ j: Int, _ body: (inout MutableSpan<Double>) throws(E) -> R
    ) throws(E) -> R {
        precondition(j >= 0 && j < columns, "Column index out of range")
        let range = (j * rows)..<((j + 1) * rows)
        var all = storage.mutableSpan
        var column = all._mutatingExtracting(range)
        return try body(&column)
    }

    /// Calls `body` with a mutable span over all elements in column-major order.
    public mutating func withMutableElements<R, E: Error>(_ body: (inout MutableSpan<Double>) throws(E) -> R) throws(E) -> R {
        var all = storage.mutableSpan
        return try body(&all)
    }

    /// Calls `body` with a borrowed, read-only view of the block
    /// `rowRange × columnRange` (no copy): a span that starts at the block's
    /// first element, and the ``BlockLayout`` that locates element `(i, j)` in
    /// it at `i + j · leadingDimension`, the form BLAS takes.
    public func withBlock<R, E: Error>(
        rows rowRange: Range<Int>, columns columnRange: Range<Int>,
        _ body: (Span<Double>, BlockLayout) throws(E) -> R
    ) throws(E) -> R {
        precondition(rowRange.lowerBound >= 0 && rowRange.upperBound <= rows
                     && columnRange.lowerBound >= 0 && columnRange.upperBound <= columns, "Block out of range")
        let layout = BlockLayout(rows: rowRange.count, columns: columnRange.count, leadingDimension: rows)
        // An empty block gets an empty span: its nominal start may lie past the
        // end of the storage (e.g. rows 3..<3 × columns 2..<2 of a 3 × 2 matrix).
        if rowRange.isEmpty || columnRange.isEmpty {
            return try body(storage.span.extracting(0..<0), layout)
        }
        let start = rowRange.lowerBound + columnRange.lowerBound * rows
        let end = start + layout.offset(layout.rows - 1, layout.columns - 1) + 1
        return try body(storage.span.extracting(start..<end), layout)
    }
}

/// Where the elements of a block live in a column-major span.
public struct BlockLayout: Sendable, Hashable {
    /// Rows of the block.
    public let rows: Int
    /// Columns of the block.
    public let columns: Int
    /// Distance between the starts of two successive columns (the parent's rows).
    public let leadingDimension: Int

    /// The offset of element `(i, j)` of the block: `i + j · leadingDimension`.
    @inlinable public func offset(_ i: Int, _ j: Int) -> Int { i + j * leadingDimension }
}
