/// The parameters the EM moves: loadings `Λ` (p × k, column-major) and
/// uniquenesses `ψ` (p).
struct FactorParameters: Sendable, Equatable {
    var lambda: [Double]
    var psi: [Double]
}
