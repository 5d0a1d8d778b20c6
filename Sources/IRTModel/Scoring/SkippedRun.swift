/// A row of an input file that was not used, and why.
public struct SkippedRun: Sendable, Codable, Equatable {
    /// Its run name.
    public let run: String
    /// Its 1-based file line (the header is line 1).
    public let line: Int
    /// Why it was skipped, in words ("status is \"failed\"", "no task observed").
    public let reason: String

    public init(run: String, line: Int, reason: String) {
        self.run = run
        self.line = line
        self.reason = reason
    }
}
