/// Failures of `irt-report` outside the analysis itself, each a single line a
/// person can act on.
public enum ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `--em-init` could not be read or is not p rows of k non-negative numbers.
    case initialLoadings(file: String, reason: String)
    /// A `--validate` column is not in the sweep.
    case heldOutMetric(file: String, column: String)
    /// The report could not be written.
    case output(path: String, reason: String)
    /// An output path (`--out`, `--json`) holds something irt-report may not
    /// replace: a folder that is not an IRTKit report, a device, a pipe, ….
    case outputRefused(option: String, path: String, reason: String)
    /// A run name occurs more than once among the runs a mixture file is joined to by name.
    case ambiguousRunName(file: String, run: String, count: Int)

    public var description: String {
        switch self {
        case let .initialLoadings(file, reason): "--em-init \(file): \(reason)"
        case let .heldOutMetric(file, column): "--validate \(column): \(file) has no column of that name; check the spelling against its header"
        case let .output(path, reason): "\(path): cannot write the report (\(reason))"
        case let .outputRefused(option, path, reason): "\(option) \(path) \(reason)"
        case let .ambiguousRunName(file, run, count):
            "\(file): run \"\(run)\" occurs \(count) times; the mixture file is joined to the runs by name, so each run needs a name of its own"
        }
    }
}
