/// A z-scored matrix and the location and scale that produced it.
public struct Standardization: Sendable, Equatable {
    /// `(X − mean) / sd`, column by column.
    public let z: Matrix
    /// The column means used.
    public let means: [Double]
    /// The column standard deviations used.
    public let standardDeviations: [Double]
}
