/// The dimensions of a matrix, `rows × columns`.
public struct Shape: Sendable, Hashable, Codable, CustomStringConvertible {
    public var rows: Int
    public var columns: Int

    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
    }

    /// `"3×4"`.
    public var description: String { "\(rows)×\(columns)" }
}
