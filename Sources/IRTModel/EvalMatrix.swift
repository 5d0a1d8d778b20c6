import Foundation
import Linalg

/// A sweep (or noise) file as read: one row per training run, every column
/// kept as the strings of the file.
///
/// Nothing is converted up front: provenance columns (`status`,
/// `is_qsplit240_core`, …) stay text, and a metric column becomes numbers only
/// when asked for, through ``numbers(_:)`` or ``numericMatrix(columns:)``, so an
/// error names the one cell that is wrong — its file line, run and column.
///
/// ```swift
/// let sweep = try EvalMatrix(contentsOf: url).completedRuns()
/// let tasks = TaskSelection.reference.taskColumns(in: sweep.columnNames)
/// let x = try sweep.numericMatrix(columns: tasks)   // n × p
/// ```
public struct EvalMatrix: Sendable {
    /// The file name used in error messages.
    public let source: String
    /// The header, in file order.
    public let columnNames: [String]
    /// One name per row: the `run_name` cell, or `"row N"` (N counting data rows
    /// from 1 in the file as read) when there is no `run_name` column.
    public private(set) var runNames: [String]
    /// The 1-based file line on which each row starts (the header is line 1).
    public private(set) var lines: [Int]
    /// The cells, one array per column (in ``columnNames`` order), one string per row.
    private var cells: [[String]]
    /// Column name → position in ``columnNames``.
    private let columnIndex: [String: Int]

    /// The name of the column that holds run names.
    public static let runNameColumn = "run_name"

    /// A matrix from a parsed table.
    ///
    /// - Parameters:
    ///   - table: the header and rows (every row as long as the header).
    ///   - source: the file name used in error messages.
    /// - Complexity: O(n·m) for n rows and m columns.
    public init(table: CSVTable, source: String) {
        let m = table.header.count
        var cells = [[String]](repeating: [], count: m)
        for j in 0..<m { cells[j].reserveCapacity(table.rows.count) }
        for row in table.rows {
            precondition(row.count == m, "CSVTable rows must be as long as the header")
            for j in 0..<m { cells[j].append(row[j]) }
        }
        var index = [String: Int](minimumCapacity: m)
        for (j, name) in table.header.enumerated() where index[name] == nil { index[name] = j }
        self.source = source
        self.columnNames = table.header
        self.lines = table.lines
        self.cells = cells
        self.columnIndex = index
        if let j = index[Self.runNameColumn] {
            self.runNames = cells[j]
        } else {
            self.runNames = (0..<table.rows.count).map { "row \($0 + 1)" }
        }
    }

    /// Parses CSV text.
    ///
    /// - Parameters:
    ///   - text: the whole file.
    ///   - source: the file name used in error messages.
    /// - Throws: the errors of ``CSVReader``
    ///   (empty file, header only, malformed CSV, ragged row, duplicate column, invalid UTF-8).
    /// - Complexity: O(b) in the size of the text.
    public init(csv text: String, source: String) throws(AnalysisError) {
        self.init(table: try CSVReader.parse(text, source: source), source: source)
    }

    /// Reads a CSV file; its last path component names it in error messages.
    ///
    /// - Parameter url: the file.
    /// - Throws: ``AnalysisError/unreadableFile(file:reason:)`` when the file cannot
    ///   be read, and every error of ``init(csv:source:)``.
    /// - Complexity: O(b) in the file size.
    public init(contentsOf url: URL) throws(AnalysisError) {
        self.init(table: try CSVReader.read(contentsOf: url), source: url.lastPathComponent)
    }

    /// The number of rows (runs).
    public var rowCount: Int { lines.count }

    /// Whether the file has a column called `column`.
    public func hasColumn(_ column: String) -> Bool { columnIndex[column] != nil }

    /// The raw cells of `column`, one per row, or `nil` when there is no such column.
    ///
    /// - Complexity: O(1) (the array is shared, not copied).
    public func strings(_ column: String) -> [String]? {
        columnIndex[column].map { cells[$0] }
    }

