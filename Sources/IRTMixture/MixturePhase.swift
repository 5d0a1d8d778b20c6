/// One phase of a mixture: the weight columns whose weights sum to 1 in every run.
///
/// Columns named `phase_<i>_<domain>` form phase `phase_<i>`; without such
/// names every weight column is in the single phase `all`.
public struct MixturePhase: Sendable, Codable, Equatable {
    /// `"phase_1"` for `phase_1_<domain>` columns; `"all"` when the file has no phases.
    public let name: String
    /// The full column names of the phase, in file order.
    public let columns: [String]

    public init(name: String, columns: [String]) {
        self.name = name
        self.columns = columns
    }
}
