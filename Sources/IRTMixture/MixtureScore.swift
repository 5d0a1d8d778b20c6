/// One score the mixture should explain: the aggregate, a factor θ_J, or the balanced aggregate.
public struct MixtureScore: Sendable, Equatable {
    /// `"aggregate"`, `"theta_1"`, …, or `"balanced"`.
    public let name: String
    /// A human label, e.g. the factor's label.
    public let label: String
    /// One value per run of the sweep's run names (their order).
    public let values: [Double]
    /// The seed-noise share of the score's variance (nil without a noise file);
    /// the ceiling R² is `1 − noiseShare`.
    public let noiseShare: Double?

    public init(name: String, label: String, values: [Double], noiseShare: Double?) {
        self.name = name
        self.label = label
        self.values = values
        self.noiseShare = noiseShare
    }
}
