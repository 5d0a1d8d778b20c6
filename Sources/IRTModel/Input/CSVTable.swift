/// A parsed CSV file: the header and the data rows, each with the file line it starts on.
///
/// Every row has exactly `header.count` fields (``CSVReader`` rejects ragged
/// rows), and `lines[i]` is the 1-based line of the file on which `rows[i]`
/// begins (the header is line 1). A quoted field may span lines, so
/// `lines` is not always `2, 3, 4, …`.
public struct CSVTable: Sendable, Equatable {
    /// The header fields, in file order.
    public var header: [String]
    /// The data rows, in file order; empty cells are `""`.
    public var rows: [[String]]
    /// The 1-based file line where each row of ``rows`` starts.
    public var lines: [Int]

    /// A table from its parts.
    ///
    /// - Precondition: `rows.count == lines.count`.
    public init(header: [String], rows: [[String]], lines: [Int]) {
        precondition(rows.count == lines.count, "CSVTable: one line number per row")
        self.header = header
        self.rows = rows
        self.lines = lines
    }
}
