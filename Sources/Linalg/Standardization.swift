/// A z-scored matrix and the location and scale that produced it.
public struct Standardization: Sendable, Equatable {
    /// `(X − mean) / sd`, column by column.
    public let z: Matrix
    /// The column means used.
    public let means: [Double]
    /// The column standard deviations used.
    public let standardDeviations: [Double]

    /// A standardization from its parts, e.g. one computed over the observed
    /// cells of a matrix with gaps (the caller guarantees `z` is `(X − mean) / sd`).
    public init(z: Matrix, means: [Double], standardDeviations: [Double]) {
        self.z = z
        self.means = means
        self.standardDeviations = standardDeviations
    }
}
