/// A dense, column-major matrix of `Double`, with value semantics.
///
/// Element `(i, j)` lives at offset `i + j * rows` of the storage, the layout
/// BLAS and LAPACK expect, so no routine ever transposes behind your back.
/// Copies are cheap until one of them is mutated (copy-on-write).
///
/// ```swift
/// var a = Matrix(rows: [[4, 1], [1, 3]])
/// a[0, 1] = 2
/// let g = a.gram()            // AᵀA, through BLAS syrk
/// ```
public struct Matrix: Sendable, Equatable, Hashable {
    /// The number of rows, `m`.
    public internal(set) var rows: Int
    /// The number of columns, `n`.
    public internal(set) var columns: Int
    /// The elements in column-major order; `elements.count == rows * columns`.
    @inlinable public var elements: [Double] { storage }
    /// Storage behind ``elements``; internal so that only Linalg mutates it in bulk.
    @usableFromInline internal var storage: [Double]

    /// The shape `rows × columns`.
    @inlinable public var shape: Shape { Shape(rows: rows, columns: columns) }

    /// Whether the matrix has no elements (either dimension is 0).
    @inlinable public var isEmpty: Bool { rows == 0 || columns == 0 }

    /// Whether `rows == columns`.
    @inlinable public var isSquare: Bool { rows == columns }

