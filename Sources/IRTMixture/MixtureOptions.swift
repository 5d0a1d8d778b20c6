/// The choices of the mixture step.
public struct MixtureOptions: Sendable, Equatable {
    /// Outer cross-validation folds (the inner penalty search uses the same count within each training fold).
    public var folds = 5
    /// The seed of every draw: folds, permutations, bootstrap, Thompson draws, starts.
    public var seed: UInt64 = 0
    /// How many diverse mixtures to propose.
    public var proposals = 3
    /// The trust region: the most total-variation distance (per phase, averaged)
    /// from a proposal to the nearest observed mixture.
    public var maxTV = 0.25
    /// What the proposals maximize.
    public var objective: MixtureObjective = .aggregate
    /// The run no factor may be predicted below; nil = the best matched run by aggregate.
    public var referenceRun: String? = nil
    /// Bootstrap resamples of the runs for the effect intervals.
    public var bootstrap = 200
    /// Surrogate posterior draws (GP) or bootstrap refits (ridge) averaged into a proposal.
    public var thompsonDraws = 32
    /// Permutations of the weights' rows for the permutation baseline.
    public var permutations = 1
    /// Worker threads for the independent fits (nil: every active core); the numbers do not depend on it.
    public var threads: Int? = nil

    public init() {}
}
