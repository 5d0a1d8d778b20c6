import Foundation
import Linalg

/// A sweep (or noise) file as read: one row per training run, every cell
/// available as the text of the file.
///
/// Provenance columns (`status`, `is_qsplit240_core`, …) stay text, and a
/// metric column is interpreted as numbers only when asked for, through
/// ``numbers(_:)``, ``numericMatrix(columns:)`` or
/// ``numericMatrixWithMask(columns:)``, so an error names the one cell that
/// is wrong — its file line, run and column.
///
/// **Missing cells.** A cell is missing when, after trimming spaces, it is
/// empty, one of ``standardMissingTokens`` (`NA`, `N/A`, `NaN`, `nan`, `null`,
/// `None`), any other spelling of NaN (`NAN`, as NumPy and pandas write it),
/// or one of the file's extra ``missingTokens`` (e.g. `-1`, given by the user;
/// compared with the cell's text as written). Any other text in a numeric
/// column is an error naming file, line and column.
///
/// **Run names.** ``runColumn`` names the runs: `run_name` when the file has
/// it, otherwise the first non-numeric column (not `status`), otherwise none,
/// and the runs are called `row 1`, `row 2`, … (``init(csv:source:runColumn:missingTokens:)``
/// takes another column).
///
/// Storage is compact: a mostly numeric column is kept as one `Double` per
/// row, and a cell keeps its text only when the text is not exactly the
/// shortest round-trip spelling of its number (`"0.50"`, `""`, `"n/a"`); every
/// other column is kept as strings. The text of every cell is still exact
/// (``strings(_:)``), and a 20,000 × 1,000 sweep takes 160 MB instead of
/// 20 million `String`s.
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
    /// One name per row: the cell of ``runColumn``, or `"row N"` (N counting data
    /// rows from 1 in the file as read) when there is no run column.
    public private(set) var runNames: [String]
    /// The column that names the runs, `nil` when the rows are numbered
    /// (`row 1`, `row 2`, …). See ``defaultRunColumn``.
    public private(set) var runColumn: String?
    /// Extra texts that mean "missing" in this file, besides ``standardMissingTokens``.
    public private(set) var missingTokens: [String] = []
    /// The extra tokens as a set, trimmed.
    private var missingTokenSet: Set<String> = []
    /// The numbers whose shortest spelling is an extra token (`-1.0`), for cells stored as numbers.
    private var missingValues: Set<Double> = []
    /// The run column asked for at creation (`nil`: the default rule).
    private var requestedRunColumn: String?
    /// The 1-based file line on which each row starts (the header is line 1).
    public private(set) var lines: [Int]
    /// The cells, one column per header name (in ``columnNames`` order).
    private var cells: [ColumnStorage]
    /// Column name → position in ``columnNames``.
    private let columnIndex: [String: Int]

    /// Files of at least this many bytes are stored compactly (numbers as
    /// `Double`); smaller ones keep every cell as a `String` (faster to read,
    /// and the memory is small). Behaviour is the same either way.
    static let compactByteThreshold = 8 << 20
    /// The same threshold for a ``CSVTable``, in cells.
    static let compactCellThreshold = 500_000

    /// The name of the column that holds run names.
    public static let runNameColumn = "run_name"

    /// Texts that always mean "missing" (after trimming spaces); the empty cell too.
    public static let standardMissingTokens: [String] = ["", "NA", "N/A", "NaN", "nan", "null", "None"]

    /// A matrix from a parsed table.
    ///
    /// The run column follows the default rule (``runColumn``); use
    /// ``withRunColumn(_:)`` or ``treatingAsMissing(_:)`` for others.
    ///
    /// - Parameters:
    ///   - table: the header and rows (every row as long as the header).
    ///   - source: the file name used in error messages.
    /// - Complexity: O(n·m) for n rows and m columns.
    public init(table: CSVTable, source: String) {
        let m = table.header.count
        var builder = Builder(header: table.header, expectedRows: table.rows.count,
                              compact: table.rows.count * m >= Self.compactCellThreshold)
        for row in table.rows {
            precondition(row.count == m, "CSVTable rows must be as long as the header")
            builder.append(row)
        }
        self.init(header: table.header, columns: builder.finish(), lines: table.lines, source: source)
    }

    /// Assembles a matrix from finished columns.
    private init(header: [String], columns: [ColumnStorage], lines: [Int], source: String) {
        var index = [String: Int](minimumCapacity: header.count)
        for (j, name) in header.enumerated() where index[name] == nil { index[name] = j }
        self.source = source
        self.columnNames = header
        self.lines = lines
        self.cells = columns
        self.columnIndex = index
        self.runNames = []
        self.runColumn = nil
        self.requestedRunColumn = nil
        applyRunColumn(defaultRunColumn)
    }

    /// Sets ``runColumn`` and ``runNames`` (`nil`: numbered rows).
    private mutating func applyRunColumn(_ name: String?) {
        runColumn = name
        if let name, let j = columnIndex[name] {
            runNames = cells[j].strings
        } else {
            runColumn = nil
            runNames = (0..<lines.count).map { "row \($0 + 1)" }
        }
    }

    /// The default run column: `run_name` if present, else the first
    /// non-numeric column other than `status`, else `nil` (numbered rows).
    private static func defaultRunColumnName(header: [String], isNumeric: (String) -> Bool) -> String? {
        if header.contains(runNameColumn) { return runNameColumn }
        return header.first { $0 != "status" && !isNumeric($0) }
    }

    /// The run column this file would get by the default rule: `run_name` if
    /// present, else the first non-numeric column other than `status`, else
    /// `nil` (rows are numbered).
    public var defaultRunColumn: String? { Self.defaultRunColumnName(header: columnNames) { isNumeric($0) } }

    /// This matrix with runs named by `column`; `nil` restores the default rule.
    ///
    /// - Throws: ``AnalysisError/missingColumn(file:column:)`` when there is no such column.
    public func withRunColumn(_ column: String?) throws(AnalysisError) -> EvalMatrix {
        var copy = self
        if let column {
            guard columnIndex[column] != nil else { throw .missingColumn(file: source, column: column) }
            copy.requestedRunColumn = column
            copy.applyRunColumn(column)
        } else {
            copy.requestedRunColumn = nil
            copy.applyRunColumn(copy.defaultRunColumn)
        }
        return copy
    }

    /// This matrix with `tokens` (trimmed) also read as missing cells, e.g. `["-1"]`.
    /// A default run column is chosen again, since numeric columns may change.
    public func treatingAsMissing(_ tokens: [String]) -> EvalMatrix {
        var copy = self
        let trimmed = tokens.map { $0.trimmingCharacters(in: .whitespaces) }
        for token in trimmed where !copy.missingTokenSet.contains(token) {
            copy.missingTokens.append(token)
            copy.missingTokenSet.insert(token)
            // A cell stored as a number has the text `value.description`.
            if let value = Double(token), !value.isNaN, value.description == token { copy.missingValues.insert(value) }
        }
        if copy.requestedRunColumn == nil { copy.applyRunColumn(copy.defaultRunColumn) }
        return copy
    }

    /// Reads the rows of a CSV straight into column storage, one record at a
    /// time (no table of strings in between).
    private init(bytes: Span<UInt8>, source: String) throws(AnalysisError) {
        try self.init(csv: bytes, source: source, compact: bytes.count >= Self.compactByteThreshold)
    }

    /// Parses the UTF-8 bytes of a CSV file, choosing the storage: `compact`
    /// keeps mostly numeric columns as `Double`s, otherwise every cell is a
    /// `String`. Behaviour is the same either way; the fuzz targets (`Fuzz/`)
    /// compare the two.
    ///
    /// - Throws: the errors of ``CSVReader``.
    @_spi(Testing)
    public init(csv bytes: Span<UInt8>, source: String, compact: Bool) throws(AnalysisError) {
        var header: [String] = []
        var builder = Builder(header: [], expectedRows: 0, compact: compact)
        var lines: [Int] = []
        try CSVReader.scan(bytes, source: source, header: { names in
            header = names
            builder = Builder(header: names, expectedRows: 0, compact: compact)
        }, row: { fields, line in
            builder.append(fields)
            lines.append(line)
        })
        self.init(header: header, columns: builder.finish(), lines: lines, source: source)
    }

    /// Parses CSV text.
    ///
    /// - Parameters:
    ///   - text: the whole file.
    ///   - source: the file name used in error messages.
    ///   - runColumn: the column naming the runs, `nil` for the default rule (``runColumn``).
    ///   - missingTokens: extra texts that mean "missing" (``treatingAsMissing(_:)``).
    /// - Throws: the errors of ``CSVReader``
    ///   (empty file, header only, malformed CSV, ragged row, duplicate column, invalid UTF-8);
    ///   ``AnalysisError/missingColumn(file:column:)`` for an unknown `runColumn`.
    /// - Complexity: O(b) in the size of the text.
    public init(csv text: String, source: String, runColumn: String? = nil, missingTokens: [String] = []) throws(AnalysisError) {
        let bytes = Array(text.utf8)
        try self.init(bytes: bytes.span, source: source)
        try configure(runColumn: runColumn, missingTokens: missingTokens)
    }

    /// Applies the reading options of the public initializers.
    private mutating func configure(runColumn: String?, missingTokens: [String]) throws(AnalysisError) {
        if !missingTokens.isEmpty { self = treatingAsMissing(missingTokens) }
        if let runColumn { self = try withRunColumn(runColumn) }
    }

    /// Reads a CSV file; its last path component names it in error messages.
    ///
    /// - Parameters:
    ///   - url: the file.
    ///   - runColumn: the column naming the runs, `nil` for the default rule (``runColumn``).
    ///   - missingTokens: extra texts that mean "missing" (``treatingAsMissing(_:)``).
    /// - Throws: ``AnalysisError/unreadableFile(file:reason:)`` when the file cannot
    ///   be read, and every error of ``init(csv:source:runColumn:missingTokens:)``.
    /// - Complexity: O(b) in the file size.
    public init(contentsOf url: URL, runColumn: String? = nil, missingTokens: [String] = []) throws(AnalysisError) {
        let source = url.lastPathComponent
        self = try CSVReader.withFileBytes(contentsOf: url) { bytes throws(AnalysisError) in
            try EvalMatrix(bytes: bytes, source: source)
        }
        try configure(runColumn: runColumn, missingTokens: missingTokens)
    }

    /// The number of rows (runs).
    public var rowCount: Int { lines.count }

    /// Whether the file has a column called `column`.
    public func hasColumn(_ column: String) -> Bool { columnIndex[column] != nil }

    /// The raw cells of `column`, one per row, or `nil` when there is no such column.
    ///
    /// - Complexity: O(1) for a text column (the array is shared, not copied);
    ///   O(n) for a numeric column, whose text is rebuilt from the numbers.
    public func strings(_ column: String) -> [String]? {
        columnIndex[column].map { cells[$0].strings }
    }

    /// The cells of `column` as numbers; `nil` marks a missing value.
    ///
    /// A cell is missing when it is empty (or only spaces), one of
    /// ``standardMissingTokens`` or ``missingTokens``, or spells NaN (`nan`,
    /// `NaN`, `NAN`, the way pandas and NumPy write missing floats).
    /// Other cells must be finite decimal numbers (`0.81`, `-1e-3`), read with
    /// correct rounding (the same `Double` as Python's `float`); hexadecimal
    /// (`0x10`), digit separators (`1_000`) and other spellings are not numbers
    /// (``cell(_:)``).
    ///
    /// - Parameter column: a column name.
    /// - Returns: one value per row, in row order.
    /// - Throws: ``AnalysisError/missingColumn(file:column:)`` for an unknown column;
    ///   ``AnalysisError/nonNumericCell(file:line:column:value:)`` for the first cell
    ///   (in row order) that is neither a number nor missing, and
    ///   ``AnalysisError/nonFiniteCell(file:line:column:value:)`` for an infinity
    ///   (`inf`, or a literal beyond `Double`'s range such as `1e400`).
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
        let indices = try columnIndices(columns)
        let n = rowCount, p = indices.count
        // Fast path: every column is numbers with no missing cell and no
        // irregular text; a straight copy, column by column.
        if let fast = Self.denseCopy(indices.map { cells[$0] }, rows: n, missingValues: missingValues) {
            do {
                return try Matrix(rows: n, columns: p, columnMajor: fast)
            } catch {
                throw .numerical(error)   // unreachable: the storage has n·p elements
            }
        }
        // Otherwise row by row, so that the first bad cell in row order is the one named.
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

    /// The numeric `n × p` matrix of `columns` with its gaps: the values (NaN at
    /// missing cells) and the mask of observed cells. The same cells as
    /// ``numericMatrix(columns:)``, except that a missing cell is not an error.
    ///
    /// - Parameter columns: the column names, in the order wanted.
    /// - Returns: `values` (column-major, NaN where missing) and `observed` (`true` where a number was read).
    /// - Throws: ``AnalysisError/missingColumn(file:column:)`` for the first unknown name;
    ///   for the first bad cell in row order ``AnalysisError/nonNumericCell(file:line:column:value:)``
    ///   (text that is neither a number nor a missing token) or
    ///   ``AnalysisError/nonFiniteCell(file:line:column:value:)``.
    /// - Complexity: O(n·p).
    public func numericMatrixWithMask(columns: [String]) throws(AnalysisError) -> (values: Matrix, observed: ObservedMask) {
        let indices = try columnIndices(columns)
        let n = rowCount, p = indices.count
        if let fast = Self.denseCopy(indices.map { cells[$0] }, rows: n, missingValues: missingValues) {
            let values = try numerical { () throws(LinalgError) in try Matrix(rows: n, columns: p, columnMajor: fast) }
            return (values, ObservedMask(rows: n, columns: p))
        }
        var storage = [Double](repeating: .nan, count: n * p)
        var flags = [Bool](repeating: false, count: n * p)
        for i in 0..<n {
            for (k, j) in indices.enumerated() {
                if let value = try number(row: i, column: j) {
                    storage[i + k * n] = value
                    flags[i + k * n] = true
                }
            }
        }
        let values = try numerical { () throws(LinalgError) in try Matrix(rows: n, columns: p, columnMajor: storage) }
        return (values, ObservedMask(rows: n, columns: p, columnMajor: flags))
    }

    /// Whether `column` is numeric: every cell that is not missing is a number
    /// (finite or not). `false` for an unknown column; `true` for a column with
    /// no value at all.
    ///
    /// - Complexity: O(n) for a column stored as text, O(irregular cells) for one stored as numbers.
    public func isNumeric(_ column: String) -> Bool {
        guard let j = columnIndex[column] else { return false }
        return firstNonNumericRow(column: j) == nil
    }

    /// The numeric columns (``isNumeric(_:)``), in file order.
    public var numericColumnNames: [String] { columnNames.filter(isNumeric) }

    /// The first cell of `column` (in row order) that is neither a number nor
    /// missing: its file line and text; `nil` when there is none or no such column.
    public func firstNonNumericCell(_ column: String) -> (line: Int, text: String)? {
        guard let j = columnIndex[column], let i = firstNonNumericRow(column: j) else { return nil }
        guard case let .text(text) = cell(row: i, column: j) else { return nil }
        return (lines[i], text)
    }

    /// How many cells of `column` hold text (neither a number nor missing)
    /// and how many are filled (not missing); (0, 0) for an unknown column.
    ///
    /// - Complexity: O(n).
    public func textCellCount(_ column: String) -> (text: Int, filled: Int) {
        guard let j = columnIndex[column] else { return (0, 0) }
        var text = 0, filled = 0
        for i in 0..<rowCount {
            switch cell(row: i, column: j) {
            case .missing: continue
            case .text: text += 1; filled += 1
            case .number, .infinite: filled += 1
            }
        }
        return (text, filled)
    }

    /// The positions of `columns` in ``columnNames``.
    private func columnIndices(_ columns: [String]) throws(AnalysisError) -> [Int] {
        var indices = [Int]()
        indices.reserveCapacity(columns.count)
        for name in columns {
            guard let j = columnIndex[name] else { throw .missingColumn(file: source, column: name) }
            indices.append(j)
        }
        return indices
    }

    /// The rows for which `keep(rowIndex)` is true, in their order; columns unchanged.
    ///
    /// - Parameter keep: called once per row index `0..<rowCount`.
    /// - Complexity: O(n·m) for n rows and m columns.
    public func filteringRows(_ keep: (Int) -> Bool) -> EvalMatrix {
        let kept = (0..<rowCount).filter(keep)
        if kept.count == rowCount { return self }   // nothing dropped: share the storage
        var copy = self
        copy.lines = kept.map { lines[$0] }
        copy.runNames = kept.map { runNames[$0] }
        copy.cells = cells.map { $0.selecting(kept) }
        return copy
    }

    /// The rows whose `statusColumn` cell is `value` (``filteringStatus(_:column:)``:
    /// ignoring case and surrounding spaces); all rows when the file has no such column.
    ///
    /// - Parameters:
    ///   - statusColumn: the column to test, `status` by default.
    ///   - value: the status of a finished run, `completed` by default.
    /// - Complexity: O(n·m).
    public func completedRuns(statusColumn: String = "status", value: String = "completed") -> EvalMatrix {
        filteringStatus(value, column: statusColumn).kept
    }

    /// Keeps the rows whose `column` cell equals `required`, ignoring case and
    /// surrounding spaces (METHOD.md §1), and lists the others with their status;
    /// every row when the file has no such column.
    ///
    /// - Parameters:
    ///   - required: the status of a row to keep (e.g. `completed`).
    ///   - column: the status column, `status` by default.
    /// - Complexity: O(n·m).
    public func filteringStatus(_ required: String, column: String = "status") -> (kept: EvalMatrix, skipped: [SkippedRun]) {
        guard let status = strings(column) else { return (self, []) }
        let want = Self.normalizedStatus(required)
        let keep = status.map { Self.normalizedStatus($0) == want }
        let skipped = status.indices.filter { !keep[$0] }.map {
            SkippedRun(run: runNames[$0], line: lines[$0],
                       reason: status[$0].isEmpty ? "an empty status" : "status \"\(status[$0])\"")
        }
        return (filteringRows { keep[$0] }, skipped)
    }

    /// A status as the filter compares it: trimmed of spaces, lowercased.
    static func normalizedStatus(_ status: String) -> String {
        status.trimmingCharacters(in: .whitespaces).lowercased()
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

    /// What one cell holds.
    private enum Cell {
        case missing
        case number(Double)
        /// An infinity (`inf`, or a literal beyond `Double`'s range such as `1e400`), as written.
        case infinite(String)
        /// Text that is neither a number nor a missing token, as written.
        case text(String)
    }

    /// The cell in row `i`, column `j`.
    private func cell(row i: Int, column j: Int) -> Cell {
        let text: String
        switch cells[j] {
        case let .numeric(values, irregular):
            guard let raw = irregular[i] else {
                // The text is `values[i].description`, which parses back to `values[i]`.
                let value = values[i]
                if value.isNaN || (!missingValues.isEmpty && missingValues.contains(value)) { return .missing }
                return value.isInfinite ? .infinite(value.description) : .number(value)
            }
            text = raw
        case let .text(strings):
            text = strings[i]
        }
        let kind: CellText
        if let ascii = Self.asciiCell(text, standardTokens: true, extraMissing: missingTokenSet) {
            kind = ascii
        } else {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if Self.standardMissingTokens.contains(trimmed) || missingTokenSet.contains(trimmed) { return .missing }
            kind = Self.cell(trimmed)
        }
        switch kind {
        case let .number(value): return .number(value)
        case .missing: return .missing
        case .infinite: return .infinite(text)
        case .notDecimal: return .text(text)
        }
    }

    /// The number in row `i`, column `j`, `nil` when missing.
    private func number(row i: Int, column j: Int) throws(AnalysisError) -> Double? {
        switch cell(row: i, column: j) {
        case .missing:
            return nil
        case let .number(value):
            return value
        case let .infinite(text):
            throw .nonFiniteCell(file: source, line: lines[i], column: columnNames[j], value: text)
        case let .text(text):
            throw .nonNumericCell(file: source, line: lines[i], column: columnNames[j], value: text)
        }
    }

    /// The first row whose cell in column `j` is text (neither a number nor missing).
    private func firstNonNumericRow(column j: Int) -> Int? {
        if case let .numeric(_, irregular) = cells[j] {
            // Regular cells are numbers (or NaN, or infinities): only the irregular ones can be text.
            return irregular.keys.sorted().first { i in if case .text = cell(row: i, column: j) { true } else { false } }
        }
        return (0..<rowCount).first { i in if case .text = cell(row: i, column: j) { true } else { false } }
    }

    /// What a numeric cell's text holds.
    public enum CellText: Sendable, Equatable {
        /// A finite decimal number.
        case number(Double)
        /// Empty, only spaces, or a NaN spelling.
        case missing
        /// An infinity spelling, or a decimal literal beyond `Double`'s range.
        case infinite
        /// Anything else, including what `Double(_:)` accepts but a spreadsheet
        /// or pandas would not write: hexadecimal (`0x10`, `0x1p-2`), `nan(0x1)`, `snan`.
        case notDecimal
    }

    /// Reads a cell strictly as a plain decimal or scientific number.
    ///
    /// Accepted, after trimming spaces and tabs:
    /// ```
    /// [+-]? ( digits [. digits?] | . digits ) ( [eE] [+-]? digits )?     a number
    /// [+-]? nan                    (any letter case)                      missing
    /// [+-]? ( inf | infinity )     (any letter case)                      an infinity
    /// ```
    /// The number is `Double(text)`, correctly rounded (the same value as
    /// Python's `float`). Only ASCII digits count.
    public static func cell(_ text: String) -> CellText {
        asciiCell(text, standardTokens: false) ?? unicodeCell(text)
    }

    /// ``cell(_:)`` for any text: trims Unicode spaces with Foundation, then reads the grammar.
    static func unicodeCell(_ text: String) -> CellText {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return Array(trimmed.utf8).withUnsafeBufferPointer { bytes in
            decimal(bytes) { Double(trimmed) }
        }
    }
}