    /// A matrix of the given shape with every element equal to `value`.
    ///
    /// - Precondition: `rows >= 0` and `columns >= 0`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.storage = Array(repeating: value, count: rows * columns)
    }

    /// A matrix from its elements in column-major order.
    ///
    /// - Throws: ``LinalgError/shapeMismatch(operation:expected:actual:)`` when
    ///   `elements.count != rows * columns`.
    public init(rows: Int, columns: Int, columnMajor elements: [Double]) throws(LinalgError) {
        guard rows >= 0, columns >= 0, elements.count == rows * columns else {
            throw .shapeMismatch(
                operation: "Matrix(rows:columns:columnMajor:)",
                expected: Shape(rows: rows, columns: columns),
                actual: Shape(rows: elements.count, columns: 1))
        }
        self.rows = rows
        self.columns = columns
        self.storage = elements
    }

    /// A matrix from an array of rows; every row must have the same length.
    ///
    /// An empty array gives a 0 × 0 matrix.
    /// - Throws: ``LinalgError/raggedRows(row:expected:actual:)`` naming the first short or long row.
    public init(rows rowArrays: [[Double]]) throws(LinalgError) {
        let m = rowArrays.count
        let n = rowArrays.first?.count ?? 0
        for (i, row) in rowArrays.enumerated() where row.count != n {
            throw .raggedRows(row: i, expected: n, actual: row.count)
        }
        var storage = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n { storage[i + j * m] = rowArrays[i][j] }
        }
        self.rows = m
        self.columns = n
        self.storage = storage
    }

    /// A matrix from an array of columns; every column must have the same length.
    ///
    /// - Throws: ``LinalgError/raggedRows(row:expected:actual:)`` naming the first
    ///   column (as `row`) whose length differs.
    public init(columns columnArrays: [[Double]]) throws(LinalgError) {
        let n = columnArrays.count
        let m = columnArrays.first?.count ?? 0
        var storage = [Double]()
        storage.reserveCapacity(m * n)
        for (j, column) in columnArrays.enumerated() {
            guard column.count == m else { throw .raggedRows(row: j, expected: m, actual: column.count) }
            storage.append(contentsOf: column)
        }
        self.rows = m
        self.columns = n
        self.storage = storage
    }

    /// A matrix whose element `(i, j)` is `body(i, j)`.
    public init(rows: Int, columns: Int, _ body: (_ row: Int, _ column: Int) throws -> Double) rethrows {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
        var storage = [Double]()
        storage.reserveCapacity(rows * columns)
        for j in 0..<columns {
            for i in 0..<rows { storage.append(try body(i, j)) }
        }
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// The `rows × columns` zero matrix.
    public static func zeros(_ rows: Int, _ columns: Int) -> Matrix {
        Matrix(rows: rows, columns: columns)
    }

    /// The `n × n` identity matrix.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m.storage[i + i * n] = 1 }
        return m
    }

    /// A square matrix with `diagonal` on its diagonal and zeros elsewhere.
    public static func diagonal(_ diagonal: [Double]) -> Matrix {
        let n = diagonal.count
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m.storage[i + i * n] = diagonal[i] }
        return m
    }

    /// The element in row `i`, column `j`.
    ///
    /// - Precondition: `0 <= i < rows`, `0 <= j < columns` (an index error is a bug in the caller).
    @inlinable public subscript(i: Int, j: Int) -> Double {
        get {
            precondition(i >= 0 && i < rows && j >= 0 && j < columns, "Matrix index out of range")
            return storage[i + j * rows]
        }
        set {
            precondition(i >= 0 && i < rows && j >= 0 && j < columns, "Matrix index out of range")
            storage[i + j * rows] = newValue
        }
    }

    /// A copy of column `j`.
    public func column(_ j: Int) -> [Double] {
        precondition(j >= 0 && j < columns, "Column index out of range")
        return Array(elements[(j * rows)..<((j + 1) * rows)])
    }

    /// A copy of row `i`.
    public func row(_ i: Int) -> [Double] {
        precondition(i >= 0 && i < rows, "Row index out of range")
        return (0..<columns).map { elements[i + $0 * rows] }
    }

    /// The rows as arrays (row-major), e.g. for JSON output.
    public var rowArrays: [[Double]] { (0..<rows).map(row) }

    /// The diagonal `(a₀₀, a₁₁, …)` of length `min(rows, columns)`.
    public var diagonalElements: [Double] { (0..<min(rows, columns)).map { elements[$0 + $0 * rows] } }

    /// Replaces column `j` with `values`.
    ///
    /// - Throws: ``LinalgError/shapeMismatch(operation:expected:actual:)`` when `values.count != rows`.
    public mutating func setColumn(_ j: Int, to values: [Double]) throws(LinalgError) {
        precondition(j >= 0 && j < columns, "Column index out of range")
        guard values.count == rows else {
            throw .shapeMismatch(operation: "setColumn", expected: Shape(rows: rows, columns: 1),
                                 actual: Shape(rows: values.count, columns: 1))
        }
        storage.replaceSubrange((j * rows)..<((j + 1) * rows), with: values)
    }

    /// The transpose `Aᵀ` (`columns × rows`).
    ///
    /// Complexity: O(mn), one copy.
    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        elements.withUnsafeBufferPointer { a in
            t.storage.withUnsafeMutableBufferPointer { out in
                for j in 0..<columns {
                    for i in 0..<rows { out[j + i * columns] = a[i + j * rows] }
                }
            }
        }
        return t
    }

    /// The columns at `indices`, in that order, as a new matrix.
    public func selectingColumns(_ indices: [Int]) -> Matrix {
        var out = [Double]()
        out.reserveCapacity(rows * indices.count)
        for j in indices {
            precondition(j >= 0 && j < columns, "Column index out of range")
            out.append(contentsOf: elements[(j * rows)..<((j + 1) * rows)])
        }
        return Matrix(unchecked: rows, columns: indices.count, out)
    }

    /// The rows at `indices`, in that order, as a new matrix.
    public func selectingRows(_ indices: [Int]) -> Matrix {
        Matrix(rows: indices.count, columns: columns) { i, j in self.elements[indices[i] + j * rows] }
    }

    /// Applies `transform` to every element.
    public func map(_ transform: (Double) throws -> Double) rethrows -> Matrix {
        Matrix(unchecked: rows, columns: columns, try elements.map(transform))
    }

    /// The largest absolute elementwise difference `max |aᵢⱼ − bᵢⱼ|`; NaN when
    /// any difference is NaN (so that a comparison against a tolerance fails).
    ///
    /// - Throws: ``LinalgError/shapeMismatch(operation:expected:actual:)`` on different shapes.
    public func maxAbsDifference(_ other: Matrix) throws(LinalgError) -> Double {
        guard shape == other.shape else {
            throw .shapeMismatch(operation: "maxAbsDifference", expected: shape, actual: other.shape)
        }
        var m = 0.0
        for i in elements.indices {
            let d = abs(elements[i] - other.elements[i])
            if d.isNaN { return .nan }
            m = Swift.max(m, d)
        }
        return m
    }

    /// `internal` initializer that trusts its caller on the element count.
    @usableFromInline init(unchecked rows: Int, columns: Int, _ elements: [Double]) {
        assert(elements.count == rows * columns)
        self.rows = rows
        self.columns = columns
        self.storage = elements
    }
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        var s = "Matrix \(shape)"
        for i in 0..<Swift.min(rows, 8) {
            s += "\n  " + (0..<Swift.min(columns, 8)).map { String(format6(self[i, $0])) }.joined(separator: "  ")
            if columns > 8 { s += "  …" }
        }
        if rows > 8 { s += "\n  …" }
        return s
    }
}

private func format6(_ x: Double) -> String {
    let s = "\(x)"
    return s.count > 10 ? String(s.prefix(10)) : s
}
