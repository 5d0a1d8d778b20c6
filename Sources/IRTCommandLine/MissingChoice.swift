import ArgumentParser
import IRTModel

/// The `--missing` values.
public enum MissingChoice: String, CaseIterable, Sendable, ExpressibleByArgument {
    case fit
    case dropRuns = "drop-runs"
    case error

    /// The library's policy.
    public var policy: MissingPolicy {
        switch self {
        case .fit: .fit
        case .dropRuns: .dropRuns
        case .error: .error
        }
    }
}
