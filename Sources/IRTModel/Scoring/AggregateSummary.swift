/// The aggregate's definition as `result.json` states it (`aggregate_definition`,
/// METHOD.md §8a): its kind and factor weights, and how the leaderboard moves
/// between the default mean of θ and the balanced aggregate.
public struct AggregateSummary: Sendable, Codable, Equatable {
    /// Where the factor weights come from.
    public let kind: AggregateDefinition.Kind
    /// `c` (k), summing to 1.
    public let factorWeights: [Double]
    /// The mean of θ against the balanced aggregate; `nil` when the balanced
    /// aggregate is undefined (``balancedNote`` says why).
    public let balancedComparison: AggregateComparison?
    /// Why there is no ``balancedComparison``.
    public let balancedNote: String?

    enum CodingKeys: String, CodingKey {
        case kind, factorWeights = "factor_weights", balancedComparison = "balanced_comparison"
        case balancedNote = "balanced_note"
    }

    /// "mean of θ", or the weighted sum (``AggregateDefinition/formula``).
    public var formula: String { AggregateDefinition.formula(kind: kind, factorWeights: factorWeights) }

    public init(definition: AggregateDefinition, balancedComparison: AggregateComparison?, balancedNote: String?) {
        kind = definition.kind
        factorWeights = definition.factorWeights
        self.balancedComparison = balancedComparison
        self.balancedNote = balancedNote
    }
}