// MARK: - Column storage

/// One column of an ``EvalMatrix``.
private enum ColumnStorage: Sendable {
    /// A mostly numeric column: `values[i]` for row i, whose text is exactly
    /// `values[i].description` unless `irregular[i]` holds the text (then
    /// `values[i]` is NaN and unused).
    case numeric(values: [Double], irregular: [Int: String])
    /// Any other column: the text of every cell.
    case text([String])

    /// The text of every cell, as in the file.
    var strings: [String] {
        switch self {
        case let .text(strings):
            return strings
        case let .numeric(values, irregular):
            return values.indices.map { irregular[$0] ?? values[$0].description }
        }
    }

    /// The rows at `rows`, in that order.
    func selecting(_ rows: [Int]) -> ColumnStorage {
        switch self {
        case let .text(strings):
            return .text(rows.map { strings[$0] })
        case let .numeric(values, irregular):
            var kept: [Int: String] = [:]
            if !irregular.isEmpty {
                for (newRow, oldRow) in rows.enumerated() { if let t = irregular[oldRow] { kept[newRow] = t } }
            }
            return .numeric(values: rows.map { values[$0] }, irregular: kept)
        }
    }
}

extension EvalMatrix {
    /// The columns' numbers copied into one column-major buffer, or `nil`
    /// when some cell is irregular text or missing (NaN): then the caller takes
    /// the row-by-row path that names the first bad cell.
    fileprivate static func denseCopy(_ columns: [ColumnStorage], rows n: Int, missingValues: Set<Double>) -> [Double]? {
        for column in columns {
            guard case let .numeric(values, irregular) = column, irregular.isEmpty,
                  !values.contains(where: { $0.isNaN || (!missingValues.isEmpty && missingValues.contains($0)) })
            else { return nil }
        }
        var storage = [Double]()
        storage.reserveCapacity(n * columns.count)
        for case let .numeric(values, _) in columns { storage.append(contentsOf: values) }
        return storage
    }

