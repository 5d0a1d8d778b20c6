/// A usage error that shows only once the sweep is read: no task selection
/// was given and the reference preset does not fit the file. `irt-report`
/// prints it (several lines: the numeric columns found and a ready command
/// line) and exits with 2, like any other usage error.
public struct SelectionUsageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The message, possibly several lines.
    public let description: String

    public init(_ description: String) { self.description = description }
}
