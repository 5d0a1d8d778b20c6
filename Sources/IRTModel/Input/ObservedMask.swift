import Linalg

/// Which cells of an n × p matrix hold a real value: `true` = observed,
/// `false` = missing (an empty cell, `NA`, `NaN`, … in the file).
///
/// Stored column-major like `Matrix`, one `Bool` per cell. A
/// complete matrix has ``isComplete`` `true`; most code can take a fast path then.
///
/// JSON is compact — the shape and the missing cells only:
///
/// ```json
/// {"rows": 3, "columns": 2, "missing": [[0, 1], [2, 0]]}
/// ```
public struct ObservedMask: Sendable, Hashable, Codable {
    /// Rows n (runs).
    public let rows: Int
    /// Columns p (tasks).
    public let columns: Int
    /// Column-major: cell (i, j) at `i + j · rows`.
    private var storage: [Bool]
    /// Missing cells, counted once.
    public private(set) var missingCount: Int

    /// A mask with every cell `observed`.
    public init(rows: Int, columns: Int, observed: Bool = true) {
        precondition(rows >= 0 && columns >= 0, "ObservedMask: negative shape")
        self.rows = rows
        self.columns = columns
        storage = [Bool](repeating: observed, count: rows * columns)
        missingCount = observed ? 0 : rows * columns
    }

    /// A mask from column-major flags (`true` = observed).
    ///
    /// - Precondition: `columnMajor.count == rows * columns`.
    public init(rows: Int, columns: Int, columnMajor: [Bool]) {
        precondition(rows >= 0 && columns >= 0 && columnMajor.count == rows * columns,
                     "ObservedMask: \(columnMajor.count) flags for a \(rows) × \(columns) mask")
        self.rows = rows
        self.columns = columns
        storage = columnMajor
        missingCount = columnMajor.reduce(0) { $0 + ($1 ? 0 : 1) }
    }

    /// Whether cell (i, j) is observed.
    public subscript(i: Int, j: Int) -> Bool {
        get {
            precondition(i >= 0 && i < rows && j >= 0 && j < columns, "ObservedMask index (\(i), \(j)) out of range")
            return storage[i + j * rows]
        }
        set {
            precondition(i >= 0 && i < rows && j >= 0 && j < columns, "ObservedMask index (\(i), \(j)) out of range")
            let old = storage[i + j * rows]
            if old != newValue { missingCount += newValue ? -1 : 1 }
            storage[i + j * rows] = newValue
        }
    }

    /// Whether every cell is observed.
    public var isComplete: Bool { missingCount == 0 }

    /// Observed cells in row `i`.
    public func observedCount(row i: Int) -> Int {
        var count = 0
        for j in 0..<columns where storage[i + j * rows] { count += 1 }
        return count
    }

    /// Observed cells in column `j`.
    public func observedCount(column j: Int) -> Int {
        var count = 0
        for i in 0..<rows where storage[i + j * rows] { count += 1 }
        return count
    }

    /// The share of row `i` that is observed, `observedCount(row:) / columns` (1 for no columns).
    public func coverage(row i: Int) -> Double {
        columns == 0 ? 1 : Double(observedCount(row: i)) / Double(columns)
    }

    /// The share of column `j` that is observed, `observedCount(column:) / rows` (1 for no rows).
    public func coverage(column j: Int) -> Double {
        rows == 0 ? 1 : Double(observedCount(column: j)) / Double(rows)
    }

    /// The mask of the given rows and columns, in the order given.
    public func selecting(rows rowIndices: [Int], columns columnIndices: [Int]) -> ObservedMask {
        var flags: [Bool] = []
        flags.reserveCapacity(rowIndices.count * columnIndices.count)
        for j in columnIndices { for i in rowIndices { flags.append(storage[i + j * rows]) } }
        return ObservedMask(rows: rowIndices.count, columns: columnIndices.count, columnMajor: flags)
    }

    /// The missing cells as (row, column), column by column.
    public var missingCells: [(row: Int, column: Int)] {
        var cells: [(row: Int, column: Int)] = []
        cells.reserveCapacity(missingCount)
        for j in 0..<columns { for i in 0..<rows where !storage[i + j * rows] { cells.append((i, j)) } }
        return cells
    }

    /// The mask as a 0/1 matrix (1 = observed), for products.
    public var indicator: Matrix {
        // The storage has rows · columns elements by construction.
        (try? Matrix(rows: rows, columns: columns, columnMajor: storage.map { $0 ? 1 : 0 }))
            ?? Matrix(rows: rows, columns: columns)
    }

    /// Calls `body` with the column-major flags.
    public func withFlags<R>(_ body: ([Bool]) throws -> R) rethrows -> R { try body(storage) }

    private enum CodingKeys: String, CodingKey { case rows, columns, missing }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let rows = try c.decode(Int.self, forKey: .rows)
        let columns = try c.decode(Int.self, forKey: .columns)
        guard rows >= 0, columns >= 0 else {
            throw DecodingError.dataCorruptedError(forKey: .rows, in: c, debugDescription: "negative mask shape \(rows) × \(columns)")
        }
        self.init(rows: rows, columns: columns)
        for cell in try c.decode([[Int]].self, forKey: .missing) {
            guard cell.count == 2, (0..<rows).contains(cell[0]), (0..<columns).contains(cell[1]) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .missing, in: c, debugDescription: "missing cell \(cell) is not a [row, column] inside \(rows) × \(columns)")
            }
            self[cell[0], cell[1]] = false
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rows, forKey: .rows)
        try c.encode(columns, forKey: .columns)
        try c.encode(missingCells.map { [$0.row, $0.column] }, forKey: .missing)
    }
}
