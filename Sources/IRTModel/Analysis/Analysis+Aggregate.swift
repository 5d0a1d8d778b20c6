import Linalg

/// The aggregate's definition and make-up (METHOD.md §8a).
extension Analysis {
    /// What ``aggregate(_:fitted:noiseShare:)`` gives.
    struct AggregateOutcome {
        /// The model with its aggregate definition (sweep aggregates and task weights).
        let model: FittedModel
        let summary: AggregateSummary
        let weights: AggregateWeights
        let warnings: [AnalysisWarning]
    }

    /// Applies the aggregate definition of `options` to `fitted` (whose sweep
    /// scores are the mean of θ's), measures the aggregate's make-up and
    /// compares the default mean of θ with the balanced aggregate.
    ///
    /// - Throws: ``AnalysisError/aggregateWeightsCount(given:factors:)`` for weights
    ///   not one per factor; ``AnalysisError/invalidOption(_:)`` for weights of a sum ≤ 0,
    ///   a balanced aggregate that is undefined, or a task-group rule that matches no task.
    /// - Complexity: O(n k² + p k² + k³) and the balanced weights' descent.
    static func aggregate(_ options: AggregateOptions, fitted: FittedModel,
                          noiseShare: [Double?]) throws(AnalysisError) -> AggregateOutcome {
        let k = fitted.factorCount
        let names = fitted.tasks.map(\.name)
        if let unmatched = options.taskGroups.unmatchedRules(names).first {
            throw .invalidOption("task group rule \"\(unmatched.pattern.pattern)=\(unmatched.name)\" matches no task of the model (\(AnalysisWarning.list(names, limit: 6)))")
        }
        let theta = try numerical { () throws(LinalgError) in try Matrix(rows: fitted.sweep.theta) }
        let balanced = AggregateDefinition.balanced(theta: theta)
        let undefined = "undefined: the sweep's factor scores have a singular covariance (\(theta.rows) runs, k = \(k))"
        let definition: AggregateDefinition
        switch options.definition {
        case .mean: definition = .mean(factors: k)
        case let .weights(w): definition = try AggregateDefinition(weights: w, factors: k)
        case .balanced:
            guard let balanced else { throw .invalidOption("the balanced aggregate is \(undefined)") }
            definition = balanced
        }
        let model = try fitted.with(aggregate: definition)
        let weights = try AggregateWeights(model: model, noiseShare: noiseShare, groups: options.taskGroups)
        let comparison = balanced.map { c in
            AggregateComparison(from: AggregateDefinition.mean(factors: k).combine(rows: theta), to: c.combine(rows: theta),
                                runNames: fitted.sweep.runNames, factorWeights: c.factorWeights)
        }
        var warnings: [AnalysisWarning] = []
        if weights.isConcentrated {
            warnings.append(AnalysisWarning(
                .aggregateConcentrated,
                weights.headline + "; the other tasks barely move it (within each factor the weights follow 1/ψ, the tasks' own noise)",
                subjects: weights.halfWeight.map(\.name), remedies: [.otherAggregate]))
        }
        return AggregateOutcome(
            model: model,
            summary: AggregateSummary(definition: definition, balancedComparison: comparison,
                                      balancedNote: balanced == nil ? "the balanced aggregate is \(undefined)" : nil),
            weights: weights, warnings: warnings)
    }
}
