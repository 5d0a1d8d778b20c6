import Foundation

/// What the proposals maximize: the aggregate, the balanced aggregate, or factor J (1-based).
public enum MixtureObjective: Sendable, Equatable {
    case aggregate
    case balanced
    case factor(Int)
}

extension MixtureObjective {
    /// Parses `"aggregate"`, `"balanced"` or `"factor:J"` with 1 ≤ J ≤ `factors`.
    ///
    /// - Throws: ``MixtureError/invalidObjective(_:)`` for anything else.
    public init(parsing text: String, factors: Int) throws(MixtureError) {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        switch t {
        case "aggregate": self = .aggregate
        case "balanced": self = .balanced
        default:
            guard t.hasPrefix("factor:"), let j = Int(t.dropFirst("factor:".count)), j >= 1, j <= factors else {
                throw .invalidObjective(text)
            }
            self = .factor(j)
        }
    }

    /// The name of the score it maximizes: `"aggregate"`, `"balanced"` or `"theta_J"`.
    public var scoreName: String {
        switch self {
        case .aggregate: "aggregate"
        case .balanced: "balanced"
        case let .factor(j): "theta_\(j)"
        }
    }
}