    /// Accumulates rows into per-column storage, deciding per column whether
    /// it is numbers or text.
    fileprivate struct Builder {
        /// Per column: numbers so far, irregular texts, or (once the column is
        /// mostly text) the strings.
        private var values: [[Double]]
        private var irregular: [[Int: String]]
        private var texts: [[String]?]
        private var count = 0

        /// - Parameter compact: whether to try numbers first; `false` keeps
        ///   every column as text (cheapest for small files, where parsing every
        ///   cell up front costs more time than the strings cost memory).
        init(header: [String], expectedRows: Int, compact: Bool) {
            let m = header.count
            values = Array(repeating: [], count: m)
            irregular = Array(repeating: [:], count: m)
            texts = Array(repeating: compact ? nil : [], count: m)
            if expectedRows > 0 { for j in 0..<m { values[j].reserveCapacity(expectedRows) } }
        }

        mutating func append(_ row: [String]) {
            let i = count
            for j in row.indices {
                let cell = row[j]
                if texts[j] != nil {
                    texts[j]!.append(cell)
                    continue
                }
                if let value = Double(cell), value.description == cell {
                    values[j].append(value)
                } else {
                    values[j].append(.nan)
                    irregular[j][i] = cell
                    // Mostly text (a name, a status, a flag): keep strings from now on.
                    if irregular[j].count > 8, irregular[j].count * 2 > i + 1 { switchToText(j) }
                }
            }
            count += 1
        }

        private mutating func switchToText(_ j: Int) {
            let column = ColumnStorage.numeric(values: values[j], irregular: irregular[j])
            var strings = column.strings
            strings.reserveCapacity(Swift.max(strings.count * 2, 16))
            texts[j] = strings
            values[j] = []
            irregular[j] = [:]
        }

        /// The finished columns: a column stays numeric when at most half its cells are irregular.
        mutating func finish() -> [ColumnStorage] {
            (0..<values.count).map { j in
                if let strings = texts[j] { return .text(strings) }
                if irregular[j].count * 2 > values[j].count {
                    return .text(ColumnStorage.numeric(values: values[j], irregular: irregular[j]).strings)
                }
                return .numeric(values: values[j], irregular: irregular[j])
            }
        }
    }
}
