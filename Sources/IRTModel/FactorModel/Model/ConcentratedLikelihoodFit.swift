/// How a free-loading fit by the concentrated likelihood ended (``FreeLoadingFit/concentrated``).
public struct ConcentratedLikelihoodFit: Sendable, Equatable, Codable {
    /// Quasi-Newton iterations (accepted steps).
    public let iterations: Int
    /// Evaluations of the concentrated likelihood and its gradient (each one
    /// partial eigendecomposition of `Ψ^(−1/2) S Ψ^(−1/2)`); ``FitDiagnostics/iterations``
    /// counts the same.
    public let evaluations: Int
    /// `max_t |∂F/∂x_t|` over the free tasks not held at their bound, at the end, in the
    /// iteration's coordinate x (ln ψ above 0.01, linear in ψ below; METHOD.md §12).
    public let projectedGradient: Double
    /// Free tasks whose ψ ended at its lower bound (Heywood cases).
    public let tasksAtBound: Int

    enum CodingKeys: String, CodingKey {
        case iterations, evaluations, projectedGradient = "projected_gradient", tasksAtBound = "tasks_at_bound"
    }
}
