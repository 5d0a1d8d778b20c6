import ArgumentParser
import IRTModel

/// The `--m-step` values.
public enum MStepChoice: String, CaseIterable, Sendable, ExpressibleByArgument {
    case projected
    case nnls

    /// The library's M-step.
    public var mStep: MStep {
        switch self {
        case .projected: .projected
        case .nnls: .nnls
        }
    }
}