    /// The cells of `column` as numbers; `nil` marks a missing value.
    ///
    /// A cell is missing when it is empty (or only spaces) or spells NaN
    /// (`nan`, `NaN`, `NAN`, the way pandas and NumPy write missing floats).
    /// Other cells must be decimal numbers (`0.81`, `-1e-3`, `inf`), read with
    /// correct rounding (the same `Double` as Python's `float`).
    ///
    /// - Parameter column: a column name.
    /// - Returns: one value per row, in row order.
    /// - Throws: ``AnalysisError/missingColumn(file:column:)`` for an unknown column;
    ///   ``AnalysisError/nonNumericCell(file:line:column:value:)`` for the first cell
    ///   (in row order) that is neither a number nor missing.
    /// - Complexity: O(n) for n rows.
    public func numbers(_ column: String) throws(AnalysisError) -> [Double?] {
        guard let j = columnIndex[column] else { throw .missingColumn(file: source, column: column) }
        var values = [Double?]()
        values.reserveCapacity(rowCount)
        for i in 0..<rowCount {
            values.append(try number(row: i, column: j))
        }
        return values
    }

    /// The numeric `n × p` matrix of `columns` (column-major; column `j` is `columns[j]`).
    ///
    /// - Parameter columns: the column names, in the order wanted.
    /// - Returns: the values of every row (n = ``rowCount``) for those columns.
    /// - Throws: ``AnalysisError/missingColumn(file:column:)`` for the first unknown name;
    ///   otherwise, for the first bad cell in row order (row by row, each row in the order
    ///   of `columns`): ``AnalysisError/nonNumericCell(file:line:column:value:)`` for text,
    ///   ``AnalysisError/missingCell(file:line:run:column:)`` for an empty or NaN cell.
    /// - Complexity: O(n·p).
    public func numericMatrix(columns: [String]) throws(AnalysisError) -> Matrix {
        var indices = [Int]()
        indices.reserveCapacity(columns.count)
        for name in columns {
            guard let j = columnIndex[name] else { throw .missingColumn(file: source, column: name) }
            indices.append(j)
        }
        let n = rowCount, p = indices.count
        var storage = [Double](repeating: 0, count: n * p)
        for i in 0..<n {
            for (k, j) in indices.enumerated() {
                guard let value = try number(row: i, column: j) else {
                    throw .missingCell(file: source, line: lines[i], run: runNames[i], column: columnNames[j])
                }
                storage[i + k * n] = value
            }
        }
        do {
            return try Matrix(rows: n, columns: p, columnMajor: storage)
        } catch {
            throw .numerical(error)   // unreachable: the storage has n·p elements
        }
    }

    /// The rows for which `keep(rowIndex)` is true, in their order; columns unchanged.
    ///
    /// - Parameter keep: called once per row index `0..<rowCount`.
    /// - Complexity: O(n·m) for n rows and m columns.
    public func filteringRows(_ keep: (Int) -> Bool) -> EvalMatrix {
        let kept = (0..<rowCount).filter(keep)
        var copy = self
        copy.lines = kept.map { lines[$0] }
        copy.runNames = kept.map { runNames[$0] }
        copy.cells = cells.map { column in kept.map { column[$0] } }
        return copy
    }

    /// The rows whose `statusColumn` cell equals `value` exactly (METHOD.md §1);
    /// all rows when the file has no such column.
    ///
    /// - Parameters:
    ///   - statusColumn: the column to test, `status` by default.
    ///   - value: the status of a finished run, `completed` by default.
    /// - Complexity: O(n·m).
    public func completedRuns(statusColumn: String = "status", value: String = "completed") -> EvalMatrix {
        guard let status = strings(statusColumn) else { return self }
        return filteringRows { status[$0] == value }
    }

    /// Whether row `row` is a baseline run (its name contains `baseline`).
    ///
    /// - Precondition: `0 <= row < rowCount`.
    public func isBaseline(run row: Int) -> Bool {
        Self.isBaseline(run: runNames[row])
    }

    /// Whether a run called `name` is a baseline: its name contains `baseline` (METHOD.md §1).
    public static func isBaseline(run name: String) -> Bool {
        name.contains("baseline")
    }

    // MARK: - Cells as numbers

    /// The number in row `i`, column `j`, `nil` when missing.
    private func number(row i: Int, column j: Int) throws(AnalysisError) -> Double? {
        let text = cells[j][i]
        if let value = Double(text) { return value.isNaN ? nil : value }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return nil }
        if let value = Double(trimmed) { return value.isNaN ? nil : value }
        throw .nonNumericCell(file: source, line: lines[i], column: columnNames[j], value: text)
    }
}
